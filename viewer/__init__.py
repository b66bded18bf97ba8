"""Crosscheck: read news articles, find dated and placed events, show where sources disagree."""

__version__ = "0.1.0"
APP_NAME = "Crosscheck"

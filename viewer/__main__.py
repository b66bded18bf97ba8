"""``python -m viewer`` is the ``viewer`` command."""

from viewer.cli import main
import sys

if __name__ == "__main__":  # spawned ingest workers import this module again
    sys.exit(main())

"""``python -m viewer`` is the ``viewer`` command."""

import sys

from viewer.cli import main

if __name__ == "__main__":  # spawned ingest workers import this module again
    sys.exit(main())

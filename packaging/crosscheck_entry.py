"""Entry point of the frozen (PyInstaller) app: the same ``viewer`` command as ``python -m viewer``.

``multiprocessing.freeze_support()`` must run first: ingest starts spawned
worker processes, and in a frozen app each worker is this same executable
started with multiprocessing's arguments; without the call every worker would
start the whole app again instead of running its task.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from viewer.cli import main

    sys.exit(main())

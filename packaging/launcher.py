"""Entry point of the frozen app (PyInstaller): the same as `python -m followthrough`."""

from __future__ import annotations

import sys

from followthrough.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Followthrough: turns each job interview into a plan of calendar follow-ups.

Importing this package must stay cheap: no Qt, no network libraries.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("followthrough")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

__all__ = ["__version__"]

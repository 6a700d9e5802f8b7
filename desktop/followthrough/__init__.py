"""Followthrough: turns each job interview into a plan of calendar follow-ups.

Importing this package must stay cheap: no Qt, no network libraries.
"""

from __future__ import annotations

# The one place the version is written: pyproject.toml reads it from here (hatch), and
# reading it does not cost an importlib.metadata lookup at every start.
__version__ = "0.1.0"

__all__ = ["__version__"]

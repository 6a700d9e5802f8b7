"""How a command answers: a line on standard output, or a CliError that `main` reports on
stderr as one sentence."""

from __future__ import annotations

import sys

from followthrough.core.text import printable


class CliError(Exception):
    """A problem to report on stderr as one sentence."""


def emit(text: str) -> None:
    """Print a line; text from files and servers in it cannot drive the terminal."""
    sys.stdout.write(printable(text) + "\n")


def complain(text: str, *, end: str = "\n") -> None:
    """Write a problem (or a question) to stderr; outside text in it cannot drive the terminal."""
    sys.stderr.write(printable(text) + end)

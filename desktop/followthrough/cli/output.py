"""How a command answers: a line on standard output, or a CliError that `main` reports on
stderr as one sentence."""

from __future__ import annotations

import sys


class CliError(Exception):
    """A problem to report on stderr as one sentence."""


def emit(text: str) -> None:
    sys.stdout.write(text + "\n")

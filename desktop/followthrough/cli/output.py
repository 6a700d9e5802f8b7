"""How a command answers: a line on standard output, or a CliError that `main` reports on
stderr as one sentence."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from followthrough.core.text import printable


class CliError(Exception):
    """A problem to report on stderr as one sentence."""


def emit(text: str) -> None:
    """Print a line; text from files and servers in it cannot drive the terminal."""
    sys.stdout.write(printable(text) + "\n")


def complain(text: str, *, end: str = "\n") -> None:
    """Write a problem (or a question) to stderr; outside text in it cannot drive the terminal."""
    sys.stderr.write(printable(text) + end)


def json_rows(rows: Sequence[dict[str, Any]]) -> str:
    """`json.dumps(rows, indent=2)`, the same text, written by json's C encoder in one call
    (`indent` turns it off: 5,000 steps took half a second). For rows of plain values: the
    indent is then the separator between items, and a row's end the one place where a `}`
    meets that separator (a string holds no raw line break). A value that is a list or a
    dict (or what reads like one) takes the long way."""
    import json

    if rows and all(rows):
        text = json.JSONEncoder(separators=(",\n    ", ": ")).encode(list(rows))
        if '": [' not in text and '": {' not in text:
            text = text[2:-2].replace("},\n    {", "\n  },\n  {\n    ")
            return f"[\n  {{\n    {text}\n  }}\n]"
    return json.dumps(rows, indent=2)

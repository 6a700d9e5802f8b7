"""Text from outside (files, servers, links, other programs) made safe to show.

One set of rules for the terminal, error messages and the names the user sees: control
characters (C0, DEL, C1), lone surrogates, line and paragraph separators, and the invisible
marks that reorder or hide text (bidirectional overrides and isolates) never reach a screen as
they are. Linear in the text's length; no regular expression.
"""

from __future__ import annotations

# Characters that can hide or reorder what a text says (bidirectional marks, overrides and
# isolates) or break a line where none is shown.
HIDING = frozenset(
    "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# The marks that embed, override or isolate a direction: text after one can read backwards
# (a name ending in "fdp.exe" shown as "exe.pdf"). Refused in names, titles and companies.
REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SHOWN_LIMIT = 80  # characters of outside text an error message repeats


def is_control(char: str) -> bool:
    """Whether `char` must not reach a screen as it is (see the module's docstring).

    Unicode's categories Cc (C0, DEL, C1) and Cs (surrogates) by their ranges: importing
    unicodedata would cost the window's start-up some 9 ms.
    """
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or char in HIDING


def reorders(text: str) -> bool:
    """Whether `text` holds a mark that overrides or isolates its direction (see REORDERING)."""
    return not REORDERING.isdisjoint(text)


def shown(text: str, limit: int = SHOWN_LIMIT) -> str:
    """`text` as an error message may repeat it: one line, every control a '?', at most
    `limit` characters (the cut marked with '...')."""
    head = text[: limit + 1]
    clean = "".join("?" if is_control(c) else c for c in head)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def printable(text: str) -> str:
    """`text` as the terminal may print it: line breaks and tabs kept, every other control
    character a '?', so an escape sequence cannot retitle, clear or rewrite the screen."""
    text = text.replace("\r\n", "\n")
    return "".join(c if c in "\n\t" or not is_control(c) else "?" for c in text)

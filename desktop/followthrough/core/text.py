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
    character a '?', so an escape sequence cannot retitle, clear or rewrite the screen.

    Done in C, not a character at a time (a `plan --json` of 7,000 steps is 5 million
    characters): the one-byte controls in the UTF-8 bytes, then the others, if any, by
    `str.translate`."""
    text = text.replace("\r\n", "\n")
    try:
        text = text.encode("utf-8").translate(_BYTES).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return text.translate(_table())
    if text.isascii() or not any(c in text for c in _WIDE):
        return text
    return text.translate(_table())


# In UTF-8 a byte below 0x80 is always a character of its own: C0 (but \n and \t) and DEL.
_BYTES = bytes(
    ord("?") if (b < 0x20 and b not in b"\n\t") or b == 0x7F else b for b in range(256)
)
_WIDE = "".join(map(chr, range(0x80, 0xA0))) + "".join(sorted(HIDING))  # C1, HIDING


def _table() -> dict[int, str]:
    """code point -> "?" for every character `is_control` names, but \\n and \\t."""
    narrow = [b for b in range(0x80) if _BYTES[b] != b]
    return {code: "?" for code in (*narrow, *map(ord, _WIDE), *range(0xD800, 0xE000))}

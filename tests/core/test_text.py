"""Outside text made safe to show: one set of rules for messages, the terminal and names."""

from __future__ import annotations

import unicodedata

import pytest

from followthrough.core.text import HIDING, is_control, printable, reorders, shown


def test_controls_are_unicodes_cc_and_cs_and_the_hiding_marks() -> None:
    for code in range(0x110000):
        char = chr(code)
        expected = char in HIDING or unicodedata.category(char) in ("Cc", "Cs")
        assert is_control(char) == expected, hex(code)


def test_shown_is_one_short_line() -> None:
    assert shown("Acme\r\nX-Injected: yes") == "Acme??X-Injected: yes"
    long = shown("a" * 500)
    assert len(long) == 80 and long.endswith("...")
    assert shown("\u202eexe.pdf") == "?exe.pdf"


def test_printable_keeps_lines_and_tabs_only() -> None:
    assert printable("one\r\ntwo\tthree\x1b[2J\x9b1m\x07") == "one\ntwo\tthree?[2J?1m?"


@pytest.mark.parametrize("surrogates", [False, True], ids=["utf-8", "lone surrogates"])
def test_printable_replaces_every_control_and_nothing_else(surrogates: bool) -> None:
    # Every code point (a text with a lone surrogate takes another way through printable).
    every = "".join(chr(c) for c in range(0x110000) if surrogates or not 0xD800 <= c <= 0xDFFF)
    expected = "".join("?" if is_control(c) and c not in "\n\t" else c for c in every)
    assert printable(every) == expected
    assert printable("é\u202e\x85\r\n\x7f") == "é??\n?"  # wide and narrow, one text


def test_reorders() -> None:
    assert reorders("name\u202e") and reorders("\u2066x\u2069")
    assert not reorders("Zoë Ångström") and not reorders("שלום \u200f")

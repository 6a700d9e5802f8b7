"""An imported file's text is decoded and its line ends made LF a slice at a time (so that an
import beside the window never holds Python's lock for long): the same text, and the same line
named when a byte is not UTF-8, as decoding the whole file at once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import followthrough.ical.ics_import as ics_import
from followthrough.ical.ics_import import IcsImportError, lf_text

_PARTS = st.sampled_from(["A", "é", "€", "𝄞", "\r\n", "\r", "\n", "\r\r\n", " ", "x" * 5])


def _whole(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
@settings(max_examples=150, deadline=None)
@given(parts=st.lists(_PARTS, min_size=1, max_size=40))
def test_slices_give_the_text_of_the_whole(size: int, parts: list[str]) -> None:
    data = "".join(parts).encode("utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ics_import, "_SLICE", size)
        assert lf_text(data, "f.ics") == _whole(data)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 64])
@settings(max_examples=100, deadline=None)
@given(
    before=st.lists(_PARTS, max_size=20),
    bad=st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9d\x84", b"\x80"]),
    after=st.lists(_PARTS, max_size=5),
)
def test_a_byte_not_utf8_is_named_by_its_line(
    size: int, before: list[str], bad: bytes, after: list[str]
) -> None:
    head = "".join(before).encode("utf-8")
    # An incomplete sequence followed by a character that cannot continue it, or by nothing.
    data = head + bad + "".join(after).encode("utf-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        expected = data[: error.start].count(b"\n") + 1
    else:  # pragma: no cover - every `bad` above is invalid wherever it ends
        pytest.fail("the data decoded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ics_import, "_SLICE", size)
        with pytest.raises(IcsImportError, match=rf"f\.ics, line {expected}: .*not UTF-8"):
            lf_text(data, "f.ics")


def test_a_large_file_is_read_in_many_slices() -> None:
    line = "DESCRIPTION:Caf\u00e9 \u20ac and more text to fill the line up\r\n"
    data = (line * 40_000).encode("utf-8")  # about 1.8 MB: seven slices
    assert len(data) > 6 * ics_import._SLICE
    assert lf_text(data, "big.ics") == _whole(data)

"""Work on text from outside is linear: every pattern and check that reads a file's, a server's
or a link's text handles 100,000 characters of the awkward shapes (long runs of white space,
separators, half-open quotes, repeated keywords) in under 0.1 s of CPU.

A quadratic pattern takes minutes on these inputs, so the bound tells one from the other
without depending on the machine's speed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Event

from followthrough.compose.eml import email_message
from followthrough.compose.tel import tel_url
from followthrough.core.mailto import mailto_url
from followthrough.core.model import Interviewer, ValidationError, check_email, check_phone
from followthrough.core.text import printable, shown
from followthrough.ical.ics_import import IcsImportError, check_ics
from followthrough.ical.invitations import invitation, meeting_link
from followthrough.links import LinkError, parse_link
from followthrough.mail.headers import FIELDS as MAIL_FIELDS
from followthrough.mail.headers import parse_header
from followthrough.mail.matching import hint

SIZE = 100_000
LIMIT = 0.1  # seconds of this process's CPU time
NOW = datetime(2026, 12, 1, tzinfo=UTC)

# Pieces that make regular expressions backtrack when repeated: white space runs, the
# separators and keywords the patterns look for, quotes and brackets left open.
FRAGMENTS = [
    " ", "\t", "  ", "a", "-", "–", ":", "|", ";", ",", "=", '"', "<", ">", "(", ")", "@", ".",
    "x", "#", "ext", "=?", "?=", "https://", "zoom.us", "interview ", "interview with ",
    "interview for ", " at ", " with ", " for ", "A-", "a.", "followthrough-", "\\", "[if ",
]


@st.composite
def awkward(draw: st.DrawFn) -> str:
    """SIZE characters: a few fragments repeated, then maybe a tail that makes a match fail."""
    unit = "".join(draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4)))
    tail = draw(st.sampled_from(["", "!", "x", "\x01", "<", "(", ":"]))
    text = unit * (SIZE // len(unit) + 1)
    return text[: SIZE - len(tail)] + tail


def _cpu(work: Callable[[], object]) -> float:
    start = time.process_time()
    with contextlib.suppress(ValidationError, ValueError, LinkError, IcsImportError):
        work()  # refusing is fine; taking long is not
    return time.process_time() - start


def _invitation(text: str) -> None:
    event = Event()
    event.add("UID", "hostile@example.com")
    event.add("SUMMARY", text)
    event.add("DESCRIPTION", text)
    event.add("LOCATION", text[:1000])
    event.add("DTSTART", datetime(2026, 12, 1, 9, tzinfo=UTC))
    invitation(event, "REQUEST", "Europe/Paris")


CHECKS: dict[str, Callable[[str], object]] = {
    "invitation (title, meeting link)": _invitation,
    "meeting link": meeting_link,
    "iCalendar line": lambda text: check_ics(
        f"BEGIN:VCALENDAR\r\nX-A;P={text}\r\nEND:VCALENDAR\r\n".encode(), "hostile.ics"
    ),
    "email address": check_email,
    "phone number": check_phone,
    "interviewer": Interviewer.parse,
    "tel: link": tel_url,
    "mailto: link": lambda text: mailto_url("ana@example.com", text, text),
    "message headers": lambda text: email_message(text, "ana@example.com", text, text),
    "link": parse_link,
    "shown in a message": shown,
    "printed": printable,
    "mail header fields": lambda text: parse_header(
        1, "".join(f"{name}: {text}\r\n" for name in MAIL_FIELDS).encode(), None, NOW
    ),
    "mail subject hint": hint,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=awkward())
def test_outside_text_is_handled_in_linear_time(name: str, text: str) -> None:
    took = _cpu(lambda: CHECKS[name](text))
    assert took < LIMIT, f"{name}: {took:.2f} s of CPU for {text[:40]!r}..."


def test_the_title_patterns_never_see_more_than_a_title() -> None:
    """90,000 spaces in a SUMMARY took three minutes before the title was bounded."""
    took = _cpu(lambda: _invitation(" " * 90_000))
    assert took < LIMIT


def test_a_meeting_link_is_found_as_before() -> None:
    assert meeting_link("Join: https://acme.zoom.us/j/123?pwd=x now") == (
        "https://acme.zoom.us/j/123?pwd=x"
    )
    assert meeting_link('<a href="HTTPS://meet.Google.com/abc-defg-hij">') == (
        "HTTPS://meet.Google.com/abc-defg-hij"
    )
    assert meeting_link("see https://example.com/zoom.us-notes") == (
        "https://example.com/zoom.us-notes"
    )
    assert meeting_link("zoom.us https://example.com") == ""
    assert meeting_link("http://zoom.us/j/1") == ""
    assert meeting_link("xhttps://teams.microsoft.com/l/1") == "https://teams.microsoft.com/l/1"

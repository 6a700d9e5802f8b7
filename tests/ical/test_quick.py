"""The quick reader of step events reads what the full reader reads, or leaves it to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followthrough.core.model import Activity, ActivityKind, Interview, StepStatus
from followthrough.ical.export import Exporter
from followthrough.ical.mapping import MappingError, read_step
from followthrough.ical.quick import quick_step
from followthrough.store import Store
from followthrough.sync.events import main_event


def full(body: bytes, reader: Callable[[Any], object] = read_step) -> object:
    """What the full reader (`reader`: read_step, or read_interview) makes of `body`."""
    event = main_event(body)
    if event is None:
        return "unreadable"
    try:
        return reader(event)
    except MappingError as error:
        return f"refused: {error}"


def step_files(store: Store) -> dict[str, bytes]:
    return {
        uid: data for uid, (_digest, data) in Exporter(store).event_files().items() if "." in uid
    }


def test_every_step_we_write_is_read_quickly_as_the_full_reader_reads_it(
    open_at: Callable[[Path], Store], sample: Callable[..., Interview], tmp_path: Path
) -> None:
    store = open_at(tmp_path)
    store.set_setting("timezone", "America/New_York")
    acme = store.add_interview(sample())
    steps = [s.step for s in store.steps(acme.id)]
    at = acme.end + timedelta(hours=1)
    store.record(acme.id, Activity(ActivityKind.DONE, at, step=steps[0].key, how="email"))
    store.record(acme.id, Activity(ActivityKind.SKIP, at, step=steps[1].key))
    moved = Activity(ActivityKind.MOVE, at, step=steps[2].key, to=at + timedelta(days=2))
    store.record(acme.id, moved)
    globex = store.add_interview(sample(company="Globex; Inc, \\ \"x\"", tz="Asia/Kolkata"))
    store.record(globex.id, Activity(ActivityKind.REPLY, globex.end + timedelta(hours=2)))
    files = step_files(store)
    statuses = set()
    for body in files.values():
        quick = quick_step(body)
        assert quick is not None
        assert quick == full(body)
        statuses.add(quick[1].status)
    assert statuses >= {StepStatus.DONE, StepStatus.SKIPPED, StepStatus.CANCELLED,
                        StepStatus.PLANNED}


def a_step(summary: str = "Thank-you to Ana", start: str = "DTSTART:20261124T090000Z",
           extra: str = "", zone: str = "") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n" + zone + "BEGIN:VEVENT\r\n"
        "UID:followthrough-0123456789ab.thank-you.p1@followthrough\r\n"
        f"DTSTAMP:20261124T080000Z\r\n{start}\r\nSUMMARY:{summary}\r\nSEQUENCE:3\r\n"
        + extra + "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT15M\r\n"
        "END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


PARIS_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)


@pytest.mark.parametrize(
    "body",
    [
        a_step(),
        a_step(start="DTSTART;TZID=Europe/Paris:20261124T103000", zone=PARIS_ZONE),
        a_step(start='DTSTART;TZID="Europe/Paris";VALUE=DATE-TIME:20261124T103000'),
        a_step(summary="✓ Thank-you\\, sent\\; done\\nnext \\\\ line"),
        a_step(extra="STATUS:CANCELLED\r\n"),
        a_step(extra="X-FOLLOWTHROUGH-STATUS:done\r\nDESCRIPTION:moved by\r\n  a calendar app\r\n"),
    ],
    ids=["utc", "zone", "quoted", "escapes", "cancelled", "done-folded"],
)
def test_the_quick_reader_agrees_with_the_full_one(body: bytes) -> None:
    quick = quick_step(body)
    assert quick is not None
    assert quick == full(body)


@pytest.mark.parametrize(
    "body",
    [
        a_step(start="DTSTART;VALUE=DATE:20261124"),
        a_step(start="DTSTART:20261124T090000"),  # floating
        a_step(start="DTSTART;TZID=Mars/Olympus:20261124T090000"),
        a_step(start="DTSTART;TZID=Europe/Paris:20261124T090000Z"),
        a_step(extra="SUMMARY:again\r\n"),
        a_step(extra="RRULE:FREQ=DAILY\r\n"),
        a_step(extra="RECURRENCE-ID:20261124T090000Z\r\n"),
        a_step().replace(b"SEQUENCE:3", b"SEQUENCE:x"),
        a_step(extra="X-FOLLOWTHROUGH-STATUS:nonsense\r\n"),
        a_step().replace(b"END:VALARM\r\n", b""),
        a_step().replace(b"BEGIN:VALARM", b"BEGIN:VTODO").replace(b"END:VALARM", b"END:VTODO"),
        a_step().replace(b"END:VCALENDAR\r\n", b"BEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
        a_step().replace(b"UID:followthrough-0123456789ab.thank-you.p1", b"UID:someone-else"),
        a_step().replace(b"SUMMARY", b"SUMMARY;X=\"unclosed"),
        b"\xff\xfe" + a_step(),
        b"",
    ],
    ids=[
        "date", "floating", "unknown-zone", "zone-and-z", "twice", "rrule", "recurrence-id",
        "bad-sequence", "bad-status", "unclosed", "other-component", "two-events", "not-ours",
        "bad-line", "not-utf8", "empty",
    ],
)
def test_what_the_quick_reader_is_not_sure_of_goes_the_full_way(body: bytes) -> None:
    assert quick_step(body) is None


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cc", "Cs")), st.sampled_from(",;:\\\"'\n")
    ),
    max_size=120,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summary=_TEXT, minutes=st.integers(min_value=0, max_value=60 * 24 * 400))
def test_any_summary_and_time_read_alike(summary: str, minutes: int) -> None:
    from icalendar import Calendar, Event

    event = Event()
    event.add("UID", "followthrough-0123456789ab.call@followthrough")
    event.add("DTSTAMP", datetime(2026, 11, 24, tzinfo=UTC))
    event.add("SUMMARY", summary)
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    from zoneinfo import ZoneInfo

    event.add("DTSTART", start.astimezone(ZoneInfo("Europe/Paris")))
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//x//y//EN")
    calendar.add_component(event)
    body = calendar.to_ical()
    quick = quick_step(body)
    assert quick is not None
    assert quick == full(body)

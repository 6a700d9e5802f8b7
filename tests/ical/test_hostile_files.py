"""Hostile and broken .ics files: one sentence naming the file and line, nothing stored."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from followthrough.ical.bounds import _zone_cache, parse
from followthrough.ical.ics_import import IcsImportError, import_file
from followthrough.store import Store
from followthrough.sync.events import main_event, same_events

ZONE_BOMB = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Hostile//EN\r
BEGIN:VTIMEZONE\r
TZID:Bomb\r
BEGIN:STANDARD\r
DTSTART:16010101T000000\r
RRULE:FREQ=%(freq)s\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T000030\r
RRULE:FREQ=%(freq)s\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:bomb@example.com\r
DTSTAMP:20261101T000000Z\r
SUMMARY:Interview with Acme\r
DTSTART;TZID=Bomb:20261201T090000\r
DTEND;TZID=Bomb:20261201T100000\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def store(open_at, tmp_path: Path) -> Store:  # type: ignore[no-untyped-def]
    return open_at(tmp_path / "data")  # type: ignore[no-any-return]


@pytest.mark.parametrize("freq", ["MINUTELY", "SECONDLY", "HOURLY", "DAILY"])
def test_a_time_zone_that_changes_without_end_is_refused(
    store: Store, tmp_path: Path, freq: str
) -> None:
    path = tmp_path / "bomb.ics"
    path.write_bytes(ZONE_BOMB % {b"freq": freq.encode()})
    before = list(store.conn.iterdump())
    started = time.process_time()
    with pytest.raises(IcsImportError) as caught:
        import_file(store, path)
    assert time.process_time() - started < 1
    assert str(caught.value) == (
        f"{path}, line 5: the time zone 'Bomb' changes its offset by a rule that repeats "
        f"{freq.lower()}; a real time zone's rule repeats yearly."
    )
    assert list(store.conn.iterdump()) == before


def test_a_yearly_zone_from_1601_is_read(store: Store, tmp_path: Path) -> None:
    """Outlook starts its zones in 1601: a yearly rule from then is fine."""
    path = tmp_path / "outlook.ics"
    path.write_bytes(ZONE_BOMB % {b"freq": b"YEARLY;BYMONTH=10;BYDAY=-1SU"})
    report = import_file(store, path)
    assert [iv.company for iv in report.added] == ["Acme"]


def test_a_server_event_with_such_a_zone_is_unreadable_not_a_hang() -> None:
    data = ZONE_BOMB % {b"freq": b"MINUTELY"}
    started = time.process_time()
    assert main_event(data) is None
    assert not same_events(data, data)
    assert time.process_time() - started < 1


def test_a_refused_zone_does_not_poison_the_next_file(store: Store, tmp_path: Path) -> None:
    """icalendar keeps custom zones by TZID for the whole process; we forget them per file."""
    bad = tmp_path / "bad.ics"
    bad.write_bytes(ZONE_BOMB % {b"freq": b"MINUTELY"})
    with pytest.raises(IcsImportError):
        import_file(store, bad)
    good = tmp_path / "good.ics"
    good.write_bytes(ZONE_BOMB % {b"freq": b"YEARLY;BYMONTH=10;BYDAY=-1SU"})
    started = time.process_time()
    (interview,) = import_file(store, good).added
    assert time.process_time() - started < 1
    # December: the zone's last change (October, to +01:00) applies: 09:00 is 08:00 UTC.
    assert interview.start.astimezone(UTC) == datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_each_file_reads_its_own_definition_of_a_zone() -> None:
    def calendar(offset: str) -> bytes:
        return (ZONE_BOMB % {b"freq": b"YEARLY;BYMONTH=10;BYDAY=-1SU"}).replace(
            b"TZOFFSETTO:+0100", f"TZOFFSETTO:{offset}".encode()
        )

    first = parse(calendar("+0100"))[0].walk("VEVENT")[0].decoded("DTSTART")
    second = parse(calendar("+0300"))[0].walk("VEVENT")[0].decoded("DTSTART")
    assert first.utcoffset() == timedelta(hours=1)
    assert second.utcoffset() == timedelta(hours=3)


def test_icalendar_still_keeps_its_zone_cache_where_we_clear_it() -> None:
    """bounds.parse clears icalendar's private cache; an upgrade that moves it must be seen."""
    assert _zone_cache() is not None

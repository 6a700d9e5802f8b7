"""Hostile and broken .ics files: one sentence naming the file and line, nothing stored."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from followthrough.core.model import Activity, ActivityKind
from followthrough.ical.bounds import _zone_cache, parse
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import IcsImportError, import_file
from followthrough.ical.mapping import interview_uid
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


# -- what a file may put in an interview's history -----------------------------------------


def _exported_with_history(open_at, tmp_path: Path, sample, history: list[object]) -> Path:  # type: ignore[no-untyped-def]
    """An export of one interview whose history is `history` (JSON values, as a file may hold)."""
    source = open_at(tmp_path / "source")
    interview = source.add_interview(sample())
    source.record(interview.id, Activity(ActivityKind.REPLY, interview.end + timedelta(days=1)))
    calendar = Calendar.from_ical(Exporter(source).ics())
    (event,) = [e for e in calendar.walk("VEVENT") if e.get("UID") == interview_uid(interview.id)]
    event.pop("X-FOLLOWTHROUGH-ACTIVITY")
    for value in history:
        event.add("X-FOLLOWTHROUGH-ACTIVITY", json.dumps(value))
    path = tmp_path / "crafted.ics"
    path.write_bytes(calendar.to_ical())
    return path


def _activity(**fields: object) -> dict[str, object]:
    return {"id": "a1b2c3d4e5f6", "kind": "reply", "at": "2026-11-24T10:00:00+01:00", **fields}


@pytest.mark.parametrize(
    ("history", "words"),
    [
        ([_activity(kind="move", step="thank-you.p1", to="0001-01-01T09:00:00+00:00")],
         "new time of the step must be between the years"),
        ([_activity(at="2026-11-24T10:00:00")], "time of the activity has no time zone"),
        ([_activity(kind="delay", until="0005-01-01")], "decision date must be between"),
        ([_activity(note="\x1b]0;pwned\x07")], "note contains a control character"),
        ([_activity(step="../../etc")], "is not the key of a step"),
        ([[1, 2]], "an activity is not a JSON object"),
        (["just text"], "an activity is not a JSON object"),
        ([_activity(at=12)], "cannot be read"),
        ([_activity(kind="explode")], "cannot be read"),
        ([_activity(how={"a": 1})], "note is not text"),
    ],
    ids=["year-1", "no-zone", "delay-year-5", "escape", "step-key", "list", "text",
         "at-int", "kind", "how-dict"],
)
def test_a_history_that_would_break_later_commands_is_refused(  # type: ignore[no-untyped-def]
    open_at, tmp_path: Path, sample, history: list[object], words: str
) -> None:
    path = _exported_with_history(open_at, tmp_path, sample, history)
    target = open_at(tmp_path / "target")
    before = list(target.conn.iterdump())
    with pytest.raises(IcsImportError) as caught:
        import_file(target, path)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert list(target.conn.iterdump()) == before


def test_foreign_activity_ids_are_re_keyed_the_same_way_each_time(  # type: ignore[no-untyped-def]
    open_at, tmp_path: Path, sample
) -> None:
    taken = _activity(id="a1b2c3d4e5f6", note="taken by another interview")
    odd = _activity(id=12345, note="an integer id", at="2026-11-25T10:00:00+01:00")
    path = _exported_with_history(open_at, tmp_path, sample, [taken, odd])
    target = open_at(tmp_path / "target")
    other = target.add_interview(sample(company="Globex"))
    target.record(other.id, Activity(ActivityKind.REPLY, other.end + timedelta(days=1),
                                     id="a1b2c3d4e5f6"))
    (imported,) = import_file(target, path).added
    notes = {a.note: a.id for a in target.activities(imported.id)}
    assert set(notes) == {"taken by another interview", "an integer id"}
    assert all(len(i) == 12 and i != "a1b2c3d4e5f6" for i in notes.values())
    # The same file again changes nothing: the re-keyed ids are found.
    assert [iv.id for iv in import_file(target, path).unchanged] == [imported.id]
    assert len(target.activities(imported.id)) == 2
    # And the store still exports and re-imports.
    again = tmp_path / "again.ics"
    again.write_bytes(Exporter(target).ics())
    assert import_file(target, again).added == []


def test_a_server_event_with_a_tzid_too_long_to_look_up_is_unreadable() -> None:
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hostile//EN\r\nBEGIN:VEVENT\r\n"
        "UID:long@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART;TZID={'A' * 5000}:20261201T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    assert main_event(data) is None
    assert not same_events(data, data)

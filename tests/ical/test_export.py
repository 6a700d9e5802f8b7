"""Exported files: what every calendar needs to show the follow-ups right."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from followthrough.core.model import Activity, ActivityKind, Interview, Outcome
from followthrough.ical.export import Exporter, Selection
from followthrough.ical.mapping import compose_link
from followthrough.store import Store

UID_CHARS = re.compile(r"^[A-Za-z0-9.@-]+$")


@pytest.fixture
def store(open_at: Callable[[Path], Store], tmp_path: Path) -> Store:
    return open_at(tmp_path / "data")


def _events(data: bytes) -> dict[str, Calendar]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_lines_end_in_crlf_and_fold_at_75_octets(store: Store,
                                                  sample: Callable[..., Interview]) -> None:
    store.add_interview(sample(notes="Zoë Ñúñez 中文 " * 40, topics=("a; b, c\\d",)))
    data = Exporter(store).ics()
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_every_instant_is_the_same_in_every_reader(store: Store,
                                                   sample: Callable[..., Interview]) -> None:
    """icalendar, vobject and the `ical` package read the planned instants, in every zone."""
    cases = [
        ("Europe/Paris", "America/New_York", datetime(2026, 3, 27, 15, 0)),  # DST edges
        ("Australia/Sydney", "Asia/Kolkata", datetime(2026, 4, 2, 16, 0)),
        ("America/St_Johns", "Australia/Adelaide", datetime(2041, 10, 30, 11, 0)),  # > 2038
        ("Asia/Kathmandu", "America/Santiago", datetime(2026, 9, 4, 9, 30)),
    ]
    for user_zone, interview_zone, local_end in cases:
        store.set_setting("timezone", user_zone)
        from zoneinfo import ZoneInfo

        end = local_end.replace(tzinfo=ZoneInfo(interview_zone))
        store.add_interview(sample(start=end - timedelta(hours=1), end=end, tz=interview_zone,
                                   decision_date=end.date() + timedelta(days=10)))
    expected: dict[str, tuple[datetime, datetime]] = {}
    for interview in store.interviews():
        expected[f"followthrough-{interview.id}@followthrough"] = (interview.start, interview.end)
    for stored in store.steps():
        expected[f"followthrough-{stored.step.id}@followthrough"] = (stored.step.start,
                                                                     stored.step.end)
    data = Exporter(store).ics()
    text = data.decode()

    readers: dict[str, dict[str, tuple[datetime, datetime]]] = {
        "icalendar": {
            str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND"))
            for e in Calendar.from_ical(data).walk("VEVENT")
        },
        "vobject": {
            e.uid.value: (e.dtstart.value, e.dtend.value)
            for e in vobject.readOne(text).vevent_list
        },
        "ical": {
            e.uid: (e.dtstart, e.dtend)  # type: ignore[misc]
            for e in IcsCalendarStream.calendar_from_ics(text).events
        },
    }
    for reader, seen in readers.items():
        assert set(seen) == set(expected), reader
        for uid, (start, end) in expected.items():
            got_start, got_end = seen[uid]
            assert got_start.tzinfo is not None, (reader, uid)
            assert got_start.astimezone(UTC) == start.astimezone(UTC), (reader, uid)
            assert got_end.astimezone(UTC) == end.astimezone(UTC), (reader, uid)


def test_every_tzid_has_its_vtimezone_in_rrule_form(store: Store,
                                                    sample: Callable[..., Interview]) -> None:
    store.set_setting("timezone", "America/New_York")
    store.add_interview(sample())
    cal = Calendar.from_ical(Exporter(store).ics())
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    used = set()
    for event in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            assert tzid, f"{event['UID']} {name} is floating"
            used.add(str(tzid))
    assert used == defined == {"Europe/Paris", "America/New_York"}
    for tz in cal.walk("VTIMEZONE"):
        for rule in tz.subcomponents:
            assert "RRULE" in rule or "RDATE" not in rule


def test_uids_drafts_and_links(store: Store, sample: Callable[..., Interview]) -> None:
    interview = store.add_interview(sample())
    events = _events(Exporter(store).ics())
    for uid, event in events.items():
        assert UID_CHARS.match(uid)
        if uid != f"followthrough-{interview.id}@followthrough":
            assert str(event["RELATED-TO"]) == f"followthrough-{interview.id}@followthrough"
            assert str(event["URL"]) == compose_link(uid)
    thank_you = events[f"followthrough-{interview.id}.thank-you.p1@followthrough"]
    description = str(thank_you["DESCRIPTION"])
    assert "Ana Díaz" in description and "Subject:" in description
    mailto = re.search(r"mailto:\S+", description)
    assert mailto is not None
    assert unquote(mailto.group(0)).startswith("mailto:ana@acme.example?")
    assert f"followthrough://compose/followthrough-{interview.id}.thank-you.p1" in description
    attendees = events[f"followthrough-{interview.id}@followthrough"]["ATTENDEE"]
    assert attendees.params["CN"] == "Ana Díaz"


def test_changes_bump_sequence_and_cancelled_steps_stay(store: Store,
                                                        sample: Callable[..., Interview]) -> None:
    interview = store.add_interview(sample())
    other = store.add_interview(sample(company="Globex"))
    exporter = Exporter(store)
    before = _events(exporter.ics())
    sent = interview.end + timedelta(hours=3)
    store.record(interview.id, Activity(ActivityKind.DONE, sent, step="thank-you.p1"))
    store.record(interview.id, Activity(ActivityKind.REPLY, sent + timedelta(days=1)))
    after = _events(exporter.ics())
    assert set(after) == set(before)  # nothing disappears: cancelled events stay, cancelled
    call = f"followthrough-{interview.id}.call@followthrough"
    assert str(after[call]["STATUS"]) == "CANCELLED"
    assert after[call]["SEQUENCE"] > before[call]["SEQUENCE"]
    assert after[call].decoded("LAST-MODIFIED") >= before[call].decoded("LAST-MODIFIED")
    thanks = f"followthrough-{interview.id}.thank-you.p1@followthrough"
    assert str(after[thanks]["SUMMARY"]).startswith("✓ ")
    assert after[thanks]["SEQUENCE"] > before[thanks]["SEQUENCE"]
    iv_uid = f"followthrough-{interview.id}@followthrough"
    assert after[iv_uid]["SEQUENCE"] == before[iv_uid]["SEQUENCE"] + 2
    # An unchanged step keeps its SEQUENCE and its bytes: another interview's. (This one's
    # thank-you to Bo Li may move by five minutes when the one to Ana, sent, no longer holds
    # the minute it shared: the steps' spread over the morning follows their random ids.)
    for key in ("thank-you.p1", "thank-you.p2", "call"):
        uid = f"followthrough-{other.id}.{key}@followthrough"
        assert after[uid]["SEQUENCE"] == before[uid]["SEQUENCE"]
        assert after[uid].to_ical() == before[uid].to_ical()


def test_an_unchanged_file_is_given_back_and_any_change_makes_it_anew(
    store: Store, sample: Callable[..., Interview]
) -> None:
    """Asked again with nothing changed, `ics` gives back the file it made (the window and
    the feed ask often); a change to one step, another selection, a settings change or a new
    interview each make it anew, as a fresh exporter would."""
    first = store.add_interview(sample())
    exporter = Exporter(store)
    made = exporter.ics()
    assert exporter.ics() is made
    store.record(first.id, Activity(ActivityKind.DONE, first.end + timedelta(hours=3),
                                    step="thank-you.p1"))
    changed = exporter.ics()
    assert changed != made and changed == Exporter(store).ics()
    one = exporter.ics(Selection(interview_id=first.id))
    assert one == changed  # the only interview: the same events, made for that selection
    store.set_setting("timezone", "Asia/Tokyo")
    moved = exporter.ics()
    assert moved != changed and moved == Exporter(store).ics()
    store.add_interview(sample(company="Globex"))
    assert exporter.ics() == Exporter(store).ics() != moved


def test_the_feed(store: Store, sample: Callable[..., Interview]) -> None:
    old = store.add_interview(sample(company="Old Corp"))
    store.record(old.id, Activity(ActivityKind.OUTCOME, old.end + timedelta(days=2),
                                  outcome=Outcome.REJECTED))
    for key in ("networking", "keep-in-touch"):
        store.record(old.id, Activity(ActivityKind.SKIP, old.end + timedelta(days=3), step=key))
    current = store.add_interview(sample(company="New Corp"))
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    cal = Calendar.from_ical(Exporter(store).feed(now=now))
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Interview follow-ups"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Paris"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert "X-PUBLISHED-TTL" in cal
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert f"followthrough-{current.id}@followthrough" in uids
    # Months later, the closed interview and its cancelled steps are gone from the feed.
    later = Calendar.from_ical(Exporter(store).feed(now=now + timedelta(days=200)))
    later_uids = {str(e["UID"]) for e in later.walk("VEVENT")}
    assert not any(old.id in uid for uid in later_uids)


def test_one_interview_and_a_date_range(store: Store, sample: Callable[..., Interview]) -> None:
    first = store.add_interview(sample())
    store.add_interview(sample(company="Other"))
    only = _events(Exporter(store).ics(Selection(interview_id=first.id)))
    assert all(first.id in uid for uid in only)
    with pytest.raises(ValueError, match="no interview"):
        Exporter(store).ics(Selection(interview_id="nope"))
    empty = _events(Exporter(store).ics(Selection(start=date(2030, 1, 1))))
    assert empty == {}


def test_the_documented_example_is_made_by_the_export_and_reads_back(
    tmp_path: Path, open_at: Callable[[Path], Store]
) -> None:
    from followthrough.ical import example
    from followthrough.ical.ics_import import import_file

    path = tmp_path / "example.ics"
    assert example.main(["example", str(path)]) == 0
    target = open_at(tmp_path / "data")
    (interview,) = import_file(target, path).added
    assert interview.company == "Acme Analytics"
    keys = {s.step.key: s.step.status.value for s in target.steps(interview.id)}
    assert keys["thank-you.p1"] == "done"
    assert keys["decision-check-in.d2"] == "planned"


def test_the_templates_folder_is_not_part_of_an_events_version(
    store: Store, sample: Callable[..., Interview]
) -> None:
    """The same app installed in another folder (a reinstall, a move) reads the same templates
    from another path: no event changes, so a sync sends nothing again."""
    from dataclasses import replace

    store.add_interview(sample())
    here = Exporter(store)
    before = here.versions()
    moved = Exporter(store)
    moved.templates.templates = {
        name: replace(template, path=Path("/elsewhere") / template.path.name)
        for name, template in moved.templates.templates.items()
    }
    assert moved.versions() == before


def test_the_files_of_a_few_events_read_only_their_rows(
    store: Store, sample: Callable[..., Interview]
) -> None:
    """A sync sends a few events: their files are made from the index rows of those events
    and their interviews only (a whole read of the index was a third of a one-change sync at
    1,000 interviews), and are the files every event's listing gives."""
    from followthrough.ical.mapping import interview_uid, step_uid

    made = [store.add_interview(sample(company=f"Company {n}")) for n in range(4)]
    every = Exporter(store).event_files()
    third = made[2]
    steps = [step_uid(s.step.id) for s in store.steps(third.id)]
    wanted = [interview_uid(made[0].id), *steps[:2]]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        files = Exporter(store).files_for(wanted)
    finally:
        store.conn.set_trace_callback(None)
    assert files == {uid: every[uid][1] for uid in wanted}
    reads = [s for s in statements if re.search(r"FROM (interviews|steps)\b", s)]
    assert reads and all("WHERE" in s for s in reads)

"""Importing .ics files: employers' invitations, foreign events, and files we must refuse."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.cli import main
from followthrough.core.model import Channel, Interview
from followthrough.files import write_atomically
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import MAX_BYTES, IcsImportError, import_file, read_ics
from followthrough.store import Store

CRLF = "\r\n"


def ics(*lines: str) -> bytes:
    return (CRLF.join(lines) + CRLF).encode()


GOOGLE_INVITE = ics(
    "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
    "CALSCALE:GREGORIAN", "METHOD:REQUEST",
    "BEGIN:VEVENT",
    "DTSTART:20261124T150000Z", "DTEND:20261124T160000Z", "DTSTAMP:20261120T100000Z",
    "ORGANIZER;CN=Ana Díaz:mailto:ana@acme.example",
    "UID:7kq3n0jv2l8r@google.com",
    "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=me@mail.ex",
    " ample;X-NUM-GUESTS=0:mailto:me@mail.example",
    "DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij\\n",
    "SEQUENCE:0", "STATUS:CONFIRMED",
    "SUMMARY:Interview with Acme Analytics - Data engineer",
    "END:VEVENT", "END:VCALENDAR",
)

OUTLOOK_INVITE = ics(
    "BEGIN:VCALENDAR", "METHOD:REQUEST", "PRODID:Microsoft Exchange Server 2010",
    "VERSION:2.0",
    "BEGIN:VTIMEZONE", "TZID:W. Europe Standard Time",
    "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "ORGANIZER;CN=\"Keller, Jonas\":mailto:jonas.keller@globex.example",
    "SUMMARY;LANGUAGE=de-DE:Globex interview: Product manager",
    "DTSTART;TZID=W. Europe Standard Time:20261125T100000",
    "DTEND;TZID=W. Europe Standard Time:20261125T110000",
    "UID:040000008200E00074C5B7101A82E00800000000",
    "LOCATION:Globex HQ\\, Room 4",
    "DTSTAMP:20261120T100000Z", "SEQUENCE:0", "STATUS:CONFIRMED",
    "END:VEVENT", "END:VCALENDAR",
)

ZOOM_PUBLISH = ics(
    "BEGIN:VCALENDAR", "PRODID:-//zoom.us//iCalendar Event//EN", "VERSION:2.0",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    "DTSTAMP:20261120T100000Z", "DTSTART;TZID=America/New_York:20261126T090000",
    "DTEND;TZID=America/New_York:20261126T094500",
    "SUMMARY:Initech interview",
    "UID:20261120T100000-zoom-123456@zoom.us",
    "LOCATION:https://us02web.zoom.us/j/123456789?pwd=abc",
    "END:VEVENT", "END:VCALENDAR",
)


def test_a_google_invitation_becomes_an_interview_with_a_plan(store: Store) -> None:
    report = import_file(store, _file(store, GOOGLE_INVITE))
    (interview,) = report.added
    assert (interview.company, interview.role) == ("Acme Analytics", "Data engineer")
    assert interview.start == datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("UTC"))
    assert interview.primary.name == "Ana Díaz"
    assert interview.primary.email == "ana@acme.example"
    assert interview.location == "https://meet.google.com/abc-defg-hij"
    assert interview.channel is Channel.VIDEO
    assert any(s.step.kind == "thank-you" for s in store.steps(interview.id))


def test_an_outlook_invitation_with_a_windows_zone(store: Store) -> None:
    (interview,) = import_file(store, _file(store, OUTLOOK_INVITE)).added
    assert interview.tz == "Europe/Berlin"
    assert interview.start == datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert interview.primary.name == "Keller, Jonas"
    assert (interview.company, interview.role) == ("Globex", "Product manager")
    assert interview.location == "Globex HQ, Room 4"
    assert interview.channel is Channel.IN_PERSON


def test_a_zoom_event_without_an_organizer(store: Store) -> None:
    (interview,) = import_file(store, _file(store, ZOOM_PUBLISH)).added
    assert interview.company == "Initech"
    assert interview.tz == "America/New_York"
    assert interview.location.startswith("https://us02web.zoom.us/j/")
    assert interview.primary.name == "Hiring team"


def test_the_same_invitation_twice_updates_instead_of_duplicating(store: Store) -> None:
    first = import_file(store, _file(store, GOOGLE_INVITE))
    moved = GOOGLE_INVITE.replace(b"20261124T150000Z", b"20261124T170000Z").replace(
        b"20261124T160000Z", b"20261124T180000Z")
    second = import_file(store, _file(store, moved))
    assert [iv.id for iv in second.updated] == [first.added[0].id]
    (only,) = store.interviews()
    assert only.start == datetime(2026, 11, 24, 17, 0, tzinfo=ZoneInfo("UTC"))


def test_foreign_events_that_are_not_invitations_are_reported_and_skipped(store: Store) -> None:
    mixed = ics(
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "METHOD:PUBLISH",
        "BEGIN:VEVENT", "UID:allday", "DTSTAMP:20261120T100000Z", "DTSTART;VALUE=DATE:20261124",
        "SUMMARY:Holiday", "END:VEVENT",
        "BEGIN:VTODO", "UID:todo", "DTSTAMP:20261120T100000Z", "SUMMARY:Buy milk", "END:VTODO",
        "BEGIN:VEVENT", "UID:real", "DTSTAMP:20261120T100000Z",
        "DTSTART:20261124T150000Z", "DTEND:20261124T160000Z",
        "SUMMARY:Interview with Umbrella", "END:VEVENT",
        "END:VCALENDAR",
    )
    report = import_file(store, _file(store, mixed))
    assert [iv.company for iv in report.added] == ["Umbrella"]
    assert any("all-day" in reason for reason in report.skipped)
    assert any("VTODO" in reason for reason in report.skipped)
    cancel = ics("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "METHOD:CANCEL",
                 "BEGIN:VEVENT", "UID:c", "DTSTAMP:20261120T100000Z",
                 "DTSTART:20261124T150000Z", "SUMMARY:Interview", "END:VEVENT", "END:VCALENDAR")
    before = list(store.conn.iterdump())
    with pytest.raises(IcsImportError, match=r"^The cancellation 'Interview' matches no interview"):
        import_file(store, _file(store, cancel))
    assert list(store.conn.iterdump()) == before


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("garbage", b"hello world\n", "line 1"),
    ("binary", bytes(range(256)) * 4, "line 2"),  # byte 10 ends line 1; 0x80 is on line 2
    ("truncated", GOOGLE_INVITE[: len(GOOGLE_INVITE) // 2], "truncated"),
    ("bad line", GOOGLE_INVITE.replace(b"SEQUENCE:0", b"THIS IS NOT A LINE"), "line 15"),
    ("bad end", GOOGLE_INVITE.replace(b"END:VEVENT", b"END:VTODO"), "line 18"),
    ("nul", GOOGLE_INVITE.replace(b"SEQUENCE:0", b"SEQUENCE:\x000"), "line 15"),
    ("bad date", GOOGLE_INVITE.replace(b"DTSTART:20261124T150000Z", b"DTSTART:2026-11-24"),
     "DTSTART"),
    ("deep", ics("BEGIN:VCALENDAR", *[f"BEGIN:X{n}" for n in range(50)]), "nested"),
    ("empty", b"", "empty"),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_one_clear_error_and_changes_nothing(
    store: Store, sample: Callable[..., Interview], name: str, data: bytes, words: str
) -> None:
    store.add_interview(sample())
    before = list(store.conn.iterdump())
    with pytest.raises(IcsImportError) as caught:
        import_file(store, _file(store, data, name))
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)
    assert list(store.conn.iterdump()) == before


def test_a_huge_file_is_refused_before_it_is_read(store: Store, tmp_path: Path) -> None:
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as out:
        out.write(b"BEGIN:VCALENDAR\r\n")
        out.truncate(2 * MAX_BYTES)  # sparse: nothing is written, nothing need be read
    megabytes = MAX_BYTES // 1_048_576
    with pytest.raises(IcsImportError, match=f"is {2 * megabytes} MB; .* under {megabytes} MB"):
        import_file(store, huge)


def test_a_half_bad_file_imports_nothing(store: Store, sample: Callable[..., Interview],
                                         tmp_path: Path) -> None:
    """One good interview and one broken one in our own format: neither is stored."""
    store.add_interview(sample())
    store.add_interview(sample(company="Globex"))
    good = Exporter(store).ics().decode()
    broken = good.replace("X-FOLLOWTHROUGH-PACE:standard", "X-FOLLOWTHROUGH-PACE:glacial", 1)
    other = Store.open(tmp_path / "other", store.library)
    try:
        path = tmp_path / "mixed.ics"
        path.write_text(broken, encoding="utf-8", newline="")
        with pytest.raises(IcsImportError, match="cannot be read"):
            import_file(other, path)
        assert other.interviews() == []
    finally:
        other.close()


def test_cli_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    assert main(["--data-dir", a, "interview", "add", "--company", "Acme", "--role", "Dev",
                 "--start", "2026-11-23T14:00", "--end", "2026-11-23T15:00",
                 "--tz", "Europe/Paris", "--interviewer", "Ana <ana@acme.example>"]) == 0
    interview_id = capsys.readouterr().out.strip()
    out = tmp_path / "out" / "plan.ics"
    assert main(["--data-dir", a, "export", str(out), "--interview", interview_id]) == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert main(["--data-dir", b, "import", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"added {interview_id}")
    assert main(["--data-dir", b, "plan", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["--data-dir", a, "export", str(out), "--from", "2026-12-01",
                 "--to", "2026-11-01"]) == 1
    assert "before the start date" in capsys.readouterr().err
    assert main(["--data-dir", b, "import", str(tmp_path / "missing.ics")]) == 1
    assert "cannot be read" in capsys.readouterr().err


def test_export_date_range_keeps_only_events_inside(store: Store,
                                                    sample: Callable[..., Interview]) -> None:
    from datetime import date

    from followthrough.ical.export import Selection

    store.add_interview(sample())
    text = Exporter(store).ics(Selection(start=date(2026, 11, 30), end=date(2026, 12, 6)))
    starts = [line for line in text.decode().split(CRLF)
              if line.startswith("DTSTART;TZID=Europe/Paris:")]
    interview_line = "DTSTART;TZID=Europe/Paris:20261123T140000"
    assert interview_line in starts  # the parent of the steps in range comes along
    for line in starts:
        if line != interview_line:
            assert "20261130" <= line.split(":")[1][:8] <= "20261206"


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from followthrough.files import FileWriteError

    target = tmp_path / "plan.ics"
    target.write_bytes(b"the good old file")

    def crash(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(FileWriteError, match="No space left"):
        write_atomically(target, b"new content")
    assert target.read_bytes() == b"the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.ics"]


def test_read_ics_reports_the_line_of_a_bad_property() -> None:
    bad = GOOGLE_INVITE.replace(b"DTEND:20261124T160000Z", b"DTEND:tomorrow")
    with pytest.raises(IcsImportError, match="DTEND"):
        read_ics(bad, "invite.ics", "UTC")


@pytest.fixture
def store(open_at: Callable[[Path], Store], tmp_path: Path) -> Store:
    return open_at(tmp_path / "data")


def _file(store: Store, data: bytes, name: str = "invite") -> Path:
    path = store.path.parent.parent / f"{name}.ics"
    path.write_bytes(data)
    return path

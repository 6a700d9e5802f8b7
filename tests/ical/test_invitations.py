"""Employers' invitations as Google, Outlook/Teams, Zoom and Calendly-style schedulers send them
(tests/ical/invitations/*.ics): a newer revision moves the interview, an older one changes
nothing, a cancellation cancels its follow-ups, the company and the role come from the title,
and every person invited is an interviewer but the user and the rooms."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.cli import main
from followthrough.core.model import Activity, ActivityKind, Outcome, StepStatus
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import IcsImportError, ImportReport, import_file
from followthrough.ical.invitations import (
    MAX_ATTENDEES,
    UNKNOWN_ROLE,
    company_and_role,
    name_from_address,
)
from followthrough.store import Store

FIXTURES = Path(__file__).parent / "invitations"
GOOGLE_UID = b"5v1q9c3k2m8d0b7h4j6nq2r4ts@google.com"
ME = "sam.doe@mail.example"


def fixture(name: str, *changes: tuple[str, str]) -> bytes:
    """An invitation from tests/ical/invitations, with lines replaced (old, new)."""
    data = (FIXTURES / name).read_bytes()
    for old, new in changes:
        assert old.encode() in data, old
        data = data.replace(old.encode(), new.encode())
    return data


def revised(name: str, sequence: int, stamp: str, start: str = "", end: str = "") -> bytes:
    """The Google invitation at another SEQUENCE and DTSTAMP (and, given, another time)."""
    changes = [("SEQUENCE:0", f"SEQUENCE:{sequence}"),
               ("DTSTAMP:20261201T091500Z", f"DTSTAMP:{stamp}"),
               ("LAST-MODIFIED:20261201T091500Z", f"LAST-MODIFIED:{stamp}")]
    if start:
        changes += [("Madrid:20261210T100000", f"Madrid:{start}"),
                    ("Madrid:20261210T110000", f"Madrid:{end}")]
    return fixture(name, *changes)


@pytest.fixture
def store(open_at: Callable[[Path], Store], tmp_path: Path) -> Store:
    store = open_at(tmp_path / "data")
    store.set_setting("my-email", ME)
    return store


def _import(store: Store, data: bytes, name: str = "invite.ics") -> ImportReport:
    path = store.path.parent.parent / name
    path.write_bytes(data)
    return import_file(store, path)


def _plan(store: Store, interview_id: str) -> dict[str, tuple[StepStatus, datetime, str]]:
    return {s.step.key: (s.step.status, s.step.start, s.step.status_reason)
            for s in store.steps(interview_id)}


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(tmp_path / "data"), *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- SEQUENCE ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sequence", "stamp", "why"), [
    (0, "20261202T120000Z", "SEQUENCE 0, not 1"),  # a lower SEQUENCE, even sent later
    (1, "20261202T090000Z", "sent Wed 2 Dec 2026, 09:00 UTC, not Wed 2 Dec 2026, 10:00 UTC"),
], ids=["lower sequence", "same sequence, older stamp"])
def test_an_older_invitation_changes_nothing_and_says_so(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], sequence: int, stamp: str,
    why: str,
) -> None:
    (first,) = _import(store, revised("google-request.ics", 1, "20261202T100000Z",
                                      "20261211T160000", "20261211T170000")).added
    before = list(store.conn.iterdump())
    path = tmp_path / "old.ics"
    path.write_bytes(revised("google-request.ics", sequence, stamp))
    code, out, _err = _cli(tmp_path, capsys, "import", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"unchanged {first.id}  Northwind Traders — Data Engineer"
    (note,) = lines[1:]
    assert note == (
        "The invitation to the interview at Northwind Traders (Data Engineer) is older than "
        f"the one already imported ({why}), so nothing was changed."
    )
    assert list(store.conn.iterdump()) == before
    (still,) = store.interviews()
    assert still.start == datetime(2026, 12, 11, 16, tzinfo=ZoneInfo("Europe/Madrid"))


def test_a_newer_invitation_moves_the_interview_and_keeps_what_the_user_did(store: Store) -> None:
    (interview,) = _import(store, fixture("google-request.ics")).added
    assert (interview.source_sequence, interview.source_stamp) == (
        0, datetime(2026, 12, 1, 9, 15, tzinfo=UTC))
    at = interview.end + timedelta(hours=2)
    store.record(interview.id, Activity(ActivityKind.DONE, at, step="thank-you.p1", how="email"))
    store.record(interview.id, Activity(ActivityKind.SKIP, at, step="thank-you.p2"))
    moved_to = datetime(2026, 12, 28, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    store.record(interview.id, Activity(ActivityKind.MOVE, at, step="status-check", to=moved_to))
    before = _plan(store, interview.id)

    report = _import(store, revised("google-request.ics", 2, "20261202T100000Z",
                                    "20261215T100000", "20261215T110000"))
    assert [iv.id for iv in report.updated] == [interview.id] and report.notes == []
    (moved,) = store.interviews()
    assert moved.start == datetime(2026, 12, 15, 10, tzinfo=ZoneInfo("Europe/Madrid"))
    assert (moved.source_sequence, moved.source_stamp) == (
        2, datetime(2026, 12, 2, 10, tzinfo=UTC))
    after = _plan(store, interview.id)
    for key in ("thank-you.p1", "thank-you.p2", "status-check"):  # the user's, as they were
        assert after[key][:2] == before[key][:2], key
    assert after["status-check"][1] == moved_to
    replanned = [k for k, (status, start, _r) in after.items()
                 if status is StepStatus.PLANNED and start != before[k][1]]
    assert replanned  # the rest follows the interview

    # The first revision, imported again (another copy of the e-mail): nothing moves back.
    report = _import(store, fixture("google-request.ics"))
    assert report.unchanged and "older than the one already imported" in report.notes[0]
    assert store.interviews()[0].start == moved.start
    assert _plan(store, interview.id) == after


def test_the_revision_and_the_cancellation_travel_to_another_computer(
    store: Store, open_at: Callable[[Path], Store], tmp_path: Path
) -> None:
    _import(store, revised("google-request.ics", 3, "20261202T100000Z"))
    _import(store, fixture("google-cancel.ics", ("SEQUENCE:1", "SEQUENCE:4"),
                           ("DTSTAMP:20261202T081000Z", "DTSTAMP:20261202T110000Z")))
    other = open_at(tmp_path / "other")
    path = tmp_path / "export.ics"
    path.write_bytes(Exporter(store).ics())
    import_file(other, path)
    (there,) = other.interviews()
    assert (there.source_sequence, there.source_stamp) == (
        4, datetime(2026, 12, 2, 11, tzinfo=UTC))
    assert {status for status, _s, _r in _plan(other, there.id).values()} == {
        StepStatus.CANCELLED}
    report = _import(other, revised("google-request.ics", 3, "20261202T100000Z"))
    assert "older" in report.notes[0]


# -- METHOD:CANCEL -------------------------------------------------------------------------------


@pytest.mark.parametrize(("request_file", "cancel_file", "day"), [
    ("google-request.ics", "google-cancel.ics", "Wed 2 Dec 2026"),
    ("teams-request.ics", "teams-cancel.ics", "Wed 2 Dec 2026"),
], ids=["google", "outlook-teams"])
def test_a_cancellation_cancels_the_pending_follow_ups_and_keeps_them(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], request_file: str,
    cancel_file: str, day: str,
) -> None:
    (interview,) = _import(store, fixture(request_file)).added
    done_at = interview.end + timedelta(hours=3)
    store.record(interview.id, Activity(ActivityKind.DONE, done_at, step="thank-you.p1"))
    before = _plan(store, interview.id)
    report = _import(store, fixture(cancel_file))
    assert [iv.id for iv in report.updated] == [interview.id]
    (note,) = report.notes
    assert note.startswith(f"The employer cancelled the interview at {interview.company} (")
    after = _plan(store, interview.id)
    assert after.keys() == before.keys()  # kept in the history, not deleted
    sentence = f"Cancelled by the employer on {day}."
    for key, (status, start, reason) in after.items():
        assert start == before[key][1], key  # each keeps its time
        if before[key][0] is StepStatus.PLANNED:
            assert (status, reason) == (StepStatus.CANCELLED, sentence)
        else:
            assert status is before[key][0]
    code, out, _err = _cli(tmp_path, capsys, "interview", "show", interview.id)
    assert code == 0 and sentence in out.splitlines()
    shown = json.loads(_cli(tmp_path, capsys, "interview", "show", interview.id, "--json")[1])
    assert shown["cancelled_by_employer"].startswith("2026-12-02T")
    # The same cancellation again: nothing changes, and the report says so.
    again = list(store.conn.iterdump())
    report = _import(store, fixture(cancel_file))
    assert report.notes == [
        f"The employer had already cancelled the interview at {interview.company} "
        f"({interview.role}); nothing was changed."]
    assert list(store.conn.iterdump()) == again


def test_a_newer_invitation_brings_a_cancelled_interview_back(store: Store) -> None:
    (interview,) = _import(store, fixture("google-request.ics")).added
    planned = {k for k, (status, _s, _r) in _plan(store, interview.id).items()
               if status is StepStatus.PLANNED}

    def interview_status() -> bytes:
        files = Exporter(store).event_files()
        (own,) = [data for uid, (_d, data) in files.items() if uid.startswith(
            f"followthrough-{interview.id}@")]
        (line,) = [ln for ln in own.splitlines() if ln.startswith(b"STATUS:")]
        return line

    assert interview_status() == b"STATUS:CONFIRMED"
    _import(store, fixture("google-cancel.ics"))
    assert interview_status() == b"STATUS:CANCELLED"  # calendars show it cancelled too
    # The first invitation again, after the cancellation: older, it brings nothing back.
    stale = _import(store, fixture("google-request.ics"))
    assert "older than the one already imported" in stale.notes[0]
    assert not any(s is StepStatus.PLANNED for s, _t, _r in _plan(store, interview.id).values())

    report = _import(store, revised("google-request.ics", 2, "20261202T150000Z",
                                    "20261217T120000", "20261217T130000"))
    assert [iv.id for iv in report.updated] == [interview.id]
    assert report.notes == [
        "The employer invited again to the interview at Northwind Traders (Data Engineer), "
        "which they had cancelled: it is back, and its follow-ups are planned again."]
    back = _plan(store, interview.id)
    assert {k for k, (s, _t, _r) in back.items() if s is StepStatus.PLANNED} == planned
    assert store.interviews()[0].start == datetime(2026, 12, 17, 12,
                                                   tzinfo=ZoneInfo("Europe/Madrid"))
    assert interview_status() == b"STATUS:CONFIRMED"


def test_the_user_reopens_or_closes_a_cancelled_interview(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (interview,) = _import(store, fixture("teams-request.ics")).added
    before = _plan(store, interview.id)
    code, _out, err = _cli(tmp_path, capsys, "interview", "reopen", interview.id)
    assert code == 1
    assert err.strip().endswith(
        f"The employer has not cancelled interview {interview.id}; there is nothing to reopen.")
    _import(store, fixture("teams-cancel.ics"))
    assert _cli(tmp_path, capsys, "interview", "reopen", interview.id)[0] == 0  # undone
    assert _plan(store, interview.id) == before
    # The same cancellation imported again after the user reopened: their choice stands.
    assert _import(store, fixture("teams-cancel.ics")).notes[0].startswith(
        "The employer had already cancelled")
    assert _plan(store, interview.id) == before
    _import(store, fixture("teams-cancel.ics", ("SEQUENCE:1", "SEQUENCE:2")))
    assert _cli(tmp_path, capsys, "outcome", interview.id, Outcome.WITHDRAWN.value)[0] == 0
    code, out, _err = _cli(tmp_path, capsys, "interview", "show", interview.id)
    assert "outcome: withdrawn" in out  # closed: what was planned stays cancelled
    after = _plan(store, interview.id)
    assert not any(after[key][0] is StepStatus.PLANNED for key in before)


def test_a_cancellation_of_an_unknown_invitation_writes_nothing(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(store, fixture("teams-request.ics"))
    before = list(store.conn.iterdump())
    path = tmp_path / "cancel.ics"
    path.write_bytes(fixture("google-cancel.ics"))
    code, out, err = _cli(tmp_path, capsys, "import", str(path))
    assert (code, out) == (1, "")
    assert err.strip() == (
        "followthrough: The cancellation 'Interview: Data Engineer – Northwind Traders' "
        "matches no interview imported from an invitation, so nothing was changed."
    )
    assert list(store.conn.iterdump()) == before
    with pytest.raises(IcsImportError, match="matches no interview"):
        import_file(store, path)


# -- the company and the role --------------------------------------------------------------------

SEPARATORS = {"en dash": " – ", "em dash": " — ", "hyphen": " - ", "pipe": " | "}
SHAPES = {
    "Interview: Role – Company": ("Interview: Data Engineer{s}Northwind Traders",
                                  "Northwind Traders", "Data Engineer"),
    "Company | Interview | Role": ("Contoso{s}Interview{s}Senior Product Designer",
                                   "Contoso", "Senior Product Designer"),
    "Company - Role": ("Coca-Cola Europacific{s}Data Analyst", "Coca-Cola Europacific",
                       "Data Analyst"),
    "Role at Company": ("Staff Engineer at Initech{s}Technical interview", "Initech",
                        "Staff Engineer"),
    "Role (Company)": ("Backend Developer (Hooli){s}Round 2", "Hooli", "Backend Developer"),
    "Interview with Company": ("Interview with Umbrella Corp{s}Site Reliability Engineer",
                               "Umbrella Corp", "Site Reliability Engineer"),
}


@pytest.mark.parametrize("separator", SEPARATORS, ids=list(SEPARATORS))
@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_company_and_role_from_each_shape_of_title(shape: str, separator: str) -> None:
    title, company, role = SHAPES[shape]
    assert company_and_role(title.format(s=SEPARATORS[separator])) == (company, role)


@pytest.mark.parametrize(("title", "expected"), [
    ("Staff Engineer at Initech", ("Initech", "Staff Engineer")),
    ("Backend Developer (Hooli)", ("Hooli", "Backend Developer")),
    ("Interview with Hooli", ("Hooli", "")),  # the role is not said: left for the dialog
    ("Contoso–Designer", ("Contoso", "Designer")),
    ("Interview: Data Engineer", ("", "Data Engineer")),
    ("Contoso | Interview", ("Contoso", "")),
    ("Acme – – Analyst –", ("Acme", "Analyst")),
    ("| Acme |", ("", "")),  # one name, and nothing says it is an interview
    ("Contoso – Designer – London", ("Contoso", "")),  # which is the role? unsure
    ("Technical interview", ("", "")),
    ("Team lunch", ("", "")),
    ("", ("", "")),
])
def test_a_title_gives_what_is_certain_and_never_a_stray_separator(
    title: str, expected: tuple[str, str]
) -> None:
    found = company_and_role(title)
    assert found == expected
    for name in found:
        assert name == name.strip(" :-–—|")


def test_an_invitation_that_does_not_say_the_role_says_so(store: Store) -> None:
    report = _import(store, fixture("calendly-request.ics"))
    (interview,) = report.added
    assert (interview.company, interview.role) == ("Hooli", UNKNOWN_ROLE)
    assert report.notes == [
        f"The invitation does not say the role of interview {interview.id}: fill it in by "
        "editing the interview."]


# -- the people ---------------------------------------------------------------------------------


def test_every_person_invited_is_an_interviewer_but_the_user_and_the_rooms(store: Store) -> None:
    (google,) = _import(store, fixture("google-request.ics")).added
    assert [(p.key, p.name, p.email) for p in google.interviewers] == [
        ("p1", "Ana López", "ana.lopez@northwind.example"),  # the organizer, once
        ("p2", "Jordi Puig", "jordi.puig@northwind.example"),  # named from the address
    ]  # the user (my-email) and the meeting room are not interviewers
    assert any(s.step.key == "thank-you.p2" for s in store.steps(google.id))
    (zoom,) = _import(store, fixture("zoom-request.ics")).added
    assert [p.name for p in zoom.interviewers] == ["Bill Lumbergh", "Samir Nagheenanajar"]
    (teams,) = _import(store, fixture("teams-request.ics")).added
    names = [p.name for p in teams.interviewers]
    assert names == ["Okafor, Chidi", "Sam Doe", "Priya Raman", "Mei Chen"]  # no room, no group
    store.delete_interview(teams.id)
    store.set_setting("aliases", "sam@work.example")  # the user's work address
    (teams,) = _import(store, fixture("teams-request.ics")).added
    assert [p.name for p in teams.interviewers] == ["Okafor, Chidi", "Priya Raman", "Mei Chen"]


def test_a_crowded_invitation_is_read_to_a_bound(store: Store) -> None:
    crowd = "".join(
        f"ATTENDEE;CN=Person {n}:mailto:person{n}@contoso.example\r\n" for n in range(200))
    data = fixture("teams-request.ics").replace(b"ATTENDEE;ROLE=REQ", crowd.encode()
                                                + b"ATTENDEE;ROLE=REQ", 1)
    (interview,) = _import(store, data).added
    assert len(interview.interviewers) == MAX_ATTENDEES + 1  # the organizer, then 20 read
    assert interview.interviewers[1].name == "Person 0"


@pytest.mark.parametrize(("address", "name"), [
    ("ana.lopez@x.com", "Ana Lopez"),
    ("jordi_puig+jobs@northwind.example", "Jordi Puig"),
    ("mei-ling.chen@contoso.example", "Mei Ling Chen"),
    ("priya@contoso.example", "Priya"),
])
def test_a_name_from_an_address(address: str, name: str) -> None:
    assert name_from_address(address) == name


def test_a_title_is_read_in_linear_time() -> None:
    import time

    hostile = ("interview: " + " - " * 10_000 + "(" * 10_000 + " at " * 10_000) * 3
    start = time.process_time()
    company_and_role(hostile)
    assert time.process_time() - start < 0.5
    assert not re.search(r"[–—|]", "".join(company_and_role("a – b – " * 1000)))

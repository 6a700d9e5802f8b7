"""The command line: every command, its JSON, its mistakes (one sentence, nothing changed).

Most tests call `followthrough.cli.main()` in-process; a few run `python -m followthrough` to check
what only a real process shows (exit codes, --version, no traceback). The user lives in
Johannesburg (no daylight saving) with South African holidays, and works 09:00-17:00; the
interview is on Monday 2026-11-23 from 14:00 to 15:00.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followthrough import __version__
from followthrough.cli import main
from followthrough.store import DB_NAME, open_store
from one_interview import finish_plan

JHB = ZoneInfo("Africa/Johannesburg")
ACME = {
    "company": "Acme",
    "role": "Engineer",
    "start": "2026-11-23T14:00",
    "end": "2026-11-23T15:00",
    "tz": "Africa/Johannesburg",
    "interviewer": "Ana Diaz (CTO) <ana@acme.example>",
}


def add(**changes: str) -> tuple[str, ...]:
    """`interview add` with Acme's details, some changed (decision_date -> --decision-date)."""
    options = {**ACME, **changes}
    pairs = ((f"--{name.replace('_', '-')}", value) for name, value in options.items())
    return ("interview", "add", *(part for pair in pairs for part in pair))


ADD = add()
ROW_KEYS = {"id", "interview", "kind", "channel", "to", "start", "end", "status"}
STATUSES = {"planned", "done", "skipped", "cancelled"}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?[+-]\d\d:\d\d$")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Run:
    """Run the CLI in-process on the test's data folder."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        try:
            code = main(["--data-dir", str(data_dir), *args])
        except SystemExit as stop:  # argparse: --help, --version, usage mistakes
            code = stop.code if isinstance(stop.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def ok(run: Run) -> Run:
    """Run the CLI and insist that it succeeded quietly."""

    def invoke(*args: str) -> Result:
        result = run(*args)
        assert result.code == 0, result
        assert result.err == "", result
        return result

    return invoke


@pytest.fixture
def user(ok: Run) -> None:
    ok("config", "set", "timezone", "Africa/Johannesburg")
    ok("config", "set", "country", "ZA")


@pytest.fixture
def iv(ok: Run, user: None) -> str:
    """The id of the interview with Acme."""
    ident = ok(*ADD).out.strip()
    assert re.fullmatch(r"[0-9a-f]{12}", ident), ident
    return ident


def plan(run: Run, *extra: str) -> dict[str, dict[str, Any]]:
    """The plan, by step key (cancelled steps included)."""
    result = run("plan", "--json", "--all", *extra)
    assert result.code == 0, result
    return {row["id"].split(".", 1)[1]: row for row in result.json()}


def start(row: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(row["start"])


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JHB)


def snapshot(run: Run) -> tuple[str, str, str]:
    """All the user can see: interviews, every step, and the settings."""
    listing = run("interview", "list", "--json")
    steps = run("plan", "--json", "--all")
    settings = run("config", "get")
    return listing.out, steps.out, settings.out


# -- interviews --------------------------------------------------------------------------------


def test_add_list_show_edit_delete(ok: Run, run: Run, iv: str) -> None:
    other = ok(*add(company="Globex", start="2026-11-24T10:00", end="2026-11-24T11:00")).out
    other = other.strip()
    listing = ok("interview", "list").out.splitlines()
    assert listing == [
        f"{iv}  Mon 23 Nov 2026, 14:00  Acme — Engineer",
        f"{other}  Tue 24 Nov 2026, 10:00  Globex — Engineer",
    ]
    data = ok("interview", "list", "--json").json()
    assert [(d["id"], d["company"]) for d in data] == [(iv, "Acme"), (other, "Globex")]

    shown = ok("interview", "show", iv, "--json").json()
    assert shown["company"] == "Acme"
    assert shown["interviewers"][0]["email"] == "ana@acme.example"
    assert shown["interviewers"][0]["title"] == "CTO"
    assert shown["plan"], "the JSON carries the plan"
    assert {row["interview"] for row in shown["plan"]} == {iv}
    assert {"thank-you", "status-check", "call", "final-check-in"} <= {
        row["kind"] for row in shown["plan"]
    }
    text = ok("interview", "show", iv).out
    assert "Acme — Engineer" in text and "Ana Diaz <ana@acme.example> (CTO)" in text
    assert f"[{iv}.call]" in text

    before = ok("interview", "show", iv, "--json").json()
    assert ok("interview", "edit", iv, "--company", "Initech").out == ""
    after = ok("interview", "show", iv, "--json").json()
    assert after["company"] == "Initech"
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"company", "plan"}  # the plan's titles name the company
    for old, new in zip(before["plan"], after["plan"], strict=True):
        assert (old["id"], old["start"], old["status"]) == (new["id"], new["start"], new["status"])
        assert new["title"] == old["title"].replace("Acme", "Initech")
    assert ok("interview", "show", other, "--json").json()["company"] == "Globex"

    assert ok("interview", "delete", iv).out == ""
    assert [d["id"] for d in ok("interview", "list", "--json").json()] == [other]
    assert {row["interview"] for row in ok("plan", "--json", "--all").json()} == {other}
    gone = run("interview", "show", iv)
    assert gone.code == 1 and "no interview" in gone.err


def test_an_empty_list_says_how_to_start(ok: Run) -> None:
    assert "interview add" in ok("interview", "list").out
    assert ok("interview", "list", "--json").json() == []
    assert ok("plan").out == "No follow-up steps.\n"


def test_edit_keeps_an_interviewers_key_and_phone(ok: Run, iv: str) -> None:
    ok("interview", "edit", iv, "--phone", "+27 11 555 0100")
    ok(
        "interview",
        "edit",
        iv,
        "--interviewer",
        "Bo Li <bo@acme.example>",
        "--interviewer",
        "Ana Diaz (CTO) <ana@acme.example>",
    )
    people = ok("interview", "show", iv, "--json").json()["interviewers"]
    assert [(p["name"], p["key"], p["phone"]) for p in people] == [
        ("Bo Li", "p2", ""),
        ("Ana Diaz", "p1", "+27 11 555 0100"),
    ]


# -- the plan ----------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Africa/Johannesburg", "Europe/Paris", "America/St_Johns"])
def test_plan_json_rows(ok: Run, user: None, zone: str) -> None:
    # An interview in another zone than the user's, with a step kept from an earlier plan.
    ident = ok(*add(tz="America/New_York"), "--interviewer", "Bo Li <bo@acme.example>").out
    ok("interview", "edit", ident.strip(), "--interviewer", ACME["interviewer"])
    ok("config", "set", "timezone", zone)
    assert {r["status"] for r in ok("plan", "--json").json()} == {"planned"}
    rows = ok("plan", "--json", "--all").json()
    assert "Thank-you to Bo Li" in {r["title"] for r in rows if r["status"] == "cancelled"}
    for row in rows:
        assert row.keys() >= ROW_KEYS, row
        assert row["status"] in STATUSES
        for name in ("start", "end"):
            assert ISO_WITH_OFFSET.match(row[name]), row[name]
            moment = datetime.fromisoformat(row[name])
            assert moment.utcoffset() == moment.astimezone(ZoneInfo(zone)).utcoffset(), row
        assert start(row) < datetime.fromisoformat(row["end"])


def test_plan_of_one_interview(ok: Run, run: Run, iv: str) -> None:
    other = ok(*add(company="Globex")).out.strip()
    assert {r["interview"] for r in ok("plan", "--json").json()} == {iv, other}
    assert {r["interview"] for r in ok("plan", "--json", "--interview", other).json()} == {other}
    assert run("plan", "--interview", "nope").code == 1


def test_reply_cancels_every_chaser(ok: Run, run: Run, iv: str) -> None:
    before = plan(run)
    ok("reply", iv, "--at", "2026-11-25T10:00", "--note", "They will call")
    after = plan(run)
    assert after.keys() == before.keys()
    for key, row in after.items():
        if row["chaser"]:
            assert row["status"] == "cancelled", row
            assert row["status_reason"].startswith("They replied")
            assert row["sequence"] == before[key]["sequence"] + 1
        else:
            assert row == before[key]
    assert {r["kind"] for r in ok("plan", "--json").json()} == {"thank-you", "note"}


@pytest.mark.parametrize(
    ("until", "check_in"),
    [
        ("2026-12-04", date(2026, 12, 7)),  # by the end of the week (Friday): the next Monday
        ("2026-12-08", date(2026, 12, 9)),  # a Tuesday: the next business day
        ("2026-12-15", date(2026, 12, 17)),  # the 16th is a public holiday in South Africa
    ],
)
def test_delay_moves_the_check_in_after_the_new_date(
    ok: Run, run: Run, iv: str, until: str, check_in: date
) -> None:
    ok("delay", iv, "--until", until, "--at", "2026-11-25T10:00")
    steps = plan(run)
    planned = {k: r for k, r in steps.items() if r["status"] == "planned" and r["chaser"]}
    check_ins = [r for r in planned.values() if r["kind"] == "decision-check-in"]
    assert len(check_ins) == 1, planned
    assert start(check_ins[0]).date() == check_in
    for row in planned.values():  # no chaser before the new date
        assert start(row).date() > date.fromisoformat(until), row
    assert steps["status-check"]["status"] == "cancelled"


def test_outcome_offer_adds_the_offer_thanks_and_the_connection(ok: Run, run: Run, iv: str) -> None:
    assert not {"networking", "offer-thank-you"} & plan(run).keys()
    ok("outcome", iv, "offer", "--at", "2026-11-27T10:00")
    steps = plan(run)
    told = local("2026-11-27T10:00")
    for key in ("networking", "offer-thank-you"):
        assert steps[key]["status"] == "planned", steps[key]
        assert start(steps[key]) >= told
    assert steps["networking"]["channel"] == "network"
    for row in steps.values():
        if row["chaser"]:
            assert row["status"] == "cancelled", row


def test_outcome_rejected_adds_the_connection_but_no_offer_thanks(
    ok: Run, run: Run, iv: str
) -> None:
    ok("outcome", iv, "rejected", "--at", "2026-11-27T10:00")
    steps = plan(run)
    assert steps["networking"]["status"] == "planned"
    assert steps.get("offer-thank-you", {"status": "cancelled"})["status"] == "cancelled"
    assert all(r["status"] == "cancelled" for r in steps.values() if r["chaser"])


def test_done_keeps_its_time_and_move_keeps_the_new_time(ok: Run, run: Run, iv: str) -> None:
    ok("step", "done", f"{iv}.thank-you.p1", "--at", "2026-11-23T18:30", "--how", "email")
    ok("step", "move", f"{iv}.call", "--to", "2026-12-02T13:15")
    ok("step", "skip", f"{iv}.note", "--at", "2026-11-24T08:00")
    # A re-plan (another working day, other holidays) leaves the user's times alone.
    for key, value in (("work-start", "10:00"), ("country", "US")):
        ok("config", "set", key, value)
        steps = plan(run)
        thanks, call, note = steps["thank-you.p1"], steps["call"], steps["note"]
        assert (thanks["status"], start(thanks)) == ("done", local("2026-11-23T18:30"))
        assert thanks["done_how"] == "email" and thanks["manual"]
        assert (call["status"], start(call)) == ("planned", local("2026-12-02T13:15"))
        assert call["manual"]
        assert note["status"] == "skipped"
    ok("step", "reopen", f"{iv}.note", "--at", "2026-11-24T08:05")
    note = plan(run)["note"]
    assert note["status"] == "planned" and not note["manual"]
    # The new working day starts at 10:00; the note goes in its morning (spread, issue 15).
    assert local("2026-11-24T10:00") <= start(note) <= local("2026-11-24T13:00")


def test_the_chaser_after_a_late_one_waits_the_minimum_gap(ok: Run, run: Run, iv: str) -> None:
    """The status check, due Thursday, goes out the next Monday afternoon, after the call's slot."""
    before = plan(run)
    sent = local("2026-11-30T16:00")
    assert start(before["call"]) < sent
    ok("step", "done", f"{iv}.status-check", "--at", sent.strftime("%Y-%m-%dT%H:%M"))
    steps = plan(run)
    chasers = sorted(
        (r for r in steps.values() if r["chaser"] and r["status"] in ("planned", "done")),
        key=start,
    )
    assert chasers[0]["key"] == "status-check" and start(chasers[0]) == sent
    assert chasers[1]["key"] == "call"
    for earlier, later in itertools.pairwise(chasers):
        assert (start(later).date() - start(earlier).date()).days >= 3, (earlier, later)


def test_sequence_is_in_the_json(ok: Run, run: Run, iv: str) -> None:
    assert {r["sequence"] for r in plan(run).values()} == {0}
    ok("step", "move", f"{iv}.call", "--to", "2026-12-02T13:15")
    assert plan(run)["call"]["sequence"] == 1


# -- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("country", "de", "DE"),
        ("timezone", "Europe/Paris", "Europe/Paris"),
        ("work-start", "8:30", "08:30"),
        ("work-end", "18:00", "18:00"),
        ("playbook", "corporate", "corporate"),
        ("playbook", "Single nudge", "single-nudge"),
        ("my-name", "Sam Doe", "Sam Doe"),
        ("my-email", "sam@example.com", "sam@example.com"),
        ("my-phone", "+27 21 555 0100", "+27 21 555 0100"),
        ("aliases", "Sam@Work.example; sam.doe@old.example  sam@work.example",
         "Sam@Work.example, sam.doe@old.example"),
        ("optional-steps", "no", "no"),
        ("smtp-host", "SMTP.Example.com", "smtp.example.com"),
        ("smtp-port", "465", "465"),
        ("smtp-security", "SSL", "ssl"),
        ("smtp-username", "sam@example.com", "sam@example.com"),
        ("sync-interval", "off", "0"),
        ("sync-interval", "30", "30"),
    ],
)
def test_config_set_then_get(ok: Run, user: None, key: str, value: str, shown: str) -> None:
    assert ok("config", "get", key).out != f"{shown}\n"
    assert ok("config", "set", key, value).out == ""
    assert ok("config", "get", key).out == f"{shown}\n"
    assert f"{key} = {shown}\n" in ok("config", "get").out


def test_config_subdivision_needs_its_country(ok: Run, run: Run, user: None) -> None:
    ok("config", "set", "country", "US")
    ok("config", "set", "subdivision", "ca")
    assert ok("config", "get", "subdivision").out == "CA\n"
    ok("config", "set", "country", "DE")  # California is not a German state: it is dropped
    assert ok("config", "get", "subdivision").out == "\n"


def test_config_get_lists_every_setting(ok: Run) -> None:
    lines = ok("config", "get").out.splitlines()
    assert [line.split(" = ")[0] for line in lines] == [
        "country",
        "subdivision",
        "timezone",
        "work-start",
        "work-end",
        "recipient-start",
        "recipient-end",
        "spread-steps",
        "playbook",
        "my-name",
        "my-email",
        "my-phone",
        "aliases",
        "optional-steps",
        "smtp-host",
        "smtp-port",
        "smtp-security",
        "smtp-username",
        "sync-interval",
        "mail-interval",
    ]


def test_config_aliases_are_addresses(ok: Run, run: Run) -> None:
    ok("config", "set", "aliases", "sam@work.example")
    result = run("config", "set", "aliases", "sam@work.example, sam at home")
    assert result.code == 1
    assert result.err == "followthrough: 'sam' is not a valid email address.\n"
    many = ", ".join(f"sam{n}@work.example" for n in range(21))
    assert "at most 20 other addresses" in run("config", "set", "aliases", many).err
    assert ok("config", "get", "aliases").out == "sam@work.example\n"


def test_config_sync_interval_is_minutes(run: Run) -> None:
    result = run("config", "set", "sync-interval", "soon")
    assert result.code == 1 and "give minutes from 0 (off) to 1440" in result.err


def test_the_default_playbook_is_marked(ok: Run) -> None:
    ok("config", "set", "playbook", "Single nudge")
    marked = [line for line in ok("playbooks").out.splitlines() if line.startswith("*")]
    assert len(marked) == 1 and "single-nudge" in marked[0]


def test_the_timezone_setting_moves_the_plan(ok: Run, run: Run, iv: str) -> None:
    before = plan(run)
    ok("config", "set", "timezone", "Asia/Tokyo")
    after = plan(run)
    assert start(after["call"]) != start(before["call"])
    assert start(after["call"]).utcoffset() == timedelta(hours=9)
    # In the hour both work (issue 15): 16:00-17:00 in Tokyo, 09:00-10:00 in Johannesburg.
    assert start(after["call"]).hour == 16


# -- mistakes ----------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param(add(tz="Mars/Base"), "time zone", id="zone"),
    pytest.param(add(end="2026-11-23T13:00"), "ends before", id="end-before-start"),
    pytest.param(add(interviewer="Ana <ana@>"), "email", id="email"),
    pytest.param(add(interviewer="Ana <ana@acme.example"), "interviewer", id="interviewer"),
    pytest.param(add(playbook="nope"), "no playbook", id="unknown-playbook"),
    pytest.param(add(decision_date="2026-13-01"), "not a date", id="bad-decision-date"),
    pytest.param(add(decision_date="2026-11-01"), "before the interview", id="early-date"),
    pytest.param(
        add(start="2026-03-29T02:30", end="2026-03-29T04:00", tz="Europe/Paris"),
        "does not exist",
        id="dst-gap",
    ),
    pytest.param(add(start="yesterday"), "ISO 8601", id="bad-start"),
    pytest.param(add(phone="call me"), "phone", id="bad-phone"),
    pytest.param(add(round="0"), "round", id="bad-round"),
    pytest.param(add(company=" "), "company", id="empty-company"),
    pytest.param(("interview", "show", "nope"), "no interview", id="show-unknown"),
    pytest.param(
        ("interview", "edit", "nope", "--company", "X"), "no interview", id="edit-unknown"
    ),
    pytest.param(("interview", "delete", "nope"), "no interview", id="delete-unknown"),
    pytest.param(("interview", "edit", "{iv}", "--tz", "Mars/Base"), "time zone", id="edit-zone"),
    pytest.param(
        ("interview", "edit", "{iv}", "--end", "2026-11-23T13:00"), "ends before", id="edit-end"
    ),
    pytest.param(
        ("interview", "edit", "{iv}", "--playbook", "nope"), "no playbook", id="edit-playbook"
    ),
    pytest.param(("reply", "nope"), "no interview", id="reply-unknown"),
    pytest.param(
        ("reply", "{iv}", "--at", "2026-11-22T10:00"), "before the interview", id="reply-too-early"
    ),
    pytest.param(("reply", "{iv}", "--at", "soon"), "ISO 8601", id="reply-bad-time"),
    pytest.param(
        ("delay", "{iv}", "--until", "2026-02-30", "--at", "2026-11-25T10:00"),
        "not a date",
        id="delay-bad-date",
    ),
    pytest.param(
        ("delay", "{iv}", "--until", "2026-11-24", "--at", "2026-11-25T10:00"),
        "before the day",
        id="delay-in-the-past",
    ),
    pytest.param(
        ("outcome", "{iv}", "hired", "--at", "2026-11-25T10:00"),
        "invalid choice",
        id="outcome-unknown",
    ),
    pytest.param(("step", "done", "{iv}.nope"), "no step", id="step-unknown"),
    pytest.param(
        ("step", "move", "{iv}.call", "--to", "2026-11-01T10:00"),
        "before the interview",
        id="move-too-early",
    ),
    pytest.param(
        ("step", "move", "{iv}.call", "--to", "2026-11-23T14:30"),
        "before the interview ends",
        id="move-into-the-interview",
    ),
    pytest.param(("reply", "{iv}", "--says", "new-date"), "new decision date", id="reply-no-date"),
    pytest.param(("step", "move", "{iv}.call", "--to", "next week"), "ISO 8601", id="move-bad"),
    pytest.param(("config", "set", "timezone", "Mars/Base"), "time zone", id="config-zone"),
    pytest.param(("config", "set", "colour", "red"), "not a setting", id="config-unknown-set"),
    pytest.param(("config", "get", "colour"), "not a setting", id="config-unknown-get"),
    pytest.param(("config", "set", "work-start", "25:00"), "not a time", id="work-start"),
    pytest.param(("config", "set", "work-end", "08:00"), "end after it starts", id="work-end"),
    pytest.param(("config", "set", "work-end", "09:30"), "one hour", id="work-short"),
    pytest.param(("config", "set", "work-start", "nine"), "not a time", id="work-words"),
    pytest.param(("config", "set", "playbook", "nope"), "no playbook", id="config-playbook"),
    pytest.param(("config", "set", "country", "XX"), "country code", id="config-country"),
    pytest.param(("config", "set", "my-email", "sam@"), "email", id="config-email"),
    pytest.param(("config", "set", "optional-steps", "maybe"), "yes or no", id="config-flag"),
    pytest.param(("frobnicate",), "invalid choice", id="unknown-command"),
]


@pytest.mark.parametrize(("args", "words"), BAD_INPUT)
def test_bad_input_is_one_sentence_and_changes_nothing(
    run: Run, iv: str, args: tuple[str, ...], words: str
) -> None:
    run("reply", iv, "--at", "2026-11-26T11:00")  # some history, so a change would show
    before = snapshot(run)
    result = run(*(arg.replace("{iv}", iv) for arg in args))
    assert result.code != 0
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert result.err.endswith("\n")
    message = lines[0]
    assert re.match(r"^followthrough( [a-z]+)?: [A-Z'\"]", message), message
    assert message.endswith("."), message
    assert "Traceback" not in message and "Error" not in message
    assert words.lower() in message.lower(), message
    assert snapshot(run) == before


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("interview", "show", "nope"), 1),
        (("config", "set", "work-end", "08:00"), 1),
        (("outcome", "nope", "hired"), 2),
        (("interview",), 2),
    ],
)
def test_mistakes_in_a_real_process(data_dir: Path, args: tuple[str, ...], code: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "followthrough", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert result.returncode == code, result
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_a_command_in_a_real_process(data_dir: Path) -> None:
    command = [sys.executable, "-m", "followthrough"]
    version = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, timeout=60, env=os.environ.copy()
    )
    assert version.returncode == 0, version
    assert version.stdout == f"followthrough {__version__}\n"
    assert re.fullmatch(r"followthrough \d+\.\d+\.\d+.*\n", version.stdout)

    added = subprocess.run(
        [*command, "--data-dir", str(data_dir), *ADD],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert added.returncode == 0, added
    ident = added.stdout.strip()
    listing = subprocess.run(
        [*command, "--data-dir", str(data_dir), "interview", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert listing.returncode == 0, listing
    assert [d["id"] for d in json.loads(listing.stdout)] == [ident]
    assert (data_dir / DB_NAME).is_file()


# -- playbooks ---------------------------------------------------------------------------------


def test_a_broken_user_playbook_is_named_and_the_others_work(
    run: Run, ok: Run, data_dir: Path, user: None
) -> None:
    from followthrough.resources import resource_path

    lines = (resource_path("playbooks") / "standard.toml").read_text("utf-8").splitlines()
    lines = [line.replace('"standard"', '"mine"').replace('"Standard"', '"Mine"') for line in lines]
    calls = [n for n, line in enumerate(lines) if line.strip() == 'kind = "call"']
    broken_line = next(
        n for n in range(calls[0], len(lines)) if lines[n].startswith("latest =")
    )  # the call's latest
    lines[broken_line] = 'latest = "3x"'
    folder = data_dir / "playbooks"
    folder.mkdir(parents=True)
    path = folder / "mine.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")

    listing = run("playbooks")
    assert listing.code == 0
    warning = listing.err.splitlines()
    assert len(warning) == 1, listing.err
    assert warning[0].startswith("followthrough: warning: ")
    assert str(path) in warning[0]
    assert f"line {broken_line + 1}," in warning[0]
    assert "field 'latest'" in warning[0] and "'3x'" in warning[0]
    ids = [line[2:].split()[0] for line in listing.out.splitlines()]
    assert ids == ["call-first", "corporate", "single-nudge", "standard"]

    added = run(*ADD)  # the built-in playbooks keep working; the warning is repeated
    assert added.code == 0 and re.fullmatch(r"[0-9a-f]{12}\n", added.out)
    assert str(path) in added.err
    ident = added.out.strip()
    assert run("plan", "--json", "--interview", ident).json()

    for args in (add(playbook="mine"), ("config", "set", "playbook", "mine")):
        refused = run(*args)
        assert refused.code == 1
        error = refused.err.splitlines()[-1]
        assert error.startswith("followthrough: The playbook 'mine' cannot be used:"), error
        assert f"line {broken_line + 1}" in error


def test_a_user_playbook_can_replace_a_built_in_one(ok: Run, data_dir: Path, iv: str) -> None:
    from followthrough.resources import resource_path

    text = (resource_path("playbooks") / "standard.toml").read_text("utf-8")
    folder = data_dir / "playbooks"
    folder.mkdir(parents=True)
    (folder / "standard.toml").write_text(text.replace('earliest = "5bd"', 'earliest = "6bd"'))
    before = ok("plan", "--json").json()
    assert "6 to 7 business days" not in json.dumps(before)
    ok("config", "set", "my-name", "Sam")  # a change re-plans with the user's file
    after = {r["key"]: r for r in ok("plan", "--json").json()}
    assert after["call"]["why"].startswith("6 to 7 business days")


# -- the data folder ---------------------------------------------------------------------------


def test_the_data_folder_option_beats_the_variable_which_beats_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    option, variable, xdg = tmp_path / "option", tmp_path / "variable", tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FOLLOWTHROUGH_DATA_DIR", str(variable))

    def where() -> set[Path]:
        return {p.parent for p in tmp_path.rglob(DB_NAME)}

    assert main(["--data-dir", str(option), "interview", "list"]) == 0
    assert where() == {option}
    assert main(["interview", "list"]) == 0
    assert where() == {option, variable}
    monkeypatch.delenv("FOLLOWTHROUGH_DATA_DIR")
    assert main(["interview", "list"]) == 0
    defaults = where() - {option, variable}
    assert len(defaults) == 1
    (default,) = defaults
    assert default.is_relative_to(xdg) or default.is_relative_to(tmp_path / "home")
    assert default.name == "Followthrough"
    capsys.readouterr()


def test_an_unusable_data_folder_is_one_sentence(tmp_path: Path, run: Run) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "followthrough", "--data-dir", str(blocker / "sub"), "plan"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Cannot create the data folder" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(add(start="9999-12-31T10:00", end="9999-12-31T11:00"), id="add"),
        pytest.param(("outcome", "{iv}", "offer", "--at", "9999-12-31T10:00"), id="outcome"),
        pytest.param(("step", "done", "{iv}.call", "--at", "9999-12-31T10:00"), id="done"),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_one_sentence(
    run: Run, iv: str, args: tuple[str, ...]
) -> None:
    before = snapshot(run)
    result = run(*(arg.replace("{iv}", iv) for arg in args))
    assert result.code == 1
    assert len(result.err.splitlines()) == 1, result.err
    assert "between the years" in result.err
    assert snapshot(run) == before


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    env = {**os.environ, "FOLLOWTHROUGH_DATA_DIR": str(tmp_path)}
    base = [sys.executable, "-m", "followthrough"]
    for n in range(3):
        subprocess.run(
            [*base, "interview", "add", "--company", f"C{n}", "--role", "R", "--start",
             "2026-11-23T10:00", "--end", "2026-11-23T11:00", "--tz", "UTC", "--interviewer", "X"],
            check=True, capture_output=True, env=env, timeout=60,
        )
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL)
    result = subprocess.run([*base, "plan", "--json"], stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True, env=env, timeout=60, check=False)
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(timeout=10)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0


def test_the_data_folder_option_expands_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["--data-dir", "~/ftdata", "interview", "list"]) == 0
    assert (tmp_path / "ftdata" / DB_NAME).exists()
    capsys.readouterr()


def test_help_lists_the_commands_and_window_options_need_no_command_parsers(run: Run) -> None:
    from followthrough.cli.entry import _first_word

    shown = run("--help")
    assert shown.code == 0
    for command in ("interview", "plan", "export", "sync", "compose"):
        assert command in shown.out
    # The window's own options are read without building every command's parser...
    assert _first_word(["--data-dir", "plan", "--exit-when-ready"]) == ""
    assert _first_word(["--data-dir", "x", "plan"]) == "plan"
    assert _first_word(["--help"]) == "--help"
    # ...and still refuse what they do not know, in one sentence.
    wrong = run("--exit-when-redy")
    assert wrong.code == 2 and "unrecognized arguments: --exit-when-redy" in wrong.err.lower()
    assert "Traceback" not in wrong.err


# -- the terminal: outside text never drives it --------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("reply", "{iv}", "--note", "thanks" + ESCAPES), "The note contains a control"),
        (("step", "done", "{iv}.thank-you.p1", "--how", "email\x1b[2J"),
         "The way it was done contains a control"),
        (add(company="Acme\u202efdp.exe"), "reverses the direction of text"),
        (add(role="Engineer\u2066"), "reverses the direction of text"),
        (add(interviewer="Ana \u202eDiaz <ana@acme.example>"), "reverses the direction"),
        (("interview", "edit", "{iv}", "--notes", "line\x9bone"), "contains a control"),
    ],
    ids=["reply-note", "done-how", "company-rlo", "role-isolate", "interviewer-rlo", "c1-csi"],
)
def test_control_and_reordering_characters_are_refused(
    run: Run, iv: str, args: tuple[str, ...], words: str
) -> None:
    before = run("interview", "show", iv, "--json").out
    result = run(*(a.replace("{iv}", iv) for a in args))
    assert result.code == 1 and words in result.err, result
    assert "\x1b" not in result.err and "\x9b" not in result.err
    assert run("interview", "show", iv, "--json").out == before


def test_text_already_in_the_store_is_printed_harmless(ok: Run, iv: str, data_dir: Path) -> None:
    """A store written by an earlier version may hold escapes: they print as '?'."""
    raw = sqlite3.connect(data_dir / DB_NAME)
    try:
        (data,) = raw.execute("SELECT data FROM interviews WHERE id = ?", (iv,)).fetchone()
        changed = json.loads(data)
        changed["company"] = "Acme" + ESCAPES
        raw.execute("UPDATE interviews SET data = ? WHERE id = ?", (json.dumps(changed), iv))
        raw.commit()
    finally:
        raw.close()
    for args in (("interview", "list"), ("interview", "show", iv), ("plan",)):
        out = ok(*args).out
        assert not any(c in out for c in "\x1b\x07\x9b"), args
    shown = ok("interview", "show", iv).out
    assert "Acme?]0;pwned??[2J?31m" in shown


# -- the feed ----------------------------------------------------------------------------------


def test_feed_write_says_what_the_feed_leaves_out(
    ok: Run, iv: str, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "feed.ics"
    assert ok("feed", "write", str(path)).out == ""  # nothing is left out
    old = ok(*add(company="Initech", start="2025-01-06T14:00", end="2025-01-06T15:00")).out
    store, _ = open_store(data_dir)
    try:
        (interview,) = [i for i in store.interviews() if i.id == old.strip()]
        finish_plan(store, interview)
        steps = len(store.steps(interview.id))
    finally:
        store.close()
    result = ok("feed", "write", str(path))
    assert result.out == (
        f"The feed leaves out 1 interview and {steps} follow-ups: those finished over 60 days "
        "ago.\n"
    )
    data = path.read_bytes()
    assert b"METHOD:PUBLISH" in data and b"Initech" not in data and b"Acme" in data


def test_feed_help_says_who_can_subscribe_to_what(run: Run) -> None:
    serve = " ".join(run("feed", "serve", "--help").out.split())
    assert "only calendar apps on this computer can subscribe" in serve
    assert "Google Calendar and Outlook on the web" in serve
    assert "use `followthrough feed publish` for them" in serve
    feed = " ".join(run("feed", "--help").out.split())
    assert "Apps on this computer can subscribe to `feed serve`" in feed
    assert "`feed publish` uploads it" in feed
    assert "webcal://" in feed  # serve's one-line help: it prints both URLs


# -- undo, redo and what the user does with a step ------------------------------------------


def _without_sequences(steps: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The plan as the user sees it (a SEQUENCE only grows, even when a change is undone)."""
    return {key: {k: v for k, v in row.items() if k != "sequence"} for key, row in steps.items()}


@pytest.mark.parametrize(
    "change",
    [
        ("reply", "{iv}", "--at", "2026-11-25T10:00", "--note", "They liked it."),
        ("reply", "{iv}", "--at", "2026-11-25T10:00", "--says", "next-round", "--on",
         "2026-12-07"),
        ("reply", "{iv}", "--at", "2026-11-25T10:00", "--says", "new-date", "--on",
         "2026-12-18"),
        ("reply", "{iv}", "--at", "2026-11-25T10:00", "--says", "rejection"),
        ("delay", "{iv}", "--until", "2026-12-18", "--at", "2026-11-25T10:00"),
        ("outcome", "{iv}", "offer", "--at", "2026-11-27T10:00", "--note", "At last."),
        ("step", "done", "{iv}.thank-you.p1", "--at", "2026-11-23T18:30"),
        ("step", "skip", "{iv}.note"),
        ("step", "move", "{iv}.call", "--to", "2026-12-02T13:15"),
        ("interview", "edit", "{iv}", "--decision-date", "2026-12-16"),
        ("interview", "delete", "{iv}"),
    ],
    ids=["reply", "next-round", "new-date", "rejection", "delay", "outcome", "done", "skip",
         "move", "edit", "delete"],
)
def test_undo_gives_back_the_plan_before_and_redo_the_one_after(
    ok: Run, run: Run, iv: str, change: tuple[str, ...]
) -> None:
    before = _without_sequences(plan(run))
    ok(*(arg.replace("{iv}", iv) for arg in change))
    after = _without_sequences(plan(run))
    assert after != before
    undone = ok("undo").out
    assert undone.startswith("Undone: ") and "Acme" in undone and undone.endswith(".\n"), undone
    assert _without_sequences(plan(run)) == before
    assert ok("redo").out == undone.replace("Undone: ", "Redone: ")
    assert _without_sequences(plan(run)) == after


def test_undo_with_nothing_to_undo_is_one_sentence(run: Run, user: None) -> None:
    result = run("undo")
    assert (result.code, result.out) == (1, "")
    assert result.err == "followthrough: There is nothing to undo.\n"


@pytest.mark.parametrize(
    "bring_back",
    [("step", "reopen", "{iv}.status-check"),
     ("step", "move", "{iv}.status-check", "--to", "2026-12-04T10:00")],
    ids=["reopen", "move"],
)
def test_a_cancelled_step_is_brought_back_by_reopening_or_moving_it(
    ok: Run, run: Run, iv: str, bring_back: tuple[str, ...]
) -> None:
    ok("reply", iv, "--at", "2026-11-25T10:00")
    assert plan(run)["status-check"]["status"] == "cancelled"
    ok(*(arg.replace("{iv}", iv) for arg in bring_back))
    assert plan(run)["status-check"]["status"] == "planned"
    assert plan(run)["call"]["status"] == "cancelled"  # the others stay as the reply left them


def test_the_decision_date_shows_the_delay_and_the_date_it_replaced(
    ok: Run, iv: str
) -> None:
    ok("interview", "edit", iv, "--decision-date", "2026-12-16")
    assert "Decision expected by Wed 16 Dec 2026" in ok("interview", "show", iv).out
    ok("delay", iv, "--until", "2027-01-08", "--at", "2026-12-10T10:00")
    decision = "Decision now by Fri 8 Jan 2027, was Wed 16 Dec 2026\n"
    assert decision in ok("interview", "show", iv).out
    shown = ok("interview", "show", iv, "--json").json()
    assert (shown["decision_date"], shown["decision_now"]) == ("2026-12-16", "2027-01-08")

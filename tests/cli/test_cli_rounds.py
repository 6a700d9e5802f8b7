"""The command line's applications and rounds: `interview add --application ID` or `--round N`
joins one, `reply --says next-round --on DATE` adds the next round (one change for `undo`),
`interview list` shows an application with its rounds.

The user lives in Johannesburg; the first round is on Monday 2026-11-23 from 14:00 to 15:00.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followthrough.cli import main

ACME = (
    "--company", "Acme", "--role", "Engineer", "--tz", "Africa/Johannesburg",
    "--interviewer", "Ana Diaz (CTO) <ana@acme.example>",
)  # fmt: skip


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir, self.capsys = data_dir, capsys

    def __call__(self, *args: str, code: int = 0) -> str:
        self.capsys.readouterr()
        try:
            result = main(["--data-dir", str(self.data_dir), *args])
        except SystemExit as stop:
            result = stop.code if isinstance(stop.code, int) else 1
        out, err = self.capsys.readouterr()
        assert result == code, (out, err)
        return out if code == 0 else err

    def add(self, day: str, *extra: str) -> str:
        return self(
            "interview", "add", *ACME, "--start", f"{day}T14:00", "--end", f"{day}T15:00", *extra
        ).strip()

    def interviews(self) -> dict[str, dict[str, object]]:
        return {d["id"]: d for d in json.loads(self("interview", "list", "--json"))}


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    run = Cli(tmp_path / "data", capsys)
    run("config", "set", "timezone", "Africa/Johannesburg")
    run("config", "set", "country", "ZA")
    return run


def test_add_joins_an_application_by_id_or_by_round(cli: Cli) -> None:
    first = cli.add("2026-11-23")
    second = cli.add("2026-11-30", "--application", first)
    third = cli.add("2026-12-07", "--round", "3")  # same company and role
    other = cli.add("2026-12-08", "--company", "Globex")
    rows = cli.interviews()
    assert [(rows[i]["application"], rows[i]["round"]) for i in (first, second, third)] == [
        (first, 1), (first, 2), (first, 3)]  # fmt: skip
    assert rows[other]["application"] == other
    assert cli("interview", "list").splitlines() == [
        f"Acme — Engineer: 3 rounds  [application {first}]",
        f"  round 1  {first}  Mon 23 Nov 2026, 14:00",
        f"  round 2  {second}  Mon 30 Nov 2026, 14:00",
        f"  round 3  {third}  Mon 7 Dec 2026, 14:00",
        f"{other}  Tue 8 Dec 2026, 14:00  Globex — Engineer",
    ]
    assert f"Application {first}" in cli("interview", "show", third)


@pytest.mark.parametrize(
    ("value", "words"),
    [("abc123", "There is no application with id 'abc123'."),
     ("Acme Ltd", "is not the id of an application.")],
)  # fmt: skip
def test_an_unknown_application_is_one_sentence_and_adds_nothing(
    cli: Cli, value: str, words: str
) -> None:
    cli.add("2026-11-23")
    err = cli(
        "interview", "add", *ACME, "--start", "2026-11-30T14:00", "--end", "2026-11-30T15:00",
        "--application", value, code=1,
    )  # fmt: skip
    assert words in err and "Traceback" not in err
    assert len(cli.interviews()) == 1


def test_a_reply_with_a_next_round_adds_it_and_undo_takes_both_back(cli: Cli) -> None:
    first = cli.add("2026-11-23")
    upcoming = cli(
        "reply", first, "--at", "2026-11-25T10:00", "--says", "next-round", "--on", "2026-12-07"
    ).strip()
    rows = cli.interviews()
    assert (rows[upcoming]["application"], rows[upcoming]["round"]) == (first, 2)
    assert rows[upcoming]["start"] == "2026-12-07T14:00:00+02:00"
    steps = json.loads(cli("plan", "--json", "--all"))
    chasers = [s for s in steps if s["interview"] == first and s["chaser"]]
    assert chasers and {s["status"] for s in chasers} == {"cancelled"}
    assert any(s["interview"] == upcoming and s["kind"] == "thank-you" for s in steps)
    assert cli("undo") == ("Undone: log a reply: next round (round 2 on Mon 7 Dec 2026) (Acme).\n")
    assert list(cli.interviews()) == [first]
    assert "History:" not in cli("interview", "show", first)
    cli("redo")
    assert set(cli.interviews()) == {first, upcoming}


def test_a_next_round_before_the_reply_is_refused(cli: Cli) -> None:
    first = cli.add("2026-11-23")
    err = cli(
        "reply", first, "--at", "2026-11-25T10:00", "--says", "next-round", "--on", "2026-11-24",
        code=1,
    )  # fmt: skip
    assert "The next round's date is before the day they told you." in err
    assert list(cli.interviews()) == [first]


def test_a_decision_date_and_an_outcome_stay_what_they_were(cli: Cli) -> None:
    first = cli.add("2026-11-23")
    cli("reply", first, "--at", "2026-11-25T10:00", "--says", "new-date", "--on", "2026-12-18")
    cli("reply", first, "--at", "2026-11-26T10:00", "--says", "offer")
    assert list(cli.interviews()) == [first]  # no round added
    shown = json.loads(cli("interview", "show", first, "--json"))
    assert shown["decision_now"] == "2026-12-18"

"""The plan and the list of interviews read and decode what they show once (or not at all):
counted, not timed (bench/cli.py times them), so the work grows with what is shown and
nothing is read twice."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followthrough.cli import main
from followthrough.core import codec
from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer, Outcome
from followthrough.store import db, open_store

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Three interviews, one of them rejected (its steps still planned are cancelled)."""
    folder = tmp_path / "data"
    store, _ = open_store(folder)
    try:
        store.set_setting("timezone", "Europe/Paris")
        for day, company in enumerate(("Acme", "Globex", "Initech"), start=23):
            start = datetime(2026, 11, day, 14, 0, tzinfo=PARIS)
            added = store.add_interview(
                Interview(
                    id="",
                    company=company,
                    role="Engineer",
                    interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
                    start=start,
                    end=start + timedelta(hours=1),
                    tz="Europe/Paris",
                ).validated()
            )
        at = datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)
        store.record(added.id, Activity(ActivityKind.OUTCOME, at, outcome=Outcome.REJECTED))
    finally:
        store.close()
    return folder


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """The ids of the steps and interviews decoded from the store, each time it happens."""
    seen: dict[str, list[str]] = {"steps": [], "interviews": []}

    def counting(name: str, decode: Callable[[dict[str, Any]], Any]) -> Callable[..., Any]:
        def wrapper(data: dict[str, Any], *args: Any) -> Any:
            seen[name].append(data["id"])
            return decode(data, *args)

        return wrapper

    for name, decoder in (("steps", "step_from_dict"), ("interviews", "interview_from_dict")):
        monkeypatch.setattr(db, decoder, counting(name, getattr(codec, decoder)))
    yield seen


def run(data_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), *args]) == 0
    return capsys.readouterr().out


def step_statuses(data_dir: Path) -> dict[str, str]:
    store, _ = open_store(data_dir)
    try:
        return {s.step.id: s.step.status.value for s in store.steps()}
    finally:
        store.close()


@pytest.mark.parametrize("everything", [False, True], ids=["plan", "plan --all"])
def test_plan_json_decodes_each_step_it_shows_once(
    data_dir: Path,
    decoded: dict[str, list[str]],
    capsys: pytest.CaptureFixture[str],
    everything: bool,
) -> None:
    statuses = step_statuses(data_dir)
    assert "cancelled" in statuses.values() and "planned" in statuses.values()
    decoded["steps"].clear()
    rows = json.loads(run(data_dir, capsys, "plan", "--json", *(["--all"] * everything)))
    shown = [row["id"] for row in rows]
    wanted = {sid for sid, status in statuses.items() if everything or status != "cancelled"}
    assert sorted(shown) == sorted(wanted)
    assert sorted(decoded["steps"]) == sorted(wanted)  # once each, and nothing it hides
    assert decoded["interviews"] == []


def test_plan_reads_the_lines_it_shows_and_decodes_nothing(
    data_dir: Path, decoded: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    statuses = step_statuses(data_dir)
    decoded["steps"].clear()
    lines = run(data_dir, capsys, "plan").splitlines()
    wanted = sorted(sid for sid, status in statuses.items() if status != "cancelled")
    assert sorted(line.rsplit("[", 1)[1].rstrip("]") for line in lines) == wanted
    assert decoded["steps"] == []  # SQLite reads the lines' fields (Store.plan_lines)
    assert decoded["interviews"] == []  # and the interviews' time zones


def test_interview_list_decodes_each_interview_once_and_no_step(
    data_dir: Path, decoded: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run(data_dir, capsys, "interview", "list").splitlines()
    assert len(lines) == 3
    assert len(decoded["interviews"]) == len(set(decoded["interviews"])) == 3
    assert decoded["steps"] == []


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{}],
        [{"a": 1}],
        [{"id": "x", "n": 2.5, "ok": True, "none": None, "é": "ü"}, {"b": "}"}, {"c": "{"}],
        [{"text": 'a",\n    {"b": [1]}, "},\n    {'}],  # what looks like a separator
        [{"list": [1, 2]}, {"dict": {"a": 1}}],  # nested: the long way
        [{"a": 1}, {}],
    ],
)
def test_json_rows_writes_what_json_dumps_writes(rows: list[dict[str, Any]]) -> None:
    from followthrough.cli.output import json_rows

    assert json_rows(rows) == json.dumps(rows, indent=2)


@pytest.mark.parametrize("command", [("plan",), ("plan", "--json"), ("interview", "list")])
def test_a_listing_imports_only_what_it_needs(data_dir: Path, command: tuple[str, ...]) -> None:
    """Neither icalendar nor caldav nor Qt, and no other command group's module."""
    code = (
        "import sys, contextlib, io\n"
        "from followthrough.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(sys.argv[1:]) == 0\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    argv = [sys.executable, "-c", code, "--data-dir", str(data_dir), *command]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert not {"icalendar", "caldav", "PySide6", "niquests"} & loaded
    groups = {m for m in loaded if m.startswith("followthrough.cli.")}
    assert groups == {
        "followthrough.cli.entry",
        "followthrough.cli.output",
        "followthrough.cli.interviews",
    }

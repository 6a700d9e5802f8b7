"""Killing the process at any point loses no committed action and leaves no half action.

A child process adds interviews and logs replies in a loop, printing each action after its
transaction returns; the test kills it with SIGKILL at various moments and reopens the store.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from followthrough.core.model import ActivityKind, StepStatus
from followthrough.store import DB_NAME, open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer
    from followthrough.store import open_store

    store, _ = open_store(Path(sys.argv[1]))
    zone = ZoneInfo("Europe/Paris")
    n = 0
    while True:
        end = datetime(2026, 11, 23, 15, 0, tzinfo=zone) + timedelta(hours=n % 200)
        people = tuple(
            Interviewer(name=f"Person {k}", email=f"p{k}@co{n}.example", key=f"p{k}")
            for k in range(1, 2 + n % 3)
        )
        interview = store.add_interview(
            Interview(id="", company=f"Company {n}", role="Engineer", interviewers=people,
                      start=end - timedelta(hours=1), end=end, tz="Europe/Paris")
        )
        print("added", interview.id, flush=True)
        if n % 2:
            store.record(interview.id, Activity(ActivityKind.REPLY, end + timedelta(days=1)))
            print("replied", interview.id, flush=True)
        n += 1
    """
)


def run_and_kill(data_dir: Path, delay: float) -> list[tuple[str, str]]:
    """Start the writer, kill it `delay` seconds after its first action; the actions it printed."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        assert first, process.communicate(timeout=10)[1]
        time.sleep(delay)
    finally:
        process.send_signal(signal.SIGKILL)
    rest, errors = process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL, errors
    assert "Traceback" not in errors, errors
    lines = [first, *rest.splitlines()]
    # The last line may have been cut by the kill: keep only whole ones.
    actions = [tuple(line.split()) for line in lines if len(line.split()) == 2]
    return [(kind, ident) for kind, ident in actions if len(ident) == 12]


def check_store(data_dir: Path, added: set[str], replied: set[str], earlier: set[str]) -> set[str]:
    """Every printed action is there, whole; nothing is there by half. Returns the interviews.

    `earlier` holds the interviews found after the previous kill.
    """
    store, warnings = open_store(data_dir)
    try:
        assert warnings == []
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        interviews = {iv.id: iv for iv in store.interviews()}
        assert added <= interviews.keys(), added - interviews.keys()
        assert earlier <= interviews.keys(), earlier - interviews.keys()
        # At most the action under way when the kill came is also there (committed, not printed).
        assert len(interviews.keys() - added - earlier) <= 1
        for ident, interview in interviews.items():
            activities = store.activities(ident)
            stored = sorted((s.step for s in store.steps(ident)), key=lambda s: s.id)
            expected = sorted(store.compute_plan(interview, activities), key=lambda s: s.id)
            # The full plan, as the planner makes it from what is stored: no half action.
            assert stored and stored == expected, ident
            assert sum(s.kind == "thank-you" for s in stored) == len(interview.interviewers)
            kinds = [a.kind for a in activities]
            assert kinds in ([], [ActivityKind.REPLY]), (ident, kinds)
            if ident in replied:
                assert kinds == [ActivityKind.REPLY], ident
            chasers = {s.status for s in stored if s.chaser}
            assert chasers == ({StepStatus.CANCELLED} if kinds else {StepStatus.PLANNED}), ident
        return set(interviews)
    finally:
        store.close()


def test_a_killed_writer_loses_no_committed_action(isolated_data_dir: Path) -> None:
    data_dir = isolated_data_dir
    added: set[str] = set()
    replied: set[str] = set()
    found: set[str] = set()
    for delay in (0.0, 0.2, 0.5, 1.0):
        actions = run_and_kill(data_dir, delay)
        assert actions, "the writer printed no action"
        added |= {ident for kind, ident in actions if kind == "added"}
        replied |= {ident for kind, ident in actions if kind == "replied"}
        assert (data_dir / DB_NAME).exists()
        found = check_store(data_dir, added, replied, found)
    assert len(added) > 10, "the writer did too little for the test to mean anything"

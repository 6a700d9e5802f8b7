"""One interview to start from: Acme, an engineer role, with Ana Diaz, 23 November 2026 at
14:00-15:00 in Paris (the day its follow-ups are planned from).

Shared by the UI and sync tests that need a store with something in it; imported as
`from one_interview import ...` (tests/ is on sys.path, as for smtp_server).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer, StepStatus
from followthrough.store import Store, open_store


def add_acme(store: Store) -> Interview:
    """Store the Acme interview (and so its plan); returns it with its id."""
    end = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
    return store.add_interview(
        Interview(
            id="",
            company="Acme",
            role="Engineer",
            interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example", key="p1"),),
            start=end - timedelta(hours=1),
            end=end,
            tz="Europe/Paris",
        )
    )


@contextmanager
def store_with_acme(folder: Path) -> Iterator[Store]:
    """A new store in `folder` holding the Acme interview, closed when the block ends."""
    opened, _ = open_store(folder)
    try:
        add_acme(opened)
        yield opened
    finally:
        opened.close()


def finish_plan(store: Store, interview: Interview) -> None:
    """Mark every follow-up of `interview` done, an hour after it ends: nothing is left to do."""
    for _ in range(5):  # marking one done may plan another
        planned = [s.step for s in store.steps(interview.id) if s.step.status is StepStatus.PLANNED]
        if not planned:
            return
        for step in planned:
            done = Activity(ActivityKind.DONE, interview.end + timedelta(hours=1), step=step.key)
            store.record(interview.id, done)
    raise AssertionError("the plan kept planning")

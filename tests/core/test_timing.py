"""The planner's building blocks: a Step made without the dataclass's __init__ is a Step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import timedelta

from followthrough.core.cadence import plan
from followthrough.core.model import Activity, ActivityKind, Interview, Step, StepStatus
from followthrough.core.playbooks import PlaybookLibrary
from followthrough.core.settings import Settings
from followthrough.core.timing import built, cancelled

Make = Callable[..., Interview]


def as_made(step: Step) -> Step:
    """`step` made again through the dataclass's own __init__ (and its defaults)."""
    return Step(**{f.name: getattr(step, f.name) for f in fields(Step)})


def test_planned_steps_are_the_steps_the_dataclass_makes(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    interview = make_interview(people=2)
    done = Activity(ActivityKind.DONE, interview.end + timedelta(hours=3), step="thank-you.p1")
    skipped = Activity(ActivityKind.SKIP, interview.end + timedelta(hours=4), step="note", seq=2)
    steps = plan(interview, [done, skipped], Settings(), library.get("standard"))
    assert len(steps) > 4
    names = {f.name for f in fields(Step)}
    for step in steps:
        assert set(vars(step)) == names  # every field given, nothing else
        again = as_made(step)
        assert again == step and hash(again) == hash(step)
    assert {s.status for s in steps} >= {StepStatus.DONE, StepStatus.PLANNED}


def test_built_and_cancelled_keep_every_field(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    step = plan(make_interview(), [], Settings(), library.get("standard"))[0]
    copy = built(dict(vars(step)))
    assert copy == step and copy is not step
    gone = cancelled(step, "Process closed: offer.")
    assert gone.status is StepStatus.CANCELLED and gone.status_reason == "Process closed: offer."
    assert as_made(gone) == gone
    assert step.status is StepStatus.PLANNED  # the original is untouched
    assert gone.start is step.start  # it keeps its time: calendars see it go, not move

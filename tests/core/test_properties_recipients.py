"""Properties of the plan as its recipients see it (issue 15): spacing and their hours.

The same drawn inputs as test_properties.py (interviews in one zone, users in another, the
employer's country named or taken from the zone, both sides' working hours, spread or not).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from test_properties import (
    FINISHED,
    PROPERTY,
    UTC,
    Case,
    cases,
    chasers,
    hours_apart,
    public_holidays,
    their_windows,
    their_workday,
)

from followthrough.core.model import Step, StepChannel, StepStatus

PHONE = StepChannel.PHONE


def user_workday(case: Case, day: date) -> bool:
    user = case.settings
    if day.weekday() >= 5:
        return False
    return not user.country or day not in public_holidays(user.country, user.subdivision)


def person(case: Case, step: Step) -> str:
    """Whom the step is addressed to: the interviewer its key names, else the main one."""
    suffix = step.key.rpartition(".")[2]
    keys = {p.key for p in case.interview.interviewers}
    return suffix if "." in step.key and suffix in keys else case.interview.primary.key


def placed_pairs(case: Case) -> list[tuple[Step, Step]]:
    """Pairs of steps sent or planned, at least one of them the planner's to place."""
    live = [s for s in case.plan() if s.status in FINISHED]
    return [
        (a, b)
        for a, b in itertools.combinations(live, 2)
        if any(s.status is StepStatus.PLANNED and not s.manual for s in (a, b))
    ]


def their_date(case: Case, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(case.interview.tz)).date()


@PROPERTY
@given(cases())
def test_steps_to_a_person_fall_in_their_hours_too(case: Case) -> None:
    """In both sides' hours when these meet for an hour; else a call in theirs and a message
    in the first hour of their day, on a day both work."""
    for step in case.plan():
        if step.status is not StepStatus.PLANNED or step.manual:
            continue
        if step.channel is StepChannel.LETTER:
            continue  # posted in the user's hours: test_properties checks those
        windows = [w for w in their_windows(case, case.local_date(step.start))
                   if w[0] <= step.start and step.end <= w[1]]  # fmt: skip
        assert windows, ("outside the recipient's hours", step)
        opens, _closes, their = windows[0]
        assert their_workday(case, their), ("not a working day where they are", their, step)
        if hours_apart(case, step):
            assert user_workday(case, case.local_date(opens)), ("not the user's working day", step)
            if step.channel is not PHONE:
                assert step.start - opens <= timedelta(hours=1), ("not their morning", step)


@PROPERTY
@given(cases())
def test_one_message_a_day_to_each_person(case: Case) -> None:
    for a, b in placed_pairs(case):
        if person(case, a) == person(case, b):
            assert their_date(case, a.start) != their_date(case, b.start), (a, b)


@PROPERTY
@given(cases())
def test_steps_of_one_interview_never_share_a_start_time(case: Case) -> None:
    for a, b in placed_pairs(case):
        assert a.start.astimezone(UTC) != b.start.astimezone(UTC), (a, b)


@PROPERTY
@given(cases())
def test_chasers_come_two_business_days_after_the_thank_you(case: Case) -> None:
    steps = case.plan()
    thanks = [s for s in steps if s.kind == "thank-you" and s.status in FINISHED]
    for chaser in chasers(steps, (StepStatus.PLANNED,)):
        if chaser.manual:
            continue
        for thank_you in thanks:
            day, until = case.local_date(thank_you.start), case.local_date(chaser.start)
            between = sum(
                user_workday(case, day + timedelta(days=n))
                for n in range(1, (until - day).days + 1)
            )
            assert between >= 2, (thank_you, chaser)

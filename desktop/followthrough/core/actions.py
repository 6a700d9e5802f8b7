"""What the user's actions on a plan mean, decided once for the window and the command line:
where a step may be placed, when an unanswered call is tried again, what a reply said, the
decision date now and the one it replaced, and what a time a step is moved to falls on.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Outcome,
    ValidationError,
    employer_cancellation,
    local_datetime,
)
from followthrough.core.shown_dates import day, time_of_day, weekday
from followthrough.core.workdays import WorkCalendar, holiday_names

# The `how` of a reply that announced another round (its `until`: the day, when they gave one).
NEXT_ROUND = "next round"


class ReplySays(StrEnum):
    """What the employer's answer said: each is recorded as the history expects it."""

    ANSWER = "answer"  # just an answer: the chasers stop
    NEXT_ROUND = "next-round"  # another interview: a reply that names it (see NEXT_ROUND)
    NEW_DATE = "new-date"  # a later decision date: a delay
    OFFER = "offer"  # the outcome
    REJECTION = "rejection"  # the outcome


def check_placement(interview: Interview, moment: datetime) -> None:
    """A follow-up comes after the interview: a time before it ends is refused."""
    if moment < interview.end:
        raise ValidationError("A follow-up cannot be placed before the interview ends.")


def retry_call(planned: datetime, now: datetime, calendar: WorkCalendar) -> datetime:
    """When a call nobody answered is tried again: at the time of day it was planned, on the
    working day after the later of now and that time (never earlier than it was planned)."""
    tz = calendar.tz
    planned_here = planned.astimezone(tz)
    day = calendar.add_business_days(max(planned, now).astimezone(tz).date(), 1)
    return local_datetime(day, planned_here.hour, planned_here.minute, tz)


def employer_news(
    interview: Interview,
    history: list[Activity] | tuple[Activity, ...],
    says: ReplySays | Outcome,
    at: datetime,
    *,
    note: str = "",
    day: date | None = None,
) -> Activity:
    """The activity that records what the employer said at `at` (an outcome may also be the
    user's withdrawal), or a ValidationError in one sentence.

    `day` is the new decision date (NEW_DATE, required) or the next round's (NEXT_ROUND).
    """
    closing = isinstance(says, Outcome) or says in (ReplySays.OFFER, ReplySays.REJECTION)
    # An interview the employer cancelled may close before it was to start.
    if at < interview.start and not (closing and employer_cancellation(history)):
        raise ValidationError("That time is before the interview started.")
    if says is ReplySays.NEW_DATE:
        if day is None:
            raise ValidationError("Give the new decision date.")
        if day < at.date():  # `at` is in the user's zone
            raise ValidationError("The new decision date is before the day they told you.")
        return Activity(ActivityKind.DELAY, at, until=day, note=note)
    if says is ReplySays.NEXT_ROUND:
        if day is not None and day < at.date():
            raise ValidationError("The next round's date is before the day they told you.")
        return Activity(ActivityKind.REPLY, at, how=NEXT_ROUND, until=day, note=note)
    if says is ReplySays.ANSWER:
        return Activity(ActivityKind.REPLY, at, note=note)
    if isinstance(says, ReplySays):
        says = Outcome.OFFER if says is ReplySays.OFFER else Outcome.REJECTED
    return Activity(ActivityKind.OUTCOME, at, outcome=says, note=note)


def decision_change(
    interview: Interview, history: list[Activity] | tuple[Activity, ...]
) -> tuple[date | None, date | None]:
    """(the decision date now, the one the last delay replaced): the stated date and each
    announced delay, the latest first."""
    # The planner's module, imported when first needed: the window starts without it.
    from followthrough.core.cadence import decision_dates

    dates = [day for _key, day in decision_dates(interview, history)]
    return (dates[-1] if dates else None, dates[-2] if len(dates) > 1 else None)


def placement_note(start: datetime, end: datetime, calendar: WorkCalendar) -> str:
    """What the time a step is moved to falls on when that is not a working time: "on a
    Saturday", "on a public holiday (Christmas Day)", "outside your working hours
    (09:00–17:30)"; else ""."""
    local = start.astimezone(calendar.tz)
    holiday = holiday_names(calendar.country, calendar.subdivision, local.year).get(local.date())
    if holiday:
        return f"on a public holiday ({holiday})"
    if local.weekday() >= 5:
        return f"on a {weekday(local, full=True)}"
    if not calendar.in_working_hours(start, end):
        hours = f"{time_of_day(calendar.work_start)}–{time_of_day(calendar.work_end)}"
        return f"outside your working hours ({hours})"
    return ""


def describe(activity: Activity, title: str = "") -> str:
    """What recording `activity` did, as Undo and Redo name it ("skip Thank-you to Ana")."""
    kind, step = activity.kind, title or activity.step
    if kind is ActivityKind.REPLY:
        return "log a reply" + (": next round" if activity.how == NEXT_ROUND else "")
    if kind is ActivityKind.DELAY and activity.until is not None:
        return f"log a delay to {day(activity.until)}"
    if kind is ActivityKind.OUTCOME and activity.outcome is not None:
        return f"log the outcome ({activity.outcome.value})"
    if kind is ActivityKind.DONE:
        return f"mark {step} done"
    if kind is ActivityKind.REOPEN:
        return f"reopen {step}" if activity.step else "reopen the interview"
    if kind in (ActivityKind.SKIP, ActivityKind.MOVE):
        return f"{kind.value} {step}"
    return f"record {kind.value}"

"""What the user's actions mean: an unanswered call tried again after it was due, nothing placed
before the interview, a cancelled step brought back, what a reply said, the decision date now
and before, and what a moved step's new time falls on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import PROPERTY, Case, cases

from followthrough.core.actions import (
    NEXT_ROUND,
    ReplySays,
    decision_change,
    employer_news,
    placement_note,
    retry_call,
)
from followthrough.core.cadence import plan
from followthrough.core.model import (
    BROUGHT_BACK,
    Activity,
    ActivityKind,
    Interview,
    Outcome,
    Step,
    StepStatus,
    ValidationError,
)
from followthrough.core.playbooks import PlaybookLibrary
from followthrough.core.settings import Settings
from followthrough.core.workdays import WorkCalendar

JHB = ZoneInfo("Africa/Johannesburg")
PARIS = ZoneInfo("Europe/Paris")
SETTINGS = Settings(country="ZA", timezone="Africa/Johannesburg")
END = datetime(2026, 11, 23, 15, 0, tzinfo=JHB)  # a Monday

Make = Callable[..., Interview]


def _steps(interview: Interview, library: PlaybookLibrary, *acts: Activity) -> dict[str, Step]:
    return {s.key: s for s in plan(interview, list(acts), SETTINGS, library.get("standard"))}


# -- an unanswered call ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "now", "expected"),
    [
        # Not due yet (planned next Wednesday, tried on Monday): the day after it was planned.
        (
            datetime(2026, 12, 2, 10, 0, tzinfo=JHB),
            datetime(2026, 11, 30, 8, 0, tzinfo=JHB),
            datetime(2026, 12, 3, 10, 0, tzinfo=JHB),
        ),
        # Overdue (planned last Monday, tried on Thursday): Friday, at the planned time.
        (
            datetime(2026, 11, 30, 10, 0, tzinfo=JHB),
            datetime(2026, 12, 3, 16, 0, tzinfo=JHB),
            datetime(2026, 12, 4, 10, 0, tzinfo=JHB),
        ),
        # Tried on a Friday: Monday (a weekend is not a working day).
        (
            datetime(2026, 12, 4, 11, 30, tzinfo=JHB),
            datetime(2026, 12, 4, 11, 35, tzinfo=JHB),
            datetime(2026, 12, 7, 11, 30, tzinfo=JHB),
        ),
        # Before the Day of Reconciliation (Wednesday 16 December): Thursday.
        (
            datetime(2026, 12, 15, 9, 0, tzinfo=JHB),
            datetime(2026, 12, 15, 9, 5, tzinfo=JHB),
            datetime(2026, 12, 17, 9, 0, tzinfo=JHB),
        ),
    ],
    ids=["not-due-yet", "overdue", "friday", "holiday"],
)
def test_an_unanswered_call_is_tried_the_working_day_after_it_was_due(
    planned: datetime, now: datetime, expected: datetime
) -> None:
    again = retry_call(planned, now, WorkCalendar(SETTINGS))
    assert again == expected
    assert again > max(planned, now)


# -- nothing before the interview -----------------------------------------------------------


def test_a_move_to_before_the_interview_ends_is_left_out_of_the_plan(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    """What "No answer" on a call not due yet once recorded: the call stays in the plan."""
    interview = make_interview()
    untouched = _steps(interview, library)["call"]
    early = Activity(ActivityKind.MOVE, END, step="call", to=END - timedelta(days=3), seq=1)
    call = _steps(interview, library, early)["call"]
    assert call == untouched
    assert call.status is StepStatus.PLANNED and not call.manual


# -- a cancelled step brought back ----------------------------------------------------------


def test_a_step_brought_back_after_a_reply_stays_until_the_next_news(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    interview = make_interview()
    reply = Activity(ActivityKind.REPLY, END + timedelta(days=1), seq=1)
    back = Activity(
        ActivityKind.REOPEN, END + timedelta(days=2), step="call", how=BROUGHT_BACK, seq=2
    )
    assert _steps(interview, library, reply)["call"].status is StepStatus.CANCELLED
    steps = _steps(interview, library, reply, back)
    assert steps["call"].status is StepStatus.PLANNED
    assert steps["status-check"].status is StepStatus.CANCELLED
    again = Activity(ActivityKind.REPLY, END + timedelta(days=3), seq=3)
    steps = _steps(interview, library, reply, back, again)
    assert steps["call"].status is StepStatus.CANCELLED


def test_a_plain_reopen_only_undoes_done_or_skip(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    """A reopen that a sync or an older version wrote does not override the rules."""
    interview = make_interview()
    reply = Activity(ActivityKind.REPLY, END + timedelta(days=1), seq=1)
    reopen = Activity(ActivityKind.REOPEN, END + timedelta(days=2), step="call", seq=2)
    assert _steps(interview, library, reply, reopen)["call"].status is StepStatus.CANCELLED


@st.composite
def _brought_back(draw: st.DrawFn) -> tuple[Case, str]:
    """A case, and a step its plan cancelled that the user then brings back."""
    case = draw(cases())
    cancelled = [s.key for s in case.plan() if s.status is StepStatus.CANCELLED]
    if not cancelled:
        return case, ""
    key = draw(st.sampled_from(sorted(cancelled)))
    latest = max([case.interview.end, *(a.at for a in case.activities)])
    back = Activity(
        ActivityKind.REOPEN,
        latest + timedelta(minutes=1),
        step=key,
        how=BROUGHT_BACK,
        seq=len(case.activities),
    )
    return Case(case.interview, (*case.activities, back), case.settings, case.book), key


@PROPERTY
@given(_brought_back())
def test_a_cancelled_step_the_user_brings_back_is_planned(drawn: tuple[Case, str]) -> None:
    case, key = drawn
    if not key:
        return
    step = {s.key: s for s in case.plan()}[key]
    assert step.status is StepStatus.PLANNED, step


# -- what the employer said -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("says", "kind", "how", "outcome", "until"),
    [
        (ReplySays.ANSWER, ActivityKind.REPLY, "", None, None),
        (ReplySays.NEXT_ROUND, ActivityKind.REPLY, NEXT_ROUND, None, date(2026, 12, 10)),
        (ReplySays.NEW_DATE, ActivityKind.DELAY, "", None, date(2026, 12, 10)),
        (ReplySays.OFFER, ActivityKind.OUTCOME, "", Outcome.OFFER, None),
        (ReplySays.REJECTION, ActivityKind.OUTCOME, "", Outcome.REJECTED, None),
        (Outcome.WITHDRAWN, ActivityKind.OUTCOME, "", Outcome.WITHDRAWN, None),
    ],
)
def test_what_they_said_is_recorded_as_the_history_expects(
    make_interview: Make,
    says: ReplySays | Outcome,
    kind: ActivityKind,
    how: str,
    outcome: Outcome | None,
    until: date | None,
) -> None:
    at = END + timedelta(days=2)
    activity = employer_news(make_interview(), (), says, at, note="ok", day=date(2026, 12, 10))
    assert (activity.kind, activity.how, activity.outcome, activity.until) == (
        kind, how, outcome, until)  # fmt: skip
    assert activity.at == at and activity.note == "ok"


@pytest.mark.parametrize(
    ("says", "at", "day", "words"),
    [
        (ReplySays.ANSWER, END - timedelta(days=1), None, "before the interview started"),
        (ReplySays.NEW_DATE, END + timedelta(days=2), None, "Give the new decision date"),
        (ReplySays.NEW_DATE, END + timedelta(days=2), date(2026, 11, 24), "before the day"),
        (ReplySays.NEXT_ROUND, END + timedelta(days=2), date(2026, 11, 24), "before the day"),
    ],
)
def test_what_cannot_be_recorded_is_one_sentence(
    make_interview: Make, says: ReplySays, at: datetime, day: date | None, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        employer_news(make_interview(), (), says, at, day=day)
    assert words in str(caught.value) and str(caught.value).endswith(".")


def test_the_decision_date_now_and_the_one_it_replaced(make_interview: Make) -> None:
    interview = make_interview(decision=date(2026, 12, 16))
    assert decision_change(interview, ()) == (date(2026, 12, 16), None)
    delay = Activity(ActivityKind.DELAY, END + timedelta(days=5), until=date(2027, 1, 8))
    assert decision_change(interview, (delay,)) == (date(2027, 1, 8), date(2026, 12, 16))
    assert decision_change(make_interview(), ()) == (None, None)


# -- where a step is moved to ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "note"),
    [
        (datetime(2026, 12, 2, 10, 0, tzinfo=PARIS), ""),
        (datetime(2026, 12, 5, 10, 0, tzinfo=PARIS), "on a Saturday"),
        (datetime(2026, 12, 25, 10, 0, tzinfo=PARIS), "on a public holiday (Christmas Day)"),
        (datetime(2026, 12, 2, 20, 0, tzinfo=PARIS), "outside your working hours (09:00–17:00)"),
        (datetime(2026, 12, 2, 16, 50, tzinfo=PARIS),
         "outside your working hours (09:00–17:00)"),  # ends late
    ],
)
def test_a_time_off_work_is_named(start: datetime, note: str) -> None:
    calendar = WorkCalendar(Settings(country="FR", timezone="Europe/Paris"))
    assert placement_note(start, start + timedelta(minutes=15), calendar) == note

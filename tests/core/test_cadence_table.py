"""Each row and rule of domain.md §2, traced to a test on a fixed calendar.

The interview ends Monday 2026-11-23 at 15:00 in Johannesburg; the user works 09:00-17:00 there,
with South African public holidays, unless a test says otherwise.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.cadence import plan
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
    Step,
    StepChannel,
    StepStatus,
)
from followthrough.core.playbooks import PlaybookLibrary
from followthrough.core.settings import Settings
from followthrough.core.workdays import WorkCalendar

JHB = ZoneInfo("Africa/Johannesburg")
SETTINGS = Settings(country="ZA", timezone="Africa/Johannesburg")
END = datetime(2026, 11, 23, 15, 0, tzinfo=JHB)

Make = Callable[..., Interview]


def steps_of(
    interview: Interview,
    library: PlaybookLibrary,
    *acts: Activity,
    playbook: str = "standard",
    settings: Settings = SETTINGS,
) -> dict[str, Step]:
    return {s.key: s for s in plan(interview, list(acts), settings, library.get(playbook))}


def act(kind: ActivityKind, at: datetime, seq: int = 1, **fields: object) -> Activity:
    return Activity(kind, at, seq=seq, **fields)  # type: ignore[arg-type]


def planned(steps: dict[str, Step]) -> dict[str, Step]:
    return {k: s for k, s in steps.items() if s.status is StepStatus.PLANNED}


def business_days_between(start: date, end: date, cal: WorkCalendar) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += cal.is_workday(day)
    return count


# -- the table ---------------------------------------------------------------------------------


def test_thank_you_within_a_day_to_each_interviewer(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(people=2), library)
    thanks = [s for s in steps.values() if s.kind == "thank-you"]
    assert [s.to for s in thanks] == ["Person 1 <p1@acme.example>", "Person 2 <p2@acme.example>"]
    for step in thanks:
        assert step.channel is StepChannel.EMAIL
        assert END < step.start <= END + timedelta(hours=24)
        assert step.deadline == END + timedelta(hours=24)
        assert not step.chaser


def test_thank_you_same_day_when_the_organisation_is_fast(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    morning = datetime(2026, 11, 23, 11, 0, tzinfo=JHB)
    steps = steps_of(make_interview(morning, pace=Pace.FAST), library)
    assert steps["thank-you.p1"].start.date() == morning.date()
    assert steps["thank-you.p1"].deadline.date() == morning.date()


def test_thank_you_may_take_48_hours_when_the_pace_is_slow(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(pace=Pace.SLOW), library)
    assert steps["thank-you.p1"].deadline == END + timedelta(hours=48)


def test_thank_you_uses_the_phone_when_that_is_the_only_way(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    person = Interviewer(name="Sam Moyo", phone="+27 21 555 0101", key="p1")
    interview = replace(make_interview(), interviewers=(person,), channel=Channel.PHONE)
    step = steps_of(interview, library)["thank-you.p1"]
    assert step.channel is StepChannel.PHONE
    assert step.to == "Sam Moyo (+27 21 555 0101)"


def test_handwritten_note_is_optional_within_two_days(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    note = steps_of(make_interview(), library)["note"]
    assert note.optional and note.channel is StepChannel.LETTER
    assert 1 <= (note.start.date() - END.date()).days <= 2
    without = steps_of(make_interview(), library, settings=replace(SETTINGS, optional_steps=False))
    assert "note" not in without


def test_status_check_three_to_seven_days_after(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    step = steps_of(make_interview(), library)["status-check"]
    assert step.chaser and step.channel is StepChannel.EMAIL
    assert 3 <= (step.start.date() - END.date()).days <= 7
    assert (step.deadline.date() - END.date()).days == 7


def test_one_call_five_to_seven_business_days_after(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(), library)
    calls = [s for s in steps.values() if s.kind == "call"]
    assert len(calls) == 1
    call = calls[0]
    assert call.channel is StepChannel.PHONE
    cal = WorkCalendar(SETTINGS)
    assert 5 <= business_days_between(END.date(), call.start.date(), cal) <= 7


def test_decision_date_replaces_the_status_check_and_the_call(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(decision=date(2026, 12, 4)), library)  # a Friday
    check_in = steps["decision-check-in"]
    assert check_in.status is StepStatus.PLANNED
    assert check_in.start.date() == date(2026, 12, 7)  # the next business day: Monday
    for key in ("status-check", "call"):
        assert steps[key].status is StepStatus.CANCELLED
        assert "decision date" in steps[key].status_reason
    for step in planned(steps).values():
        if step.chaser:
            assert step.start.date() > date(2026, 12, 4)


def test_an_early_decision_date_keeps_the_later_chasers(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(decision=date(2026, 11, 24)), library)
    # A business day after the date would be the 25th; the thank-you goes on the 24th, and a
    # chaser waits two business days after it (issue 15).
    assert steps["decision-check-in"].start.date() == date(2026, 11, 26)
    assert steps["status-check"].status is StepStatus.PLANNED
    assert steps["call"].status is StepStatus.PLANNED
    assert steps["status-check"].start.date() >= date(2026, 11, 28)  # 3 days after the check-in


def test_second_follow_up_one_to_two_weeks_after_the_call(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(), library)
    gap = steps["second-follow-up"].start.date() - steps["call"].start.date()
    assert timedelta(days=7) <= gap <= timedelta(days=14)


def test_final_check_in_two_to_four_weeks_after(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    final = steps_of(make_interview(), library)["final-check-in"]
    assert 14 <= (final.start.date() - END.date()).days <= 28
    assert final.start > steps_of(make_interview(), library)["second-follow-up"].start


# -- the rules ---------------------------------------------------------------------------------


def test_a_reply_cancels_every_pending_chaser(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    reply_at = datetime(2026, 11, 27, 10, 0, tzinfo=JHB)
    steps = steps_of(make_interview(), library, act(ActivityKind.REPLY, reply_at))
    for step in steps.values():
        if step.chaser:
            assert step.status is StepStatus.CANCELLED
            assert "replied" in step.status_reason
    assert steps["thank-you.p1"].status is StepStatus.PLANNED  # thanking them is still right


def test_a_chaser_sent_before_the_reply_stays_done(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    sent = datetime(2026, 11, 26, 9, 30, tzinfo=JHB)
    steps = steps_of(
        make_interview(),
        library,
        act(ActivityKind.DONE, sent, 1, step="status-check"),
        act(ActivityKind.REPLY, sent + timedelta(days=1), 2),
    )
    assert steps["status-check"].status is StepStatus.DONE
    assert steps["call"].status is StepStatus.CANCELLED


def test_single_nudge_plans_one_chaser(make_interview: Make, library: PlaybookLibrary) -> None:
    steps = steps_of(make_interview(), library, playbook="single-nudge")
    live = [s for s in steps.values() if s.chaser and s.status is not StepStatus.CANCELLED]
    assert [s.kind for s in live] == ["status-check"]


def test_single_nudge_waits_for_a_reply_after_its_message(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    interview = make_interview(decision=date(2026, 11, 24))
    steps = steps_of(interview, library, playbook="single-nudge")
    live = [s for s in steps.values() if s.chaser and s.status is StepStatus.PLANNED]
    assert [s.kind for s in live] == ["decision-check-in"]
    assert "waiting for their reply" in steps["status-check"].status_reason


def test_a_delay_moves_the_check_in_after_the_new_date(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    told = datetime(2026, 12, 3, 11, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(decision=date(2026, 12, 4)),
        library,
        act(ActivityKind.DELAY, told, until=date(2026, 12, 9)),
    )  # a Wednesday
    assert steps["decision-check-in"].status is StepStatus.CANCELLED
    new = steps["decision-check-in.d2"]
    assert new.status is StepStatus.PLANNED
    assert new.start.date() == date(2026, 12, 10)
    for step in planned(steps).values():
        if step.chaser:
            assert step.start.date() > date(2026, 12, 9)


def test_decided_by_end_of_week_means_the_following_monday(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    told = datetime(2026, 11, 25, 11, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(), library, act(ActivityKind.DELAY, told, until=date(2026, 11, 27))
    )  # Friday
    check_in = steps["decision-check-in.d2"]
    assert check_in.start.date() == date(2026, 11, 30)
    assert check_in.start.weekday() == 0


def test_a_delay_after_a_reply_reopens_the_chase(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    reply = datetime(2026, 11, 25, 10, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(),
        library,
        act(ActivityKind.REPLY, reply, 1),
        act(ActivityKind.DELAY, reply + timedelta(hours=1), 2, until=date(2026, 12, 2)),
    )
    assert steps["decision-check-in.d2"].status is StepStatus.PLANNED
    assert steps["decision-check-in.d2"].start.date() == date(2026, 12, 3)


def test_no_networking_step_until_an_outcome(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(), library)
    assert not [s for s in steps.values() if s.channel is StepChannel.NETWORK]


def test_an_offer_closes_the_chase_and_adds_its_steps(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    offer_at = datetime(2026, 11, 30, 12, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(), library, act(ActivityKind.OUTCOME, offer_at, outcome=Outcome.OFFER)
    )
    assert steps["offer-thank-you"].status is StepStatus.PLANNED
    assert offer_at < steps["offer-thank-you"].start <= offer_at + timedelta(hours=24)
    assert steps["networking"].status is StepStatus.PLANNED
    assert steps["networking"].channel is StepChannel.NETWORK
    assert "keep-in-touch" not in steps
    for key in ("status-check", "call", "final-check-in"):
        assert steps[key].status is StepStatus.CANCELLED
        assert "closed" in steps[key].status_reason


def test_a_rejection_keeps_the_contact(make_interview: Make, library: PlaybookLibrary) -> None:
    at = datetime(2026, 11, 30, 12, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(), library, act(ActivityKind.OUTCOME, at, outcome=Outcome.REJECTED)
    )
    assert "offer-thank-you" not in steps
    assert steps["networking"].status is StepStatus.PLANNED
    assert steps["keep-in-touch"].start.date() >= at.date() + timedelta(weeks=12)


def test_a_changed_outcome_cancels_the_old_outcome_steps(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    at = datetime(2026, 11, 30, 12, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(),
        library,
        act(ActivityKind.OUTCOME, at, 1, outcome=Outcome.OFFER),
        act(ActivityKind.OUTCOME, at + timedelta(hours=2), 2, outcome=Outcome.WITHDRAWN),
    )
    assert steps["offer-thank-you"].status is StepStatus.CANCELLED
    assert steps["networking"].status is StepStatus.PLANNED


def test_corporate_stretches_the_waits(make_interview: Make, library: PlaybookLibrary) -> None:
    standard = steps_of(make_interview(), library)
    corporate = steps_of(make_interview(), library, playbook="corporate")
    for key in ("status-check", "call", "final-check-in"):
        assert corporate[key].start > standard[key].start
    chasers = sorted((s for s in corporate.values() if s.chaser), key=lambda s: s.start)
    for earlier, later in itertools.pairwise(chasers):
        assert (later.start.date() - earlier.start.date()).days >= 5


def test_call_first_makes_the_call_the_main_chaser(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    steps = steps_of(make_interview(), library, playbook="call-first")
    chasers = sorted((s for s in steps.values() if s.chaser), key=lambda s: s.start)
    assert chasers[0].kind == "call" and chasers[0].channel is StepChannel.PHONE
    assert "status-check" not in steps


# -- working days and hours --------------------------------------------------------------------


def test_business_days_skip_public_holidays() -> None:
    """Thanksgiving (Thursday 2026-11-26) is not a business day in the US."""
    from followthrough.core.model import Interview as Iv

    ny = ZoneInfo("America/New_York")
    end = datetime(2026, 11, 25, 15, 0, tzinfo=ny)  # Wednesday
    interview = Iv(
        id="us1",
        company="Initech",
        role="Analyst",
        interviewers=(Interviewer(name="Pat Lee", key="p1"),),
        start=end - timedelta(hours=1),
        end=end,
        tz="America/New_York",
    ).validated()
    library = PlaybookLibrary.load(_playbooks())
    us = Settings(country="US", subdivision="NY", timezone="America/New_York")
    nowhere = replace(us, country="", subdivision="")
    with_holidays = {s.key: s for s in plan(interview, [], us, library.get("standard"))}
    without = {s.key: s for s in plan(interview, [], nowhere, library.get("standard"))}
    # The call's window is 5-7 business days: its last day shows which days counted.
    assert with_holidays["call"].deadline.date() == date(2026, 12, 7)
    assert without["call"].deadline.date() == date(2026, 12, 4)
    for step in with_holidays.values():
        assert step.start.date() != date(2026, 11, 26)


def test_steps_fall_inside_working_hours(make_interview: Make, library: PlaybookLibrary) -> None:
    late_friday = datetime(2026, 11, 27, 16, 45, tzinfo=JHB)
    settings = replace(SETTINGS, work_start=time(10, 0), work_end=time(16, 0))
    steps = steps_of(make_interview(late_friday), library, settings=settings)
    thank_you = steps["thank-you.p1"]
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=JHB)
    assert monday <= thank_you.start <= monday + timedelta(hours=3)  # spread over the morning
    at_once = replace(settings, spread_steps=False)
    at_once_steps = steps_of(make_interview(late_friday), library, settings=at_once)
    assert at_once_steps["thank-you.p1"].start == monday
    cal = WorkCalendar(settings)
    for step in planned(steps).values():
        assert cal.in_working_hours(step.start, step.end), step.key


def test_steps_follow_the_users_zone_and_the_interviews(library: PlaybookLibrary) -> None:
    """An interview held in New York, followed up from Berlin: the thank-you goes when both
    work, Berlin's afternoon (until issue 15, Berlin's 09:00: 03:00 in New York)."""
    ny = ZoneInfo("America/New_York")
    end = datetime(2026, 11, 23, 14, 0, tzinfo=ny)  # 20:00 in Berlin
    interview = Interview(
        id="x",
        company="Globex",
        role="PM",
        interviewers=(Interviewer(name="Kim Park", key="p1"),),
        start=end - timedelta(hours=1),
        end=end,
        tz="America/New_York",
    )
    berlin = Settings(country="DE", subdivision="BE", timezone="Europe/Berlin")
    steps = {s.key: s for s in plan(interview.validated(), [], berlin, library.get("standard"))}
    start = steps["thank-you.p1"].start.astimezone(ZoneInfo("Europe/Berlin"))
    assert start.date() == date(2026, 11, 24)
    assert time(15, 0) <= start.time() <= time(16, 30)  # 09:00-10:30 in New York


# -- what the user did -------------------------------------------------------------------------


def test_a_step_done_by_hand_keeps_its_time(make_interview: Make, library: PlaybookLibrary) -> None:
    sent = datetime(2026, 11, 23, 21, 30, tzinfo=JHB)  # after hours: the user's choice
    steps = steps_of(
        make_interview(), library, act(ActivityKind.DONE, sent, step="thank-you.p1", how="email")
    )
    step = steps["thank-you.p1"]
    assert (step.status, step.start, step.manual) == (StepStatus.DONE, sent, True)


def test_the_next_chaser_counts_from_the_actual_send(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    late = datetime(2026, 11, 30, 14, 0, tzinfo=JHB)  # the status check went out on day 7
    on_time = steps_of(make_interview(), library)
    steps = steps_of(make_interview(), library, act(ActivityKind.DONE, late, step="status-check"))
    assert on_time["call"].start.date() < late.date() + timedelta(days=3)
    assert steps["call"].start.date() >= late.date() + timedelta(days=3)


def test_a_moved_step_keeps_its_time_and_pushes_the_next(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    to = datetime(2026, 12, 8, 11, 0, tzinfo=JHB)
    moved_at = datetime(2026, 11, 24, 8, 0, tzinfo=JHB)
    steps = steps_of(
        make_interview(), library, act(ActivityKind.MOVE, moved_at, step="call", to=to)
    )
    assert steps["call"].start == to and steps["call"].manual
    assert steps["second-follow-up"].start.date() >= to.date() + timedelta(days=7)


def test_skip_and_reopen(make_interview: Make, library: PlaybookLibrary) -> None:
    at = datetime(2026, 11, 24, 8, 0, tzinfo=JHB)
    skipped = steps_of(make_interview(), library, act(ActivityKind.SKIP, at, 1, step="note"))
    assert skipped["note"].status is StepStatus.SKIPPED
    reopened = steps_of(
        make_interview(),
        library,
        act(ActivityKind.SKIP, at, 1, step="note"),
        act(ActivityKind.REOPEN, at + timedelta(minutes=1), 2, step="note"),
    )
    assert reopened["note"].status is StepStatus.PLANNED


@pytest.mark.parametrize("playbook", ["standard", "single-nudge", "call-first", "corporate"])
def test_replanning_twice_changes_nothing(
    make_interview: Make, library: PlaybookLibrary, playbook: str
) -> None:
    at = datetime(2026, 11, 26, 10, 0, tzinfo=JHB)
    history = [
        act(ActivityKind.DONE, at, 1, step="thank-you.p1"),
        act(ActivityKind.DELAY, at + timedelta(days=2), 2, until=date(2026, 12, 11)),
    ]
    interview = make_interview(people=2, decision=date(2026, 12, 1))
    first = plan(interview, history, SETTINGS, library.get(playbook))
    second = plan(interview, list(reversed(history)), SETTINGS, library.get(playbook))
    assert first == second


def _playbooks() -> object:
    from followthrough.resources import resource_path

    return resource_path("playbooks")


def test_the_final_check_in_comes_last_even_when_its_window_opens_first(
    library: PlaybookLibrary,
) -> None:
    """Thanksgiving pushes the call late, so the final check-in's window opens before the second
    follow-up's; the final check-in still comes after it."""
    ny = ZoneInfo("America/New_York")
    end = datetime(2026, 11, 20, 15, 0, tzinfo=ny)  # Friday before Thanksgiving week
    interview = Interview(id="us2", company="Initech", role="Analyst",
                          interviewers=(Interviewer(name="Pat Lee", key="p1"),),
                          start=end - timedelta(hours=1), end=end, tz="America/New_York")
    us = Settings(country="US", subdivision="NY", timezone="America/New_York")
    steps = {s.key: s for s in plan(interview.validated(), [], us, library.get("standard"))}
    order = [s.kind for s in sorted(steps.values(), key=lambda s: s.start) if s.chaser]
    assert order == ["status-check", "call", "second-follow-up", "final-check-in"]


def test_planned_chasers_keep_the_gap_from_steps_the_user_placed(
    make_interview: Make, library: PlaybookLibrary
) -> None:
    sent = datetime(2026, 11, 30, 16, 0, tzinfo=JHB)
    moved_to = datetime(2026, 12, 9, 13, 15, tzinfo=JHB)
    steps = steps_of(
        make_interview(), library,
        act(ActivityKind.DONE, sent, 1, step="status-check"),
        act(ActivityKind.MOVE, sent, 2, step="final-check-in", to=moved_to),
    )
    second = steps["second-follow-up"]
    assert second.status is StepStatus.PLANNED
    assert abs((second.start.date() - moved_to.date()).days) >= 3
    assert steps["final-check-in"].start == moved_to


def test_a_decision_date_is_a_day_where_the_employer_is(library: PlaybookLibrary) -> None:
    """Decided "by 1 December" in Los Angeles is still 1 December there when Tokyo's 2nd begins."""
    la = ZoneInfo("America/Los_Angeles")
    end = datetime(2026, 11, 23, 14, 0, tzinfo=la)
    interview = Interview(id="la", company="Initech", role="PM",
                          interviewers=(Interviewer(name="Pat Lee", key="p1"),),
                          start=end - timedelta(hours=1), end=end, tz="America/Los_Angeles",
                          decision_date=date(2026, 12, 1)).validated()
    tokyo = Settings(country="JP", timezone="Asia/Tokyo")
    steps = {s.key: s for s in plan(interview, [], tokyo, library.get("standard"))}
    check_in = steps["decision-check-in"].start
    assert check_in > datetime(2026, 12, 2, 0, 0, tzinfo=la)  # after the 1st ends in LA
    assert check_in.astimezone(ZoneInfo("Asia/Tokyo")).date() == date(2026, 12, 3)

"""Properties of the planner that hold for any interview, user, playbook and history.

Hypothesis draws interviews between 2020 and 2045 in zones with and without daylight saving
(both hemispheres, half- and quarter-hour offsets), users in other zones with their own working
hours and public holidays, every built-in playbook and pace, and histories made of the
interview's own step keys. Each test states one rule of domain.md §2 and checks it on the plan.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from followthrough.core.cadence import DECISION_KEY, plan
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
    local_datetime,
)
from followthrough.core.playbooks import Playbook, PlaybookLibrary
from followthrough.core.settings import Settings
from followthrough.core.workdays import WorkCalendar
from followthrough.resources import resource_path

LIBRARY = PlaybookLibrary.load(resource_path("playbooks"))
BOOK_IDS = ("standard", "single-nudge", "corporate", "call-first")
UTC = ZoneInfo("UTC")

ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",  # no DST
    "Australia/Sydney",  # southern hemisphere DST
    "America/Santiago",  # southern hemisphere DST, changes at midnight
    "Africa/Johannesburg",  # southern hemisphere, no DST
    "Asia/Kolkata",  # +05:30
    "Australia/Adelaide",  # +09:30 / +10:30
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Kathmandu",  # +05:45
    "Pacific/Auckland",  # far east of UTC, DST
    "Pacific/Honolulu",  # far west of UTC
)
REGIONS = {
    "": ("",),
    "US": ("", "CA", "NY"),
    "ZA": ("",),
    "DE": ("", "BY", "BE"),
    "GB": ("", "SCT", "NIR"),
    "FR": ("", "57"),
}
WORK_HOURS = (
    (time(8, 0), time(16, 0)),
    (time(9, 0), time(17, 0)),
    (time(10, 0), time(18, 30)),
    (time(7, 30), time(12, 0)),  # a short morning: long steps barely fit
)
MINUTES_IN_60_DAYS = 60 * 24 * 60
FINISHED = (StepStatus.PLANNED, StepStatus.DONE)  # sent or still to send


@dataclass(frozen=True)
class Case:
    """One drawn input to plan()."""

    interview: Interview
    activities: tuple[Activity, ...]
    settings: Settings
    book: Playbook

    def __repr__(self) -> str:
        acts = ",\n    ".join(repr(a) for a in self.activities)
        return (
            f"Case(book={self.book.id!r},\n  interview={self.interview!r},\n"
            f"  settings={self.settings!r},\n  activities=[\n    {acts}])"
        )

    def plan(self, activities: Iterable[Activity] | None = None) -> list[Step]:
        acts = list(self.activities if activities is None else activities)
        return plan(self.interview, acts, self.settings, self.book)

    @property
    def user_tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.user_tz).date()

    def ordered(self) -> list[Activity]:
        return sorted(self.activities, key=lambda a: (a.at, a.seq))

    def last_contact(self) -> Activity | None:
        contacts = [a for a in self.ordered() if a.kind in (ActivityKind.REPLY, ActivityKind.DELAY)]
        return contacts[-1] if contacts else None

    def stated_decision_date(self) -> date | None:
        """The latest DELAY's new date, else the date given at the interview."""
        delays = [a for a in self.ordered() if a.kind is ActivityKind.DELAY and a.until]
        return delays[-1].until if delays else self.interview.decision_date

    def current_decision_key(self) -> str | None:
        delays = [a for a in self.ordered() if a.kind is ActivityKind.DELAY and a.until]
        if delays:
            return f"{DECISION_KEY}.d{len(delays) + 1}"
        return DECISION_KEY if self.interview.decision_date is not None else None

    def finished(self) -> dict[str, Activity]:
        """Step key -> its latest DONE or SKIP, unless a later REOPEN undid it."""
        result: dict[str, Activity] = {}
        for act in self.ordered():
            if act.kind in (ActivityKind.DONE, ActivityKind.SKIP):
                result[act.step] = act
            elif act.kind is ActivityKind.REOPEN:
                result.pop(act.step, None)
        return result

    def moves(self) -> dict[str, Activity]:
        return {a.step: a for a in self.ordered() if a.kind is ActivityKind.MOVE}


def step_keys(interview: Interview, book: Playbook) -> list[str]:
    """Every key a step of this interview may have under this playbook."""
    keys: list[str] = []
    for rule in book.steps:
        if rule.per_interviewer:
            keys += [f"{rule.key}.{p.key}" for p in interview.interviewers]
        elif rule.after == "decision":
            keys += [rule.key, *(f"{rule.key}.d{n}" for n in range(2, 5))]
        else:
            keys.append(rule.key)
    keys += [rule.key for rule in book.outcome_steps]
    return keys


@st.composite
def interviews(
    draw: st.DrawFn, *, tz_name: str, closes: time, decision: bool | None = None
) -> Interview:
    """An interview in `tz_name`; it often ends in the hours before `closes` (the user's end of
    work), where a thank-you two hours later barely fits the working day."""
    tz = ZoneInfo(tz_name)
    day = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2045, 12, 31)))
    before_close = closes.hour * 60 + closes.minute - draw(st.sampled_from(range(0, 4 * 60, 5)))
    minute = draw(
        st.integers(0, 24 * 60 - 1)
        | st.sampled_from(range(6 * 60, 21 * 60, 15))
        | st.just(before_close)
    )
    end = local_datetime(day, minute // 60, minute % 60, tz)
    start = (end.astimezone(UTC) - timedelta(minutes=draw(st.integers(15, 240)))).astimezone(tz)
    people = tuple(
        Interviewer(
            name=f"Person {n}",
            email=draw(st.sampled_from((f"p{n}@acme.example", ""))),
            phone=draw(st.sampled_from(("", "+27 11 555 0100"))),
            key=f"p{n}",
        )
        for n in range(1, draw(st.integers(1, 3)) + 1)
    )
    has_date = draw(st.booleans()) if decision is None else decision
    decision_date = end.date() + timedelta(days=draw(st.integers(0, 40))) if has_date else None
    return Interview(
        id=draw(st.text("0123456789abcdef", min_size=12, max_size=12)),
        company="Acme",
        role="Engineer",
        interviewers=people,
        start=start,
        end=end,
        tz=tz.key,
        channel=draw(st.sampled_from(Channel)),
        decision_date=decision_date,
        pace=draw(st.sampled_from(Pace)),
        round=draw(st.integers(1, 3)),
        # The employer's country: from the zone, or named (holidays other than the zone's).
        country=draw(st.sampled_from(("", "", "US", "DE", "JP", "ZA"))),
    ).validated()


@st.composite
def user_settings(draw: st.DrawFn, *, book: str, home: str) -> Settings:
    """A user working in `home` (the interview's zone) or in another zone."""
    country = draw(st.sampled_from(sorted(REGIONS)))
    work_start, work_end = draw(st.sampled_from(WORK_HOURS))
    their_start, their_end = draw(st.sampled_from(((time(9, 0), time(17, 0)), *WORK_HOURS)))
    return Settings(
        country=country,
        subdivision=draw(st.sampled_from(REGIONS[country])),
        timezone=draw(st.just(home) | st.sampled_from(ZONES)),
        work_start=work_start,
        work_end=work_end,
        recipient_start=their_start,
        recipient_end=their_end,
        spread_steps=draw(st.booleans()),
        playbook=book,
        optional_steps=draw(st.booleans()),
    ).validated()


@st.composite
def histories(
    draw: st.DrawFn,
    interview: Interview,
    book: Playbook,
    user: Settings,
    *,
    kinds: tuple[ActivityKind, ...] = tuple(ActivityKind),
    size: int = 8,
) -> tuple[Activity, ...]:
    """Up to `size` activities on the interview's own step keys, some at equal times."""
    if not kinds:
        return ()
    keys = step_keys(interview, book)
    tz = ZoneInfo(interview.tz)
    end = interview.end.astimezone(UTC)
    home = ZoneInfo(user.timezone)
    first_day = end.astimezone(home).date()

    def moment() -> datetime:
        """Any minute in the next 60 days, or at the edges of a working day (chasers fall at its
        start; something that happens just before its end moves the next step to a new day)."""
        where = draw(st.sampled_from(("any", "opens", "closes")))
        if where == "any":
            return end + timedelta(minutes=draw(st.integers(0, MINUTES_IN_60_DAYS)))
        day = first_day + timedelta(days=draw(st.integers(0, 60)))
        clock = user.work_start if where == "opens" else user.work_end
        edge = local_datetime(day, clock.hour, clock.minute, home).astimezone(UTC)
        if where == "closes":
            edge -= timedelta(minutes=draw(st.sampled_from(range(0, 60, 5))))
        return max(end, edge)

    count = draw(st.integers(0, size))
    seqs = draw(st.permutations(range(count)))  # unique: (at, seq) orders them totally
    times: list[datetime] = []
    used: list[str] = []  # keys acted on: a reopen or a second move hits one of them
    acts: list[Activity] = []

    def key() -> str:
        pool = used if used and draw(st.booleans()) else keys
        pick = draw(st.sampled_from(pool))
        used.append(pick)
        return pick

    for seq in seqs:
        # Sometimes at the same time as an earlier one: the tie is broken by seq.
        at = draw(st.sampled_from(times)) if times and draw(st.booleans()) else moment()
        times.append(at)
        at = at.astimezone(tz)
        kind = draw(st.sampled_from(kinds))
        if kind is ActivityKind.DELAY:
            until = at.date() + timedelta(days=draw(st.integers(0, 40)))
            acts.append(Activity(kind, at, until=until, seq=seq))
        elif kind is ActivityKind.OUTCOME:
            acts.append(Activity(kind, at, outcome=draw(st.sampled_from(Outcome)), seq=seq))
        elif kind is ActivityKind.MOVE:
            acts.append(Activity(kind, at, step=key(), to=moment(), seq=seq))
        elif kind is ActivityKind.REPLY:
            acts.append(Activity(kind, at, seq=seq))
        else:
            how = "email" if kind is ActivityKind.DONE else ""
            acts.append(Activity(kind, at, step=key(), how=how, seq=seq))
    return tuple(acts)


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    books: tuple[str, ...] = BOOK_IDS,
    decision: bool | None = None,
    kinds: tuple[ActivityKind, ...] = tuple(ActivityKind),
    last: ActivityKind | None = None,
) -> Case:
    """A full input; `last` appends one activity of that kind after all the others."""
    book = LIBRARY.get(draw(st.sampled_from(books)))
    home = draw(st.sampled_from(ZONES))
    user = draw(user_settings(book=book.id, home=home))
    interview = draw(interviews(tz_name=home, closes=user.work_end, decision=decision))
    acts = draw(histories(interview, book, user, kinds=kinds))
    if last is not None:
        latest = max([interview.end, *(a.at for a in acts)])
        at = latest + timedelta(minutes=draw(st.integers(0, 14 * 24 * 60)))
        if last is ActivityKind.OUTCOME:
            extra = Activity(last, at, outcome=draw(st.sampled_from(Outcome)), seq=len(acts))
        else:
            extra = Activity(last, at, seq=len(acts))
        acts = (*acts, extra)
    return Case(interview, acts, user, book)


@cache
def public_holidays(country: str, subdivision: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None)


def chasers(steps: list[Step], statuses: tuple[StepStatus, ...] = FINISHED) -> list[Step]:
    return sorted(
        (s for s in steps if s.chaser and s.status in statuses), key=lambda s: (s.start, s.key)
    )


def same_instant(a: datetime, b: datetime | None) -> bool:
    """Equal instants; `==` between zones is False for a wall time in a fold (PEP 495)."""
    return b is not None and a.astimezone(UTC) == b.astimezone(UTC)


def base_key(key: str) -> str:
    """The playbook rule's key of a step key (thank-you.p2 -> thank-you)."""
    return key.split(".")[0]


def their_workday(case: Case, day: date) -> bool:
    """A working day where the employer is: a weekday, not a public holiday of its country."""
    country = case.interview.employer_country
    if day.weekday() >= 5 or not country:
        return day.weekday() < 5
    try:
        return day not in public_holidays(country, "")
    except NotImplementedError:  # a country the holidays package does not know: none
        return True


def their_windows(case: Case, day: date) -> list[tuple[datetime, datetime, date]]:
    """The recipients' working hours (opens, closes, their date) on their days around `day`."""
    tz, user = ZoneInfo(case.interview.tz), case.settings
    return [
        (
            local_datetime(their, user.recipient_start.hour, user.recipient_start.minute, tz),
            local_datetime(their, user.recipient_end.hour, user.recipient_end.minute, tz),
            their,
        )
        for their in (day - timedelta(days=1), day, day + timedelta(days=1))
    ]


def hours_overlap(case: Case, day: date) -> timedelta:
    """How long the user's working hours on `day` and the recipients' run together, on the
    clock alone (whether either works that day aside)."""
    user = case.settings
    opens = local_datetime(day, user.work_start.hour, user.work_start.minute, case.user_tz)
    closes = local_datetime(day, user.work_end.hour, user.work_end.minute, case.user_tz)
    return max(min(closes, c) - max(opens, o) for o, c, _their in their_windows(case, day))


def hours_apart(case: Case, step: Step) -> bool:
    """A step to a person (not a letter) on a day when the user's hours and theirs meet for
    less than an hour (or than the step lasts): it keeps to their hours only."""
    if step.channel is StepChannel.LETTER:
        return False
    needed = max(timedelta(hours=1), step.end - step.start)
    return hours_overlap(case, case.local_date(step.start)) < needed


# About 1.5 s per property on one core; the whole file stays well under a minute.
PROPERTY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _decision_today_case() -> Case:
    """Interview ends 19:01 UTC on 1 Jan, decision the same day; the user lives in Auckland.

    Found by these tests: the check-in fell at 08:00 on 2 Jan in Auckland, a minute before the
    interview ended, and was then cancelled as "due before the employer's last message".
    """
    utc = ZoneInfo("UTC")
    interview = Interview(
        id="iv1",
        company="Acme",
        role="Engineer",
        interviewers=(Interviewer("Ana Diaz", "ana@acme.example"),),
        start=datetime(2020, 1, 1, 18, 0, tzinfo=utc),
        end=datetime(2020, 1, 1, 19, 1, tzinfo=utc),
        tz="UTC",
        decision_date=date(2020, 1, 1),
    ).validated()
    user = Settings(timezone="Pacific/Auckland", work_start=time(8, 0), work_end=time(16, 0))
    return Case(interview, (), user, LIBRARY.get("standard"))


# -- 1-2: when steps fall --------------------------------------------------------------------


@PROPERTY
@given(cases())
@example(case=_decision_today_case())
def test_no_step_starts_before_the_interview_ends(case: Case) -> None:
    for step in case.plan():
        if not step.manual:  # whatever its status: a cancelled step keeps the time it had
            assert step.start >= case.interview.end, step


@PROPERTY
@given(cases())
def test_planned_steps_fall_in_working_hours_on_working_days(case: Case) -> None:
    cal = WorkCalendar(case.settings)
    user = case.settings
    for step in case.plan():
        if step.status is not StepStatus.PLANNED or step.manual or hours_apart(case, step):
            continue  # apart: test_properties_recipients checks it keeps to their hours
        assert cal.in_working_hours(step.start, step.end), step
        start = step.start.astimezone(case.user_tz)
        end = step.end.astimezone(case.user_tz)
        assert start.weekday() < 5, (start, step)
        if user.country:
            assert start.date() not in public_holidays(user.country, user.subdivision), (
                start,
                public_holidays(user.country, user.subdivision).get(start.date()),
                step,
            )
        assert end.date() == start.date(), step
        assert start.time() >= user.work_start, (start, step)
        assert end.time() <= user.work_end, (end, step)


# -- 3-6: the chasers ------------------------------------------------------------------------


@PROPERTY
@given(cases(decision=True))
def test_no_chaser_before_the_stated_decision_date(case: Case) -> None:
    stated = case.stated_decision_date()
    assert stated is not None
    steps = case.plan()
    keys = {s.key for s in steps}
    current = case.current_decision_key()
    assert current in keys, (current, sorted(keys))
    for step in chasers(steps, (StepStatus.PLANNED,)):
        if step.manual:
            continue  # the user's time is theirs
        what = "decision check-in" if step.key == current else "chaser"
        assert case.local_date(step.start) > stated, (what, stated, step)


@PROPERTY
@given(cases(decision=True, kinds=()))
@example(case=_decision_today_case())
def test_a_stated_decision_date_gets_its_check_in(case: Case) -> None:
    stated = case.interview.decision_date
    assert stated is not None
    check_in = {s.key: s for s in case.plan()}[DECISION_KEY]
    assert check_in.status is StepStatus.PLANNED, check_in
    assert check_in.start >= case.interview.end, check_in
    assert case.local_date(check_in.start) > stated, check_in


def _moved_call_tie_case() -> Case:
    """Found by this test: the status check kept its slot on the very time the call was moved to."""
    utc = ZoneInfo("UTC")
    interview = Interview(
        id="iv1",
        company="Acme",
        role="Engineer",
        interviewers=(Interviewer("Ana Diaz", "ana@acme.example"),),
        start=datetime(2020, 1, 1, 15, 32, tzinfo=utc),
        end=datetime(2020, 1, 1, 15, 47, tzinfo=utc),
        tz="UTC",
        pace=Pace.FAST,
    ).validated()
    end = interview.end
    acts = (
        Activity(ActivityKind.REPLY, end, seq=1),
        Activity(ActivityKind.DELAY, end, until=date(2020, 1, 1), seq=2),
        Activity(
            ActivityKind.MOVE, end, step="call", to=datetime(2020, 1, 8, 8, 0, tzinfo=utc), seq=3
        ),
    )
    user = Settings(timezone="UTC", work_start=time(8, 0), work_end=time(16, 0))
    return Case(interview, acts, user, LIBRARY.get("corporate"))


@PROPERTY
@given(cases())
@example(case=_moved_call_tie_case())
def test_chasers_are_kept_the_minimum_gap_apart(case: Case) -> None:
    gap = case.book.gap(case.interview.pace)
    assert gap.unit in ("d", "w", "h", "m"), f"no rule here for a gap in {gap.unit}"
    sent_or_planned = chasers(case.plan())
    for earlier, later in itertools.pairwise(sent_or_planned):
        # The later one is the planner's to place. (Also when only the earlier one is: a
        # planned chaser must not sit just before one the user sent or moved either.)
        if not any(s.status is StepStatus.PLANNED and not s.manual for s in (earlier, later)):
            continue
        if gap.is_days:
            days = (case.local_date(later.start) - case.local_date(earlier.start)).days
            assert days >= gap.days, (str(gap), earlier, later)
        else:
            assert later.start - earlier.start >= gap.as_timedelta(), (str(gap), earlier, later)


@PROPERTY
@given(cases(last=ActivityKind.REPLY) | cases())
def test_no_chaser_is_planned_after_a_reply(case: Case) -> None:
    contact = case.last_contact()
    planned = chasers(case.plan(), (StepStatus.PLANNED,))
    if contact is not None and contact.kind is ActivityKind.REPLY:
        assert planned == [], contact


_NO_REPLY = tuple(k for k in ActivityKind if k is not ActivityKind.REPLY)


@PROPERTY
@given(cases(books=("single-nudge",), kinds=_NO_REPLY))
def test_single_nudge_sends_one_message_until_they_reply(case: Case) -> None:
    assert case.book.max_unanswered == 1
    steps = case.plan()
    contact = case.last_contact()  # a DELAY is news too: it starts a new count
    since = contact.at if contact is not None else case.interview.end
    planned = chasers(steps, (StepStatus.PLANNED,))
    sent = [s for s in chasers(steps, (StepStatus.DONE,)) if s.start >= since]
    assert len(planned) <= 1, planned
    # What the user sent is a fact; the planner only must not add a message on top of it.
    assert not (planned and sent), (sent, planned)


def test_single_nudge_a_later_message_cancels_a_moved_one() -> None:
    """Found by the property above: the moved check-in stayed planned next to the sent one."""
    jhb = ZoneInfo("Africa/Johannesburg")
    interview = Interview(
        id="iv1",
        company="Acme",
        role="Engineer",
        interviewers=(Interviewer("Ana Diaz", "ana@acme.example"),),
        start=datetime(2026, 11, 23, 14, 0, tzinfo=jhb),
        end=datetime(2026, 11, 23, 15, 0, tzinfo=jhb),
        tz=jhb.key,
    ).validated()
    acts = (
        # They announce a decision by Friday 4 Dec; the user moves the check-in to Tue 1 Dec,
        # then on Wed 2 Dec sends the status check instead.
        Activity(
            ActivityKind.DELAY,
            datetime(2026, 11, 24, 10, 0, tzinfo=jhb),
            until=date(2026, 12, 4),
            seq=1,
        ),
        Activity(
            ActivityKind.MOVE,
            datetime(2026, 11, 24, 10, 5, tzinfo=jhb),
            step=f"{DECISION_KEY}.d2",
            to=datetime(2026, 12, 1, 9, 0, tzinfo=jhb),
            seq=2,
        ),
        Activity(
            ActivityKind.DONE, datetime(2026, 12, 2, 9, 0, tzinfo=jhb), step="status-check", seq=3
        ),
    )
    user = Settings(country="ZA", timezone=jhb.key)
    steps = plan(interview, list(acts), user, LIBRARY.get("single-nudge"))
    assert [s.key for s in chasers(steps)] == ["status-check"], chasers(steps)


# -- 7: purity ---------------------------------------------------------------------------------


@PROPERTY
@given(cases(), st.randoms(use_true_random=False))
def test_plan_is_a_pure_function_of_its_inputs(case: Case, rnd: random.Random) -> None:
    first = case.plan()
    assert case.plan() == first
    shuffled = list(case.activities)
    rnd.shuffle(shuffled)
    assert case.plan(shuffled) == first
    shared = WorkCalendar(case.settings)
    assert plan(case.interview, list(case.activities), case.settings, case.book, shared) == first
    assert plan(case.interview, list(case.activities), case.settings, case.book, shared) == first


# -- 8: outcomes ---------------------------------------------------------------------------------


@PROPERTY
@given(cases(last=ActivityKind.OUTCOME) | cases())
def test_networking_only_after_an_outcome_which_closes_the_process(case: Case) -> None:
    steps = case.plan()
    outcomes = [a for a in case.activities if a.kind is ActivityKind.OUTCOME]
    networking = [s for s in steps if s.kind == "networking"]
    assert bool(networking) == bool(outcomes), (outcomes, networking)
    if outcomes:
        pre_outcome = {rule.key for rule in case.book.steps}
        for step in steps:
            if base_key(step.key) in pre_outcome:
                assert step.status is not StepStatus.PLANNED, step


# -- 9: the user's own facts -------------------------------------------------------------------


@PROPERTY
@given(cases())
def test_done_and_moved_steps_keep_the_users_time(case: Case) -> None:
    steps = {s.key: s for s in case.plan()}
    finished = case.finished()
    for key, move in case.moves().items():
        if key in steps and key not in finished:
            assert steps[key].manual, steps[key]
            assert same_instant(steps[key].start, move.to), (move, steps[key])
    for key, fact in finished.items():
        if key not in steps:
            continue
        step = steps[key]
        if fact.kind is ActivityKind.DONE:
            assert step.status is StepStatus.DONE, (fact, step)
            assert step.manual, step
            assert same_instant(step.start, fact.at), (fact, step)
        else:
            assert step.status is StepStatus.SKIPPED, (fact, step)
    for step in steps.values():
        if step.status in (StepStatus.DONE, StepStatus.SKIPPED):
            assert step.key in finished, step


# -- 10-11: identity and "one call is enough" ------------------------------------------------

_ID_RE = re.compile(r"^[A-Za-z0-9.@-]+$")


@PROPERTY
@given(cases())
def test_step_ids_are_unique_and_safe(case: Case) -> None:
    steps = case.plan()
    ids = [s.id for s in steps]
    assert len(set(ids)) == len(ids), ids
    for ident in ids:
        assert _ID_RE.match(ident), ident
    assert len({s.key for s in steps}) == len(steps)


@PROPERTY
@given(cases(books=tuple(b for b in BOOK_IDS if LIBRARY.get(b).rule("call"))))
def test_exactly_one_call(case: Case) -> None:
    calls = [s for s in case.plan() if s.kind == "call"]
    assert len(calls) == 1, calls

"""The planner: an interview and what has happened since -> its dated follow-up steps.

`plan()` is a pure function. Every step the playbook (and the history) calls for appears in
the result with a status; a step that is no longer wanted is `cancelled` with the reason, so
calendars that already show it can be told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Final
from zoneinfo import ZoneInfo

from followthrough.core.model import (
    BROUGHT_BACK,
    Activity,
    ActivityKind,
    Interview,
    Interviewer,
    Outcome,
    Step,
    StepChannel,
    StepStatus,
    cancelled_sentence,
    employer_cancellation,
)
from followthrough.core.playbooks import Offset, Playbook, StepRule
from followthrough.core.settings import Settings
from followthrough.core.shown_dates import day as shown_day
from followthrough.core.spacing import Spacing
from followthrough.core.timing import (
    at_offset,
    built,
    cancelled,
    channel_for,
    decision_anchor,
    in_time_order,
    recipient,
    shown_at,
    step_title,
    why_then,
)
from followthrough.core.workdays import WorkCalendar

DECISION_KEY = "decision-check-in"
# The employer's news: after it, a step the user brought back follows the rules again.
_NEWS = (ActivityKind.REPLY, ActivityKind.DELAY, ActivityKind.OUTCOME, ActivityKind.CANCELLED)
# Asked for at each step: compiled (mypyc), a Final name is a C variable, where an enum's
# member is an attribute looked up on its class each time.
_PLANNED: Final = StepStatus.PLANNED
_DONE: Final = StepStatus.DONE
_LIVE: Final = (StepStatus.PLANNED, StepStatus.DONE)  # sent or still planned
_DONE_KIND: Final = ActivityKind.DONE
_OUTCOME_NAMES = {
    Outcome.OFFER: "the offer",
    Outcome.REJECTED: "the rejection",
    Outcome.WITHDRAWN: "the withdrawal",
}


@dataclass
class _History:
    """The activities of one interview, digested for the planner."""

    finished: dict[str, Activity]  # step key -> its latest done or skip (reopen removes it)
    moved: dict[str, Activity]  # step key -> its latest move
    contacts: list[Activity]  # replies and delays, in order
    outcomes: list[Activity]  # in order
    # step key -> the user's bringing it back (BROUGHT_BACK) since the employer's last news
    revived: dict[str, Activity]

    @classmethod
    def of(
        cls, activities: list[Activity] | tuple[Activity, ...], not_before: datetime
    ) -> _History:
        """`not_before`: the interview's end; a move to before it is not the user's to make
        (an unanswered call logged before it was due once wrote some): it is left out."""
        history = cls({}, {}, [], [], {})
        for act in sorted(activities, key=lambda a: (a.at, a.seq)):
            if act.kind in (ActivityKind.DONE, ActivityKind.SKIP):
                history.finished[act.step] = act
            elif act.kind is ActivityKind.REOPEN:
                history.finished.pop(act.step, None)
                if act.step and act.how == BROUGHT_BACK:
                    history.revived[act.step] = act
            elif act.kind is ActivityKind.MOVE:
                if act.to is None or act.to >= not_before:
                    history.moved[act.step] = act
            elif act.kind in (ActivityKind.REPLY, ActivityKind.DELAY):
                history.contacts.append(act)
            elif act.kind is ActivityKind.OUTCOME:
                history.outcomes.append(act)
            if act.kind in _NEWS:  # what the employer said is weighed again
                history.revived.clear()
        return history

    @property
    def last_contact(self) -> Activity | None:
        return self.contacts[-1] if self.contacts else None

    @property
    def outcome(self) -> Activity | None:
        return self.outcomes[-1] if self.outcomes else None

    def delays(self) -> list[Activity]:
        return [a for a in self.contacts if a.kind is ActivityKind.DELAY]


class _Planner:
    def __init__(
        self,
        interview: Interview,
        activities: list[Activity] | tuple[Activity, ...],
        settings: Settings,
        playbook: Playbook,
        cal: WorkCalendar | None,
    ) -> None:
        self.iv = interview
        self.primary = interview.primary  # a property: asked for each step
        self.history = _History.of(activities, interview.end)
        self.cancelled = employer_cancellation(activities)
        self.settings = settings
        self.book = playbook
        self.cal = cal or WorkCalendar(settings)
        self.steps: dict[str, Step] = {}
        self.end = interview.end.astimezone(self.cal.tz)
        self.employer = ZoneInfo(interview.tz)  # a stated date is a day where the employer is
        self.fixed = self.fixed_times()
        self.spacing = Spacing(interview, self.cal, settings.spread_steps, self.fixed)
        self._after_end: dict[tuple[int, str, bool], datetime] = {}  # see after_end
        # (rule, step key, decision day) -> its nominal time: asked again for each chaser
        self._nominal: dict[tuple[int, str, date | None], datetime] = {}
        self._to: dict[tuple[StepChannel, str], str] = {}  # see recipient

    # -- building blocks ------------------------------------------------------------------
    def after_end(self, offset: Offset, *, latest: bool) -> datetime:
        """_at_offset from the interview's end: the same few offsets are asked for again and
        again (by each interviewer's step, by the chasers and their order)."""
        asked = (offset.amount, offset.unit, latest)
        found = self._after_end.get(asked)
        if found is None:
            found = self._after_end[asked] = at_offset(self.end, offset, self.cal, latest=latest)
        return found

    def make(
        self,
        rule: StepRule,
        key: str,
        person: Interviewer,
        earliest_at: datetime,
        deadline: datetime,
        why: str,
    ) -> Step:
        """A step planned at the first working slot after `earliest_at`, then the user's facts."""
        duration = rule.duration.as_timedelta()
        channel = channel_for(rule, person, self.iv)
        status = _PLANNED
        manual = False
        status_reason = ""
        done_how = ""
        gone = False
        move = self.history.moved.get(key)
        fact = self.history.finished.get(key)
        if (move is not None and move.to is not None) or (
            fact is not None and fact.kind is _DONE_KIND
        ):
            start, timed_why = earliest_at, why  # the user's time replaces it below
        else:
            placed = self.spacing.place(key, person, channel, duration, earliest_at)
            start, timed_why = placed.start, self.spacing.explain(why, placed)
        if move is not None and move.to is not None:
            start = move.to.astimezone(self.cal.tz)
            manual = True
            why = f"You moved it to {shown_at(start, self.cal)}. {why}"
        else:
            why = timed_why
        if fact is not None:
            if fact.kind is _DONE_KIND:
                status = _DONE
                start = fact.at.astimezone(self.cal.tz)
                manual = True
                done_how = fact.how
                status_reason = f"Done {shown_at(start, self.cal)}" + (
                    f" ({fact.how})." if fact.how else "."
                )
            else:
                status = StepStatus.SKIPPED
                if fact.to is not None:  # where it stood when skipped, on whichever computer
                    start = fact.to.astimezone(self.cal.tz)
                if fact.is_calendar_deletion():
                    gone = True
                    status_reason = f"Deleted in the calendar on {shown_at(fact.at, self.cal)}."
                else:
                    status_reason = f"You skipped it on {shown_at(fact.at, self.cal)}."
        end = start + duration
        return built(
            {
                "id": f"{self.iv.id}.{key}",
                "interview_id": self.iv.id,
                "key": key,
                "kind": rule.kind,
                "title": step_title(rule, person, self.iv),
                "channel": channel,
                "to": self.recipient(channel, person),
                "start": start,
                "end": end,
                "deadline": max(deadline, end),
                "status": status,
                "chaser": rule.chaser,
                "optional": rule.optional,
                "manual": manual,
                "why": why,
                "status_reason": status_reason,
                "done_how": done_how,
                "deleted_in_calendar": gone,
            }
        )

    def recipient(self, channel: StepChannel, person: Interviewer) -> str:
        """timing.recipient, once per channel and person (Interviewer.address is slow)."""
        asked = (channel, person.key)
        found = self._to.get(asked)
        if found is None:
            found = self._to[asked] = recipient(channel, person)
        return found

    def keep(self, step: Step) -> None:
        """Add `step` to the plan; sent or planned, it takes its day and minute."""
        self.steps[step.key] = step
        live = step.status in _LIVE
        self.spacing.hold(step.key, step.start if live else None)

    def after_thanks(self) -> datetime | None:
        """Two of the user's business days after the last thank-you, sent or planned."""
        thanks = [
            s.start
            for s in self.steps.values()
            if s.kind == "thank-you" and s.status in _LIVE
        ]
        if not thanks:
            return None
        day = max(thanks).astimezone(self.cal.tz).date()
        return self.cal.day_start(self.cal.add_business_days(day, 2))

    def wanted(self, rule: StepRule, key: str) -> bool:
        """Optional steps appear only when the user wants them, or already acted on them."""
        return not rule.optional or self.settings.optional_steps or key in self.history.finished

    def cancel(self, step: Step, reason: str) -> Step:
        """The step cancelled for `reason`, unless it is not planned or the user brought it
        back since the employer's last news (their word then is the last)."""
        if step.status is not _PLANNED or step.key in self.history.revived:
            return step
        return cancelled(step, reason)

    # -- the plan -------------------------------------------------------------------------
    def run(self) -> list[Step]:
        pace = self.iv.pace
        for rule in self.book.steps:
            if rule.chaser:
                continue
            people = self.iv.interviewers if rule.per_interviewer else (self.primary,)
            for person in people:
                key = f"{rule.key}.{person.key}" if rule.per_interviewer else rule.key
                if not self.wanted(rule, key):
                    continue
                earliest, latest = rule.window(pace)
                self.keep(
                    self.make(
                        rule,
                        key,
                        person,
                        self.after_end(earliest, latest=False),
                        self.after_end(latest, latest=True),
                        why_then(rule, earliest, latest, "the interview"),
                    )
                )
        self.plan_chasers()
        if self.cancelled is not None:  # each keeps its time: calendars see it go, not move
            reason = cancelled_sentence(self.cancelled, self.cal.tz)
            for key, step in self.steps.items():
                self.steps[key] = self.cancel(step, reason)
        self.close_on_outcome()
        steps = list(self.steps.values())
        zone = steps[0].start.tzinfo if steps else None
        if all(step.start.tzinfo is zone for step in steps):
            return sorted(steps, key=lambda s: (s.start, s.key))
        return sorted(steps, key=in_time_order)

    def decision_dates(self) -> list[tuple[str, date]]:
        return decision_dates(self.iv, self.history.delays())

    def plan_chasers(self) -> None:
        pace = self.iv.pace
        rules = [r for r in self.book.steps if r.chaser]
        decision_rule = next((r for r in rules if r.after == "decision"), None)
        dates = self.decision_dates() if decision_rule is not None else []
        day_of = dict(dates)  # check-in key -> its decision date (the keys differ)
        current = dates[-1] if dates else None
        decision_day = current[1] if current else None
        last_contact = self.history.last_contact
        chase_from = last_contact.at if last_contact is not None else self.end

        # Chasers in the order they fall: done ones at their time, the others at their nominal time.
        # A stated date pushes the other chasers after its check-in, which goes first on a tie.
        floor = (
            self.nominal(decision_rule, current[0], decision_day_of=current[1])
            if decision_rule is not None and current is not None
            else None
        )
        # Waits count from the last message actually sent: what is still to do comes after it.
        chaser_keys = {r.key for r in rules} | {key for key, _d in dates}
        sent = [
            a.at
            for k, a in self.history.finished.items()
            if k in chaser_keys and a.kind is _DONE_KIND
        ]
        last_sent = max(sent) if sent else None
        user_fixed = self.fixed
        fixed = sorted((moment, key) for key, moment in user_fixed.items() if key in chaser_keys)
        entries: list[tuple[datetime, int, int, StepRule, str]] = []
        # The other chasers keep the playbook's order (the final check-in comes last);
        # only the decision check-in finds its place by date.
        in_order: datetime | None = None
        for index, rule in enumerate(rules):
            keys = [key for key, _d in dates] if rule.after == "decision" else [rule.key]
            for key in keys:
                day = day_of.get(key)
                moment = self.nominal(rule, key, decision_day_of=day)
                pending = key not in self.history.finished and key not in self.history.moved
                if pending and floor is not None and rule.after != "decision":
                    moment = max(moment, floor)
                if pending and last_sent is not None and moment <= last_sent:
                    moment = last_sent + timedelta(microseconds=1)
                if rule.after != "decision":
                    if pending and in_order is not None:
                        moment = max(moment, in_order)
                    in_order = moment if in_order is None else max(in_order, moment)
                entries.append((moment, 0 if rule.after == "decision" else 1, index, rule, key))
        entries.sort(key=lambda e: (e[0], e[1], e[2]))

        previous: Step | None = None  # the last chaser sent or still planned
        after_thanks = self.after_thanks()  # the thank-yous are placed: they stay where they are
        # Messages already sent since the employer last spoke count against the playbook's limit.
        unanswered = sum(1 for moment in sent if moment >= chase_from)
        gap = self.book.gap(pace)
        for _nominal, _rank, _index, rule, key in entries:
            person = self.primary
            earliest, latest = rule.window(pace)
            if rule.after == "decision":
                day = day_of[key]
                anchor = decision_anchor(day, self.employer, self.cal)
                anchor_name = f"the decision date ({shown_day(day)})"
            elif rule.after == "interview":
                anchor, anchor_name = self.end, "the interview"
            else:
                ref = self.steps.get(rule.after)
                if ref is not None and ref.status in _LIVE:
                    anchor, anchor_name = ref.start, f"the {ref.kind.replace('-', ' ')}"
                elif previous is not None:
                    anchor, anchor_name = previous.start, "the previous message"
                else:
                    anchor, anchor_name = self.end, "the interview"
            at = (
                self.after_end(earliest, latest=False)
                if anchor is self.end
                else at_offset(anchor, earliest, self.cal, latest=False)
            )
            why = why_then(rule, earliest, latest, anchor_name)
            notes: list[str] = []
            replaced = self.replaced(rule, key, decision_day)
            if replaced:
                pass  # it will be cancelled: keep the time it had, so calendars see it go, not move
            elif previous is not None:
                spaced = at_offset(previous.start, gap, self.cal, latest=False)
                if spaced > at:
                    at = spaced
                    notes.append(f"Kept {gap.describe()} after the previous message.")
            if decision_day is not None and rule.after != "decision" and not replaced:
                after_decision = max(
                    self.cal.day_start(decision_day + timedelta(days=1)),
                    decision_anchor(decision_day, self.employer, self.cal),
                )
                if after_decision > at:
                    at = after_decision
                    notes.append(
                        f"No chaser before the decision date ({shown_day(decision_day)})."
                    )
            if (
                last_contact is not None
                and last_contact.kind is ActivityKind.DELAY
                and last_contact.at > at
            ):
                at = last_contact.at
            thanked = None if replaced else after_thanks
            if thanked is not None and thanked > at:
                at = thanked
                notes.append("Two business days after the thank-you: never close on its heels.")
            at = max(at, self.end)  # a decision "today" seen from another zone: never before
            if not replaced and key not in user_fixed:
                others = [m for m, k in fixed if k != key] if fixed else []
                cleared = self.clear_of(at, others, gap, rule, key)
                if cleared != at:
                    at = cleared
                    notes.append(f"Kept {gap.describe()} from the messages you placed yourself.")
            step = self.make(
                rule,
                key,
                person,
                at,
                at_offset(anchor, latest, self.cal, latest=True),
                " ".join([why, *notes]),
            )
            step = self.filter_chaser(
                step, rule, key, current, decision_day, replaced, chase_from, unanswered
            )
            self.keep(step)
            if step.status in _LIVE:
                if previous is None or step.start >= previous.start:
                    previous = step
                if step.status is _PLANNED:
                    unanswered += 1

    def fixed_times(self) -> dict[str, datetime]:
        """Steps whose time the user set: sent (done) or moved, and not skipped."""
        times: dict[str, datetime] = {}
        for key, move in self.history.moved.items():
            if move.to is not None:
                times[key] = move.to
        for key, fact in self.history.finished.items():
            if fact.kind is _DONE_KIND:
                times[key] = fact.at
            else:
                times.pop(key, None)
        return times

    def clear_of(
        self, at: datetime, fixed: list[datetime], gap: Offset, rule: StepRule, key: str
    ) -> datetime:
        """The first moment from `at` where the chaser `key` keeps `gap` from every time the
        user fixed."""
        if not fixed:
            return at
        person, duration = self.primary, rule.duration.as_timedelta()
        channel = channel_for(rule, person, self.iv)
        kept = [(f, at_offset(f, gap, self.cal, latest=False)) for f in fixed]
        for _ in range(len(fixed) + 1):
            slot = self.spacing.place(key, person, channel, duration, at).start
            slot_kept: datetime | None = None  # `gap` after the slot, when first needed
            for f, f_kept in kept:
                if slot < f_kept:
                    if slot_kept is None:
                        slot_kept = at_offset(slot, gap, self.cal, latest=False)
                    if f < slot_kept:
                        at = f_kept  # the first clash: from `gap` after it
                        break
            else:
                return at
        return at

    def nominal(self, rule: StepRule, key: str, decision_day_of: date | None = None) -> datetime:
        """Where a chaser would fall with no gaps: used only to order the chasers."""
        asked = (id(rule), key, decision_day_of)  # the rules live as long as the planner
        found = self._nominal.get(asked)
        if found is None:
            found = self._nominal[asked] = self._nominal_time(rule, key, decision_day_of)
        return found

    def _nominal_time(self, rule: StepRule, key: str, decision_day_of: date | None) -> datetime:
        fact = self.history.finished.get(key)
        if fact is not None and fact.kind is _DONE_KIND:
            return fact.at
        move = self.history.moved.get(key)
        if move is not None and move.to is not None:
            return move.to
        earliest, _latest = rule.window(self.iv.pace)
        if rule.after == "decision" and decision_day_of is not None:
            return at_offset(
                decision_anchor(decision_day_of, self.employer, self.cal),
                earliest,
                self.cal,
                latest=False,
            )
        anchor = self.end
        if rule.after not in ("interview", "decision"):
            ref = self.book.rule(rule.after)
            if ref is not None:
                anchor = self.nominal(ref, ref.key)
        if anchor is self.end:
            return self.after_end(earliest, latest=False)
        return at_offset(anchor, earliest, self.cal, latest=False)

    def replaced(self, rule: StepRule, key: str, decision_day: date | None) -> bool:
        """A stated decision date replaces this chaser: it would have come before the date."""
        if not rule.replaced_by_decision or decision_day is None or key in self.history.revived:
            return False
        return self.nominal(rule, key).astimezone(self.cal.tz).date() <= decision_day

    def filter_chaser(
        self,
        step: Step,
        rule: StepRule,
        key: str,
        current: tuple[str, date] | None,
        decision_day: date | None,
        replaced: bool,
        chase_from: datetime,
        unanswered: int,
    ) -> Step:
        """Cancel a chaser that a reply, a stated date or the playbook's limit rules out."""
        last_contact = self.history.last_contact
        if last_contact is not None and last_contact.kind is ActivityKind.REPLY:
            return self.cancel(step, self.replied)
        if rule.after == "decision" and current is not None and key != current[0]:
            return self.cancel(step, f"The decision date moved to {shown_day(current[1])}.")
        if replaced:
            assert decision_day is not None  # what replaces it
            return self.cancel(
                step,
                f"Replaced by the check-in after the decision date ({shown_day(decision_day)}).",
            )
        if (
            step.status is _PLANNED
            and self.book.max_unanswered
            and unanswered >= self.book.max_unanswered
        ):
            return self.cancel(step, "One message at a time: waiting for their reply.")
        if step.status is _PLANNED and step.start < chase_from:
            return self.cancel(step, "It was due before the employer's last message.")
        return step

    @cached_property
    def replied(self) -> str:
        """Why the chasers after the employer's reply are cancelled (made once for them all)."""
        assert self.history.last_contact is not None
        return f"They replied on {shown_at(self.history.last_contact.at, self.cal)}."

    def close_on_outcome(self) -> None:
        latest = self.history.outcome
        pace = self.iv.pace
        if latest is None or latest.outcome is None:
            return
        result: Outcome = latest.outcome
        for step in list(self.steps.values()):
            self.keep(self.cancel(step, f"Process closed: {result.value}."))
        logged = {a.outcome for a in self.history.outcomes}
        for rule in self.book.outcome_steps:
            if not set(rule.on) & logged:
                continue
            if not self.wanted(rule, rule.key):
                continue
            earliest, last = rule.window(pace)
            at = (
                latest.at
                if rule.after == "outcome"
                else (self.steps[rule.after].start if rule.after in self.steps else latest.at)
            )
            step = self.make(
                rule,
                rule.key,
                self.primary,
                at_offset(at, earliest, self.cal, latest=False),
                at_offset(at, last, self.cal, latest=True),
                why_then(rule, earliest, last, _OUTCOME_NAMES[result]),
            )
            if result not in rule.on:
                step = self.cancel(step, f"The outcome changed to {result.value}.")
            self.keep(step)


def decision_dates(
    interview: Interview, activities: list[Activity] | tuple[Activity, ...]
) -> list[tuple[str, date]]:
    """(check-in step key, decision date) for the stated date and for each announced delay."""
    dates: list[tuple[str, date]] = []
    if interview.decision_date is not None:
        dates.append((DECISION_KEY, interview.decision_date))
    delays = [
        a
        for a in sorted(activities, key=lambda a: (a.at, a.seq))
        if a.kind is ActivityKind.DELAY and a.until is not None
    ]
    for number, delay in enumerate(delays, start=2):
        assert delay.until is not None
        dates.append((f"{DECISION_KEY}.d{number}", delay.until))
    return dates


def plan(
    interview: Interview,
    activities: list[Activity] | tuple[Activity, ...],
    settings: Settings,
    playbook: Playbook,
    calendar: WorkCalendar | None = None,
) -> list[Step]:
    """The follow-up steps for `interview` given what has happened, sorted by time."""
    return _Planner(interview, activities, settings, playbook, calendar).run()

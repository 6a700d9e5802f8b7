"""The planner's building blocks (core/cadence.py): the moment a wait after an anchor ends, a
step's channel, recipient and title, the sentences of "why then", and a step cancelled.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from followthrough.core.model import Channel, Interview, Interviewer, Step, StepChannel, StepStatus
from followthrough.core.playbooks import Offset, StepRule
from followthrough.core.shown_dates import day_time
from followthrough.core.spacing import YOUR_HOURS
from followthrough.core.workdays import WorkCalendar

_UTC = ZoneInfo("UTC")


def at_offset(anchor: datetime, offset: Offset, cal: WorkCalendar, *, latest: bool) -> datetime:
    """The moment `offset` after `anchor`: exact for hours; a day's start or end for days."""
    unit = offset.unit
    if unit == "h" or unit == "m":
        return anchor + offset.as_timedelta()
    local = anchor.astimezone(cal.tz)
    today = local.date()
    if unit == "bd":
        day = cal.add_business_days(today, offset.amount)
    else:
        day = today + offset.as_timedelta() if offset.amount else today  # whole days
    if latest:
        closes = cal.day_end(day)
        return local if local > closes else closes
    if day == today:
        return local
    return cal.day_start(day)


def decision_anchor(day: date, employer: ZoneInfo, cal: WorkCalendar) -> datetime:
    """When the stated decision day is over where the employer is: waits count from there."""
    return _day_over(day, employer, cal.tz)


@lru_cache(maxsize=4096)  # asked for each chaser of each interview with a stated date
def _day_over(day: date, employer: ZoneInfo, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=employer).astimezone(tz)


_CHANNELS = {channel.value: channel for channel in StepChannel}  # faster than StepChannel(...)
_STEP_FIELDS = tuple(f.name for f in fields(Step) if f.init)  # what cancelled() copies


def channel_for(rule: StepRule, person: Interviewer, interview: Interview) -> StepChannel:
    """The rule's channel; "preferred": email, or a call when only a phone is known for a
    phone interview."""
    if rule.channel != "preferred":
        return _CHANNELS.get(rule.channel) or StepChannel(rule.channel)
    if person.email or interview.channel is not Channel.PHONE or not person.phone:
        return StepChannel.EMAIL
    return StepChannel.PHONE


def recipient(channel: StepChannel, person: Interviewer) -> str:
    if channel is StepChannel.EMAIL:
        return person.address
    if channel is StepChannel.PHONE and person.phone:
        return f"{person.name} ({person.phone})"
    return person.name


def step_title(rule: StepRule, person: Interviewer, interview: Interview) -> str:
    return rule.title.replace("{person}", person.name).replace("{company}", interview.company)


# The same few sentences for every interview: made once each (keyed by plain values, which
# hash faster than the offsets).
_WHEN: dict[tuple[int, str, int, str, str, str], str] = {}


def why_then(rule: StepRule, earliest: Offset, latest: Offset, anchor_name: str) -> str:
    """The sentence of "why then": '2 to 24 hours after the interview, in your working hours.'
    and the rule's reason."""
    key = (earliest.amount, earliest.unit, latest.amount, latest.unit, anchor_name, rule.why)
    found = _WHEN.get(key)
    if found is None:
        if len(_WHEN) >= 4096:  # the decision dates named in them: bounded
            _WHEN.clear()
        found = _WHEN[key] = _when_text(earliest, latest, anchor_name, rule.why)
    return found


def _when_text(earliest: Offset, latest: Offset, anchor_name: str, why: str) -> str:
    if earliest.amount == 0 and earliest.is_days:
        span = f"the same day as {anchor_name}"
    elif str(earliest) == str(latest):
        span = f"{earliest.describe()} after {anchor_name}"
    elif earliest.unit == latest.unit:
        span = f"{earliest.amount} to {latest.describe()} after {anchor_name}"
    else:
        span = f"{earliest.describe()} to {latest.describe()} after {anchor_name}"
    span = span.replace("to the same day", "to the end of that day")
    sentence = span[0].upper() + span[1:] + YOUR_HOURS
    return f"{sentence} {why}".strip()


def shown_at(moment: datetime, cal: WorkCalendar) -> str:
    """`moment` where the user is, as the planner's sentences name it: 'Tue 6 Jan 2026, 09:40'."""
    return day_time(moment.astimezone(cal.tz))


def cancelled(step: Step, reason: str) -> Step:
    """`step` cancelled for `reason`: dataclasses.replace, without its checks on each field."""
    changed = dict(vars(step))
    if len(changed) != len(_STEP_FIELDS):  # something besides the fields it is made with
        changed = {name: getattr(step, name) for name in _STEP_FIELDS}
    changed["status"] = StepStatus.CANCELLED
    changed["status_reason"] = reason
    return built(changed)


_new = object.__new__


def built(values: dict[str, object]) -> Step:
    """The Step with these values for all its fields, made without the frozen dataclass's
    `__init__`, which sets each field through `object.__setattr__` (3 µs a step against 0.4 µs):
    the planner makes thousands. The caller gives every field (tests/core/test_timing.py)."""
    step: Step = _new(Step)
    step.__dict__.update(values)
    return step


def in_time_order(step: Step) -> tuple[datetime, str]:
    """Steps in time order when their times are of several zones: compared in UTC, as each
    comparison across zones would otherwise ask both for their offsets."""
    return step.start.astimezone(_UTC), step.key

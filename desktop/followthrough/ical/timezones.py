"""VTIMEZONE components that every calendar reads right.

`vtimezone(tzid, first, last)` describes an IANA zone for every instant from 1 January of
`first.year` to 31 December of `last.year`; `add_timezones(calendar)` adds one such VTIMEZONE
for every TZID that a DTSTART, DTEND, DUE, RECURRENCE-ID, EXDATE or RDATE of the calendar uses,
over the span of dates used in that zone padded by a year each side. UTC needs none: icalendar
writes UTC times with ``Z`` and no TZID.

Why not icalendar's ``add_missing_timezones()`` / ``Timezone.from_tzinfo``: they write one
sub-component per offset pair with a long RDATE list. Thunderbird (ical.js), vobject and Outlook
read those wrongly, and Outlook reads only TZID, DTSTART, RRULE, TZOFFSETFROM and TZOFFSETTO of a
VTIMEZONE and keeps one yearly rule. So we write the form Outlook itself writes:

* For each run of consecutive years in which a kind of transition (to daylight time, to standard
  time) follows the same rule — same month, weekday, "nth weekday" (``BYDAY=2SU``) or "last
  weekday" (``BYDAY=-1SU``), local wall time and offsets — one DAYLIGHT or STANDARD sub-component
  with ``RRULE:FREQ=YEARLY;BYDAY=..;BYMONTH=..``. Its DTSTART is the run's first transition in
  local time as seen before the transition (TZOFFSETFROM). The runs still in force after the
  span have no end, so the current era is one STANDARD and at most one DAYLIGHT with an open
  RRULE; an earlier run ends with ``COUNT`` = its number of years (see "Why COUNT" below).
  Runs are judged over 7 more years after the span, so a rule that changes right after it does
  not leave the VTIMEZONE ending in a one-off, and "4th" is told from "last" weekday.
* A transition that is not part of a run of two or more years — every year of Tehran's DST until
  2022, an exception year such as Santiago's "first Sunday on or after the 2nd" when the 1st is a
  Sunday, Morocco's Ramadan changes, a change of standard offset: a sub-component of its own with
  DTSTART and one RDATE equal to it, never a list. (Any single date is some nth or last weekday
  of its month, so "cannot be expressed as a weekday rule" only ever means "no rule shared with
  the next year".)
* Years without any transition: one STANDARD with TZOFFSETFROM = TZOFFSETTO, DTSTART on 1 January
  of the first such year and an RDATE equal to it.
* Every sub-component without RRULE carries that one RDATE equal to its DTSTART (as tzurl.org's
  do): the ``ical`` package takes the onsets of a sub-component only from RRULE and RDATE, so
  one with only a DTSTART never starts and its times are read as UTC.
* TZNAME is the abbreviation zoneinfo gives (tzdata writes numeric ones such as ``+0330``).
* DAYLIGHT means the transition leads into a period with positive ``dst()``, or out of a negative
  one (Europe/Dublin's tzdata marks winter as negative DST; we call its summer DAYLIGHT).

Transitions come from `zoneinfo.ZoneInfo` itself (so dates past 2037 use the zone's POSIX rule,
as zoneinfo extrapolates it): each day of each year is sampled at 00:00 UTC for a change of
``utcoffset``, then the exact second is found by bisection. Results are cached per (zone, first
year, last year). Two changes within one UTC day would be missed.

The scan starts a year before `first`, so the offset in force on 1 January of `first.year` has
an onset inside the VTIMEZONE. Without it, a southern zone (Australia/Sydney: DST from October
to April) would be read wrongly in January: before the first onset of a VTIMEZONE, dateutil
(used by icalendar and vobject) takes the first STANDARD sub-component and the ``ical`` package
takes offset zero (UTC).

Why COUNT and not UNTIL: RFC 5545 wants UNTIL in UTC in a VTIMEZONE, and that breaks two of the
three readers we test. The ``ical`` package hands the floating DTSTART and the UTC UNTIL to
dateutil's ``rrule``, which raises "RRULE UNTIL values must be specified in UTC when DTSTART is
timezone-aware", and the whole calendar fails to parse. dateutil's ``tzical`` (icalendar and
vobject both read VTIMEZONEs with it) parses the rule with ``ignoretz=True`` and compares the
floating local onset with UNTIL's digits, so east of Greenwich an exact UNTIL drops the run's
last transition (Europe/Moscow 2010: summer read an hour off). COUNT is valid RFC 5545, has no
time zone to get wrong, and all three read it exactly; Outlook keeps only one yearly rule anyway.

What the readers do (icalendar 7.3, vobject 0.9.9, ical 14.3; read in their sources and checked
by tests/ical/test_timezones.py):

* icalendar: a TZID that zoneinfo knows is read with zoneinfo, ignoring the VTIMEZONE. Any other
  TZID is built from the VTIMEZONE with dateutil's ``tzical`` and cached process-wide under the
  TZID, first one wins: a later, different VTIMEZONE with the same custom TZID is ignored.
* vobject: every VTIMEZONE is parsed with ``tzical`` and registered process-wide under its TZID,
  first one wins, even for IANA names; only an unregistered TZID falls back to pytz. So in one
  process the first VTIMEZONE read for "Europe/Berlin" serves every later file, and times
  before its first onset are read with its first STANDARD offset. vobject also refuses to
  register a VTIMEZONE that looks like UTC over 2000-2019 (see `_looks_like_utc_to_vobject`):
  for a zone at +00:00 all year (Africa/Abidjan, Atlantic/Reykjavik) it then uses pytz under
  the IANA name (right) and leaves times floating under any other TZID. VTIMEZONEs must come
  before the components that use them.
* ical: an IANA TZID is read with its own TZif reader, ignoring the VTIMEZONE; any other TZID
  with its own expansion of the VTIMEZONE, per calendar. It rejects the whole calendar if a
  VTIMEZONE RRULE has a UTC UNTIL, ignores a sub-component with neither RRULE nor RDATE, and
  reads a time before the first onset as UTC.
* A local time skipped by a change (02:30 on the day clocks go from 02:00 to 03:00) is read by
  all three with the offset after the change, not before it as RFC 5545 3.3.5 and zoneinfo
  (``fold=0``) say: Berlin's 02:30 on 2024-03-31 comes back as 00:30 UTC, not 01:30 UTC. Write
  valid local times.
  A repeated local time is read as its first occurrence by all three, as RFC 5545 says.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

__all__ = ["UTC_TZIDS", "add_timezones", "vtimezone"]

#: TZIDs that mean UTC: no VTIMEZONE is written for them.
UTC_TZIDS = frozenset(
    {
        "UTC",
        "Z",
        "GMT",
        "UCT",
        "Universal",
        "Zulu",
        "Greenwich",
        "GMT0",
        "GMT+0",
        "GMT-0",
        "Etc/UTC",
        "Etc/GMT",
        "Etc/UCT",
        "Etc/Universal",
        "Etc/Zulu",
        "Etc/Greenwich",
        "Etc/GMT0",
        "Etc/GMT+0",
        "Etc/GMT-0",
    }
)

#: The properties whose TZID parameter needs a VTIMEZONE.
_DATE_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
_TIMEZONE_COMPONENTS = frozenset({"VTIMEZONE", "STANDARD", "DAYLIGHT"})
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
_LAST = -1  # BYDAY=-1SU: the last Sunday of the month
#: Years after the span that are scanned too, to see whether its last rules go on and to pick
#: between "4th" and "last" weekday (in any 8 years a "last Sunday" falls on a 29th-31st once).
_HORIZON = 7
#: vobject compares a VTIMEZONE with UTC over 2000-2019 only; see _looks_like_utc_to_vobject.
_VOBJECT_LAST_YEAR = 2019


@dataclass(frozen=True)
class _Transition:
    """One change of UTC offset."""

    at: datetime  # the first UTC instant (aware) with the new offset
    offset_from: timedelta
    offset_to: timedelta
    daylight: bool
    name: str

    @property
    def local(self) -> datetime:
        """The onset as local wall time before the change (naive), as DTSTART wants it."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def forms(self) -> frozenset[int]:
        """The BYDAY ordinals that give this day: n-th weekday of the month and/or the last."""
        local = self.local
        nth = (local.day - 1) // 7 + 1
        forms = {nth} if nth <= 4 else set()
        if local.day + 7 > _calendar.monthrange(local.year, local.month)[1]:
            forms.add(_LAST)
        return frozenset(forms)

    @property
    def rule_key(self) -> tuple[object, ...]:
        """What must stay the same between the years of one RRULE."""
        local = self.local
        return (
            self.daylight,
            local.month,
            local.weekday(),
            local.time(),
            self.offset_from,
            self.offset_to,
            self.name,
        )


@dataclass
class _Run:
    """Consecutive years whose transition of one kind follows one rule."""

    first: _Transition
    last: _Transition
    forms: frozenset[int]
    years: int = 1


@dataclass(frozen=True)
class _Observance:
    """The plan of one STANDARD or DAYLIGHT sub-component."""

    daylight: bool
    start: datetime  # naive local wall time before the onset
    offset_from: timedelta
    offset_to: timedelta
    name: str
    rule: tuple[int, int] | None = None  # (BYMONTH, BYDAY ordinal); weekday from `start`
    count: int | None = None  # COUNT of a rule that ends: the number of years in its run
    rdate: bool = False  # a single RDATE equal to DTSTART
    sort_key: tuple[datetime, int] = field(default=(datetime.min, 0), compare=False)


def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """A VTIMEZONE for the IANA zone `tzid`, right for every instant of `first.year`..`last.year`.

    Beyond `last.year` readers extrapolate the final rules, as zoneinfo does. Raises
    `ValueError` for a zone zoneinfo does not know. Built from a cached plan, so the
    component is new on every call and may be changed by the caller.
    """
    if first > last:
        first, last = last, first
    timezone = Timezone()
    timezone.add("TZID", tzid)
    for observance in _plan(tzid, first.year, last.year):
        timezone.add_component(_subcomponent(observance))
    return timezone


def add_timezones(calendar: Calendar) -> None:
    """Add one VTIMEZONE for every TZID the calendar's components use, before them.

    TZIDs come from the TZID parameter of DTSTART, DTEND, DUE, RECURRENCE-ID, EXDATE and RDATE.
    Each VTIMEZONE covers the dates used in its zone, padded by a year each side. UTC gets
    none, nor does a TZID that already has a VTIMEZONE in the calendar. Raises `ValueError`
    for a TZID that is not an IANA zone (we cannot describe it).
    """
    present = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE") if "TZID" in tz}
    spans: dict[str, tuple[date, date]] = {}
    for tzid, day in _zoned_dates(calendar):
        if tzid in UTC_TZIDS or tzid in present:
            continue
        low, high = spans.get(tzid, (day, day))
        spans[tzid] = (min(low, day), max(high, day))
    if not spans:
        return
    added = [
        vtimezone(tzid, _shift_year(low, -1), _shift_year(high, 1))
        for tzid, (low, high) in sorted(spans.items())
    ]
    # VTIMEZONEs go before the components that use them (vobject resolves a TZID while it
    # reads), after any VTIMEZONEs already at the front.
    subcomponents = calendar.subcomponents
    at = 0
    while at < len(subcomponents) and subcomponents[at].name == "VTIMEZONE":
        at += 1
    subcomponents[at:at] = added


# -- finding the zone's transitions --------------------------------------------------------------


def _zone(tzid: str) -> ZoneInfo:
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"not an IANA time zone: {tzid!r}") from error


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _is_daylight(zone: ZoneInfo, before: datetime, after: datetime) -> bool:
    dst_after = after.astimezone(zone).dst() or timedelta()
    dst_before = before.astimezone(zone).dst() or timedelta()
    return dst_after > timedelta() or (dst_after == timedelta() and dst_before < timedelta())


@lru_cache(maxsize=512)
def _transitions(tzid: str, first_year: int, last_year: int) -> tuple[_Transition, ...]:
    """Every change of offset whose local onset falls in `first_year`..`last_year`."""
    zone = _zone(tzid)
    start = datetime(first_year, 1, 1, tzinfo=UTC) - 2 * _DAY
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC) + 2 * _DAY
    found: list[_Transition] = []
    day = start
    offset = _offset(zone, day)
    while day < end:
        following = day + _DAY
        offset_next = _offset(zone, following)
        if offset_next != offset:
            found.append(_bisect(zone, day, following, offset))
        day, offset = following, offset_next
    return tuple(t for t in found if first_year <= t.local.year <= last_year)


def _bisect(zone: ZoneInfo, low: datetime, high: datetime, offset: timedelta) -> _Transition:
    """The first second in (low, high] whose offset is no longer `offset`."""
    while high - low > _SECOND:
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if _offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    local = high.astimezone(zone)
    return _Transition(
        at=high,
        offset_from=offset,
        offset_to=_offset(zone, high),
        daylight=_is_daylight(zone, low, high),
        name=local.tzname() or "",
    )


# -- planning the sub-components -----------------------------------------------------------------


@lru_cache(maxsize=512)
def _plan(tzid: str, first_year: int, last_year: int) -> tuple[_Observance, ...]:
    """The sub-components for `first_year`..`last_year`, in onset order."""
    scan_first = max(first_year - 1, 2)  # datetime cannot go before year 1
    plan = _plan_from(tzid, scan_first, last_year)
    if scan_first > _VOBJECT_LAST_YEAR and _looks_like_utc_to_vobject(plan):
        plan = _plan_from(tzid, _VOBJECT_LAST_YEAR, last_year)
    return plan


def _looks_like_utc_to_vobject(plan: tuple[_Observance, ...]) -> bool:
    """Whether vobject would take this VTIMEZONE for UTC and ignore it.

    vobject's ``registerTzinfo`` skips a tzinfo that ``tzinfo_eq`` finds equal to UTC, and that
    compares only 1 January 2000 and the transitions of 2000 to 2019. Before a VTIMEZONE's first
    onset dateutil uses its first STANDARD. So a zone at +00:00 in winter (Europe/London,
    Europe/Lisbon, Europe/Dublin) described only from 2020 on looks like UTC, and vobject reads
    its times with pytz (real name: the second of two repeated times, not the first) or, for a
    TZID pytz does not know, as floating times.
    """
    standard = next((o for o in plan if not o.daylight), None)
    if standard is None or standard.offset_to:
        return False
    return all(o.start.year > _VOBJECT_LAST_YEAR for o in plan)


def _plan_from(tzid: str, scan_first: int, last_year: int) -> tuple[_Observance, ...]:
    horizon = min(last_year + _HORIZON, 9998)
    transitions = _transitions(tzid, scan_first, horizon)
    runs = _runs(transitions)
    plan: list[_Observance] = []
    open_kinds: set[bool] = set()
    for run in runs:
        if run.first.local.year > last_year:
            continue
        if _goes_on(run, runs, last_year):
            plan.append(_observance(run.first, rule=_rule(run)))
            open_kinds.add(run.first.daylight)
        elif run.years == 1:  # a one-off: Tehran's DST, an exception year, a change of offset
            plan.append(_observance(run.first, rdate=True))
        else:
            plan.append(_observance(run.first, rule=_rule(run), count=run.years))
    # A kind of transition that goes on after the span under a new rule (or after a one-off
    # exception in the span's last year): end the VTIMEZONE with that rule, open-ended, for
    # readers that extrapolate and for Outlook, which keeps one yearly rule per kind.
    for daylight in (False, True):
        if daylight in open_kinds:
            continue
        kind = [run for run in runs if run.first.daylight == daylight]
        if not any(r.last.local.year == last_year for r in kind):
            continue  # none in the span's last year: this kind of transition has ended
        later = [r for r in kind if r.first.local.year > last_year and r.years > 1]
        if later:
            plan.append(_observance(later[0].first, rule=_rule(later[0])))

    # Years without any transition: one fixed STANDARD per stretch of such years.
    zone = _zone(tzid)
    busy = {t.local.year for t in transitions}
    year = scan_first
    while year <= last_year:
        if year in busy:
            year += 1
            continue
        onset = datetime(year, 1, 1)
        local = onset.replace(tzinfo=zone)
        offset = local.utcoffset()
        assert offset is not None
        plan.append(
            _Observance(
                daylight=False,
                start=onset,
                offset_from=offset,
                offset_to=offset,
                name=local.tzname() or "",
                rdate=True,
                sort_key=(onset, 0),
            )
        )
        while year <= last_year and year not in busy:
            year += 1
    plan.sort(key=lambda o: o.sort_key)
    return tuple(plan)


def _runs(transitions: Iterable[_Transition]) -> list[_Run]:
    """Group transitions into runs of consecutive years that one yearly RRULE describes."""
    runs: list[_Run] = []
    open_runs: dict[tuple[object, ...], _Run] = {}
    for transition in transitions:
        key = transition.rule_key
        run = open_runs.get(key)
        if (
            run is not None
            and run.last.local.year == transition.local.year - 1
            and run.forms & transition.forms
        ):
            run.forms &= transition.forms
            run.last = transition
            run.years += 1
            continue
        run = _Run(first=transition, last=transition, forms=transition.forms)
        runs.append(run)
        open_runs[key] = run
    return runs


def _goes_on(run: _Run, runs: list[_Run], last_year: int) -> bool:
    """Whether `run` is the rule in force at the end of the span, to be left open-ended.

    It is if it goes on after `last_year`, or if it lasts into `last_year` over two years or
    more and comes back after a one-off exception (Santiago's rule "first Sunday on or after the
    2nd" gives the 2nd Sunday when the 1st is a Sunday).
    """
    if run.last.local.year > last_year:
        return True
    if run.last.local.year < last_year or run.years < 2:
        return False
    return any(
        later.first.local.year > last_year
        and later.first.rule_key == run.first.rule_key
        and later.forms & run.forms
        for later in runs
    )


def _rule(run: _Run) -> tuple[int, int]:
    return run.first.local.month, _pick_ordinal(run.forms)


def _pick_ordinal(forms: frozenset[int]) -> int:
    """Prefer "last" over a 4th/5th weekday (zones say "last Sunday"), else the n-th."""
    if _LAST in forms and not forms & {1, 2, 3}:
        return _LAST
    return min(f for f in forms if f != _LAST) if forms - {_LAST} else _LAST


def _observance(
    transition: _Transition,
    *,
    rule: tuple[int, int] | None = None,
    count: int | None = None,
    rdate: bool = False,
) -> _Observance:
    return _Observance(
        daylight=transition.daylight,
        start=transition.local,
        offset_from=transition.offset_from,
        offset_to=transition.offset_to,
        name=transition.name,
        rule=rule,
        count=count,
        rdate=rdate,
        sort_key=(transition.local, 1 if transition.daylight else 0),
    )


def _subcomponent(observance: _Observance) -> TimezoneStandard | TimezoneDaylight:
    sub: TimezoneStandard | TimezoneDaylight = (
        TimezoneDaylight() if observance.daylight else TimezoneStandard()
    )
    sub.add("DTSTART", observance.start)
    if observance.rule is not None:
        month, ordinal = observance.rule
        recur: dict[str, Any] = {
            "FREQ": "YEARLY",
            "BYMONTH": month,
            "BYDAY": f"{ordinal}{_WEEKDAYS[observance.start.weekday()]}",
        }
        if observance.count is not None:
            recur["COUNT"] = observance.count
        sub.add("RRULE", recur)
    if observance.rdate:
        sub.add("RDATE", observance.start)
    sub.add("TZOFFSETFROM", observance.offset_from)
    sub.add("TZOFFSETTO", observance.offset_to)
    if observance.name:
        sub.add("TZNAME", observance.name)
    return sub


# -- which zones a calendar uses -----------------------------------------------------------------


def _zoned_dates(calendar: Calendar) -> Iterator[tuple[str, date]]:
    """(TZID, local date) for every date-time with a TZID parameter in the calendar."""
    for component in calendar.walk():
        if component.name in _TIMEZONE_COMPONENTS:
            continue
        for name in _DATE_PROPERTIES:
            for prop in _as_list(component.get(name)):
                tzid = _tzid_of(prop)
                if tzid is None:
                    continue
                for moment in _moments(prop):
                    yield tzid, moment


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    return [value]


def _tzid_of(prop: object) -> str | None:
    params = getattr(prop, "params", None)
    if params is None or "TZID" not in params:
        return None
    return str(params["TZID"])


def _moments(prop: object) -> Iterator[date]:
    """The local dates a DTSTART-like property (vDDDTypes) or a list (vDDDLists) holds."""
    values: Iterable[object] = getattr(prop, "dts", None) or [prop]
    for value in values:
        dt = getattr(value, "dt", value)
        parts = dt if isinstance(dt, tuple) else (dt,)  # PERIOD: (start, end or duration)
        for part in parts:
            if isinstance(part, datetime):
                yield part.date()
            elif isinstance(part, date):
                yield part


def _shift_year(day: date, years: int) -> date:
    year = min(max(day.year + years, 1), 9999)
    return date(year, 12, 31) if years > 0 else date(year, 1, 1)

"""Working days and hours: weekends, public holidays, the user's working day, and the hours
when a message reaches the people the user writes to (`Reach`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from followthrough.core.model import local_datetime
from followthrough.core.settings import Settings

_HOLIDAY_CACHE: dict[tuple[str, str, int], dict[date, str]] = {}
_DAYS_CACHE: dict[tuple[str, str, int], frozenset[date]] = {}


@dataclass
class _Known:
    """What the calendars of one user's settings have worked out (see WorkCalendar)."""

    workday: dict[date, bool] = field(default_factory=dict)
    opens: dict[date, datetime] = field(default_factory=dict)
    closes: dict[date, datetime] = field(default_factory=dict)
    after: dict[tuple[date, int], date] = field(default_factory=dict)
    reach: dict[tuple[str, str, time, time], Reach] = field(default_factory=dict)


_KNOWN: dict[tuple[str, str, str, time, time], _Known] = {}


def holiday_names(country: str, subdivision: str, year: int) -> dict[date, str]:
    """The public holidays of a country (and region) in a year, with their names; empty
    without a country, or for a code this release of the holidays package does not know."""
    if not country:
        return {}
    key = (country, subdivision, year)
    cached = _HOLIDAY_CACHE.get(key)
    if cached is None:
        import holidays

        try:
            calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
        except NotImplementedError:
            cached = {}
        else:
            cached = dict(calendar.items())
        _HOLIDAY_CACHE[key] = cached
    return cached


def public_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    """The public holidays of a country (and region) in a year; empty without a country."""
    key = (country, subdivision, year)
    days = _DAYS_CACHE.get(key)
    if days is None:  # asked for every day the planner considers: kept, not rebuilt
        days = _DAYS_CACHE[key] = frozenset(holiday_names(country, subdivision, year))
    return days


class WorkCalendar:
    """Answers "is this a working day" and "when is the next working moment" for one user."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.country = settings.country
        self.subdivision = settings.subdivision
        self.tz = settings.zone
        self.work_start: time = settings.work_start
        self.work_end: time = settings.work_end
        # What it works out depends on these settings alone: kept for the next calendar made
        # with the same ones (the store makes one at each change), not worked out again.
        key = (self.country, self.subdivision, self.tz.key, self.work_start, self.work_end)
        known = _KNOWN.get(key)
        if known is None:
            known = _KNOWN[key] = _Known()
        self._workday = known.workday
        self._opens = known.opens
        self._closes = known.closes
        self._after = known.after
        self._reach = known.reach

    def reach(self, zone: str, country: str) -> Reach:
        """The hours when this user's messages reach people working in `zone` (their public
        holidays: `country`'s); kept, so that one calendar serves many plans."""
        user = self.settings
        key = (zone, country, user.recipient_start, user.recipient_end)
        found = self._reach.get(key)
        if found is None:
            theirs = replace(
                user,
                timezone=zone,
                country=country,
                subdivision="",  # the employer's country as a whole
                work_start=user.recipient_start,
                work_end=user.recipient_end,
            )
            found = self._reach[key] = Reach(self, WorkCalendar(theirs))
        return found

    def is_workday(self, day: date) -> bool:
        known = self._workday.get(day)
        if known is None:
            known = day.weekday() < 5 and day not in public_holidays(
                self.country, self.subdivision, day.year
            )
            self._workday[day] = known
        return known

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (count >= 0; 0 keeps `day`)."""
        key = (day, count)
        found = self._after.get(key)
        if found is None:
            found = day
            while count > 0:
                found += timedelta(days=1)
                if self.is_workday(found):
                    count -= 1
            self._after[key] = found
        return found

    def day_start(self, day: date) -> datetime:
        """When the working day opens on `day` (cached: planners ask for the same days often)."""
        found = self._opens.get(day)
        if found is None:
            found = local_datetime(day, self.work_start.hour, self.work_start.minute, self.tz)
            self._opens[day] = found
        return found

    def day_end(self, day: date) -> datetime:
        found = self._closes.get(day)
        if found is None:
            found = local_datetime(day, self.work_end.hour, self.work_end.minute, self.tz)
            self._closes[day] = found
        return found

    def next_slot(self, earliest: datetime, duration: timedelta) -> datetime:
        """The first moment at or after `earliest` when a task of `duration` fits a working day."""
        moment = earliest.astimezone(self.tz)
        day = moment.date()
        for _ in range(400):  # a year of holidays cannot fill 400 days; this only bounds the loop
            if self.is_workday(day):
                opens = self.day_start(day)
                closes = self.day_end(day)
                candidate = max(moment, opens)
                if candidate + duration <= closes:
                    return candidate
            day += timedelta(days=1)
        raise RuntimeError("no working day found within 400 days")  # pragma: no cover

    def in_working_hours(self, start: datetime, end: datetime) -> bool:
        start = start.astimezone(self.tz)
        day = start.date()
        return (
            self.is_workday(day)
            and self.day_start(day) <= start
            and end.astimezone(self.tz) <= self.day_end(day)
        )


# How a step is timed: in the user's hours only (a letter), a message to a person by email or
# a professional network (reaches them when it arrives), or a phone call (needs them there).
SlotKind = Literal["mine", "message", "call"]
MIN_OVERLAP = timedelta(hours=1)  # less than this in common: each side keeps its own hours
MORNING = timedelta(hours=3)  # a day's steps are spread over its first three hours
START_OF_DAY = timedelta(hours=1)  # a message timed for the start of their day: its first hour
GRAIN = timedelta(minutes=5)  # spread steps start on a multiple of five minutes
_DAY = timedelta(days=1)
_MARKS = tuple(GRAIN * n for n in range(MORNING // GRAIN + 1))  # n -> n five-minute marks
UTC = ZoneInfo("UTC")


class Window(NamedTuple):
    """When a step may start: from `first` to `last`, in the user's hours only ("mine"), in
    both sides' ("both"), or in the recipient's only ("theirs", when the hours hardly meet)."""

    first: datetime
    last: datetime
    mode: Literal["mine", "both", "theirs"]
    marks: int = 1  # how many five-minute marks its first three hours hold (for spreading)


class Reach:
    """When a message from the user reaches people who work in another zone and country.

    When the two working days overlap by at least an hour (MIN_OVERLAP) on a day, a step
    addressed to a person falls in both; when they do not, a call falls in the recipient's
    hours and a message in the first hour of their day (START_OF_DAY), on a day that is a
    working day for them and for the user (the user's date when their day begins). `mine`
    steps keep to the user's hours.
    """

    def __init__(self, mine: WorkCalendar, theirs: WorkCalendar) -> None:
        self.mine = mine
        self.theirs = theirs
        self._overlap: dict[date, timedelta] = {}
        self._windows: dict[tuple[str, timedelta], dict[date, tuple[Window, ...]]] = {}
        # (the user's day, duration) -> the day to look from: the day before when their day
        # that began then may still be open (see next_slot)
        self._from: dict[tuple[date, timedelta], date] = {}
        # (kind, duration) -> day -> each window, its first and last starts in UTC (or as they
        # are, when both are in the user's zone), and whether they are: comparing times of two
        # zones asks each for its offset every time, in UTC only once.
        self._bounds: dict[
            tuple[str, timedelta], dict[date, tuple[tuple[Window, datetime, datetime, bool], ...]]
        ] = {}

    def overlap(self, day: date) -> timedelta:
        """How long the user's working hours on `day` and the recipient's (whatever the day
        is for either) run together, on the clock alone."""
        found = self._overlap.get(day)
        if found is None:
            opens, closes = self.mine.day_start(day), self.mine.day_end(day)
            found = timedelta(0)
            for theirs in {opens.astimezone(self.theirs.tz).date(),
                           closes.astimezone(self.theirs.tz).date()}:  # fmt: skip
                common = min(closes, self.theirs.day_end(theirs)) - max(
                    opens, self.theirs.day_start(theirs)
                )
                found = max(found, common)
            self._overlap[day] = found
        return found

    def together(self, day: date, duration: timedelta) -> bool:
        """Whether on `day` a step of `duration` keeps to both sides' hours."""
        return self.overlap(day) >= max(MIN_OVERLAP, duration)

    def windows(self, day: date, kind: SlotKind, duration: timedelta) -> tuple[Window, ...]:
        """Where a step of `kind` may start on the user's `day`, in time order."""
        table = self._windows.setdefault((kind, duration), {})
        found = table.get(day)
        if found is None:
            found = table[day] = tuple(
                window._replace(marks=min(MORNING, window.last - window.first) // GRAIN + 1)
                for window in self._find_windows(day, kind, duration)
            )
        return found

    def _bounded(
        self, day: date, kind: SlotKind, duration: timedelta
    ) -> tuple[tuple[Window, datetime, datetime, bool], ...]:
        """`windows` with their bounds for next_slot (see _bounds)."""
        table = self._bounds.setdefault((kind, duration), {})
        found = table.get(day)
        if found is None:
            tz = self.mine.tz
            found = table[day] = tuple(
                (window, window.first, window.last, True)
                if window.first.tzinfo is tz and window.last.tzinfo is tz
                else (window, window.first.astimezone(UTC), window.last.astimezone(UTC), False)
                for window in self.windows(day, kind, duration)
            )
        return found

    def _find_windows(self, day: date, kind: SlotKind, duration: timedelta) -> tuple[Window, ...]:
        mine, theirs = self.mine, self.theirs
        if not mine.is_workday(day):
            return ()
        opens, closes = mine.day_start(day), mine.day_end(day)
        if kind == "mine":
            return (Window(opens, closes - duration, "mine"),) if opens + duration <= closes else ()
        found: list[Window] = []
        if self.together(day, duration):
            for their_day in sorted({opens.astimezone(theirs.tz).date(),
                                     closes.astimezone(theirs.tz).date()}):  # fmt: skip
                if theirs.is_workday(their_day):
                    first = max(opens, theirs.day_start(their_day))
                    last = min(closes, theirs.day_end(their_day)) - duration
                    if first <= last:
                        found.append(Window(first, last, "both"))
            return tuple(found)
        # Apart: their working days whose morning begins on the user's `day`.
        next_day = day + timedelta(days=1)
        midnight = local_datetime(next_day, 0, 0, mine.tz)
        for their_day in (day - timedelta(days=1), day, next_day):
            first = theirs.day_start(their_day)
            if first.astimezone(mine.tz).date() != day or not theirs.is_workday(their_day):
                continue
            last = theirs.day_end(their_day) - duration
            if kind == "message":
                last = min(last, first + START_OF_DAY)
            if last >= midnight and self.together(next_day, duration):
                last = midnight - timedelta(microseconds=1)  # that day, both hours count
            if first <= last:
                found.append(Window(first, last, "theirs"))
        return tuple(found)

    def next_slot(
        self, earliest: datetime, duration: timedelta, kind: SlotKind, spread: int | None
    ) -> tuple[datetime, Window]:
        """The first start at or after `earliest` in a window of `kind`; with `spread` (any
        number, the same for the same step), a start that would open a window moves into
        its first three hours by that number, on a five-minute mark."""
        moment = earliest.astimezone(self.mine.tz)
        day = moment.date()
        if kind != "mine":
            asked = (day, duration)
            begin = self._from.get(asked)
            if begin is None:
                before = day - _DAY
                # their day that began the day before may still be open
                begin = self._from[asked] = day if self.together(before, duration) else before
            day = begin
        table = self._bounds.get((kind, duration))
        moment_utc: datetime | None = None
        for _ in range(400):  # a year of holidays cannot fill 400 days; this only bounds the loop
            found = table.get(day) if table is not None else None
            if found is None:
                found = self._bounded(day, kind, duration)
                table = self._bounds[(kind, duration)]
            for window, first_at, last_at, local in found:
                if local:  # all in the user's zone, as `moment` is
                    if last_at < moment:
                        continue
                    first = window.first
                    if spread is not None and window.marks > 1:
                        first += _MARKS[spread % window.marks]
                    start = moment if moment > first else first
                    if start <= last_at:
                        return start, window
                    continue
                if moment_utc is None:
                    moment_utc = moment.astimezone(UTC)
                if last_at < moment_utc:
                    continue
                first = window.first
                if spread is not None and window.marks > 1:
                    first += _MARKS[spread % window.marks]  # on the clock where it is
                    first_at = first.astimezone(UTC)
                if moment_utc > first_at:
                    start, start_at = moment, moment_utc
                else:
                    start, start_at = first, first_at
                if start_at <= last_at:
                    return start, window
            day += _DAY
        raise RuntimeError("no working day found within 400 days")  # pragma: no cover

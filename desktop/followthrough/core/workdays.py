"""Working days and hours: weekends, public holidays and the user's working day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from followthrough.core.model import local_datetime
from followthrough.core.settings import Settings

_HOLIDAY_CACHE: dict[tuple[str, str, int], dict[date, str]] = {}
_DAYS_CACHE: dict[tuple[str, str, int], frozenset[date]] = {}


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
        self.country = settings.country
        self.subdivision = settings.subdivision
        self.tz = settings.zone
        self.work_start: time = settings.work_start
        self.work_end: time = settings.work_end
        self._workday: dict[date, bool] = {}
        self._opens: dict[date, datetime] = {}
        self._closes: dict[date, datetime] = {}
        self._after: dict[tuple[date, int], date] = {}

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

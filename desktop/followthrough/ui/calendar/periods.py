"""The periods the calendar shows: where a week and a month grid start, a month later."""

from __future__ import annotations

from datetime import date, timedelta

AGENDA_DAYS = 14  # days the agenda shows at a time


def week_start(day: date, first_weekday: int) -> date:
    """The first day of the week holding `day`; weekdays count 1 (Monday) to 7 (Sunday)."""
    return day - timedelta(days=(day.isoweekday() - first_weekday) % 7)


def month_grid_start(day: date, first_weekday: int) -> date:
    """The first day of the 6-week grid that shows `day`'s month."""
    return week_start(day.replace(day=1), first_weekday)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))

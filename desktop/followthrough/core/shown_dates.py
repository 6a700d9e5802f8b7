"""The one place a day or a time becomes text a person reads: "Thu 3 Dec 2026",
"Thu 3 Dec 2026, 09:00", "09:00".

Every sentence of the core, every line the CLI prints and every date the window shows is made
here, so they all read alike. The day of the month has no leading zero, times are 24-hour, and
weekday and month names are English abbreviations from fixed tuples: never strftime's %a or
%b, which follow the process's LC_TIME. Machine forms (ISO in JSON, iCalendar values, file
names, the typed date fields) are not made here.
"""

from __future__ import annotations

from datetime import date, datetime, time

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))  # "00" to "59": faster than formatting each


def weekday(d: date, *, full: bool = False) -> str:
    """`d`'s weekday: "Thu" ("Thursday" when `full`). A datetime's own (local) day."""
    return (WEEKDAY_NAMES if full else WEEKDAYS)[d.weekday()]


def day(d: date, *, year: bool = True, named: bool = True, full: bool = False) -> str:
    """A day: "Thu 3 Dec 2026"; "Thu 3 Dec" without its `year`; "3 Dec 2026" not `named`
    (no weekday); "Thursday 3 December 2026" in `full` (for screen readers). A datetime is
    shown as its own (local) day."""
    month = (MONTH_NAMES if full else MONTHS)[d.month - 1]
    text = f"{d.day} {month}" + (f" {d.year}" if year else "")
    return f"{weekday(d, full=full)} {text}" if named else text


def time_of_day(moment: datetime | time) -> str:
    """A clock time, 24-hour: "09:00" (seconds and zone left out)."""
    return f"{TWO_DIGITS[moment.hour]}:{TWO_DIGITS[moment.minute]}"


def day_time(moment: datetime, *, year: bool = True) -> str:
    """A day and a time, in `moment`'s own zone: "Thu 3 Dec 2026, 09:00" ("Thu 3 Dec, 09:00"
    without its `year`)."""
    return f"{day(moment, year=year)}, {time_of_day(moment)}"

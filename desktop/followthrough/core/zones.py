"""Time zones: the country a zone lies in, and a time shown where the user is and where the
interview is.

Python's zoneinfo knows no countries: `resources/zones/` holds the IANA database's own map
(zone.tab, with the old names of zones) and the ISO 3166 names, read once when first asked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from followthrough.core.shown_dates import time_of_day, weekday
from followthrough.resources import resource_path


def _table(name: str) -> dict[str, str]:
    rows: dict[str, str] = {}
    text = resource_path("zones", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _tab, value = line.partition("\t")
            rows[key] = value
    return rows


@cache
def countries() -> dict[str, str]:
    """ISO 3166 code -> the country's name in English (US -> United States)."""
    return _table("countries.tab")


@cache
def _zone_countries() -> dict[str, str]:
    return _table("zone-countries.tab")


def zone_country(zone: str) -> str:
    """The ISO 3166 code of the country `zone` lies in ('America/New_York' -> 'US'); '' for a
    zone of no country (UTC, Etc/GMT+5)."""
    return _zone_countries().get(zone, "")


def place(zone: str) -> str:
    """A zone as a place name: 'America/New_York' -> 'New York'."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def time_there(moment: datetime, zone: str) -> str:
    """`moment` where the interview is, when the clock there reads otherwise than at
    `moment`'s own offset: '14:00 New York' ('Sun 23:00 Honolulu' on another day); ''
    when both read the same, or without a zone."""
    if not zone:
        return ""
    there = moment.astimezone(_zone(zone))
    if there.utcoffset() == moment.utcoffset():
        return ""
    day = f"{weekday(there)} " if there.date() != moment.date() else ""
    return f"{day}{time_of_day(there)} {place(zone)}"


def in_both_zones(
    moment: datetime, mine: tzinfo, zone: str, shown: Callable[[datetime], str] = time_of_day
) -> str:
    """`moment` in the user's zone (as `shown` makes it: a shown_dates function), then, when
    it reads otherwise, where the interview is: '19:00 · 14:00 New York'. Every place that
    shows a time uses this."""
    here = moment.astimezone(mine)
    there = time_there(here, zone)
    return f"{shown(here)} · {there}" if there else shown(here)

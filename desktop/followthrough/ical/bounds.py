"""Reading a calendar from outside (a file, a server): each on its own, and bounded.

A time zone definition is expanded rule by rule from its first onset whenever a time in it is
read; real zones change at most a few times a year, so a rule that recurs more often than
yearly (a 615-byte VTIMEZONE with FREQ=MINUTELY from 1601 grew past 1 GB) or a definition with
thousands of parts is refused before any time in it is read.

icalendar keeps every custom time zone it has parsed, by TZID, for the rest of the process,
and the first definition of a name wins: one bad file would then poison every later file (or
server answer) using the same TZID, in the window's long-lived process too. `parse` forgets
the zones each parse added, so every calendar is read with its own definitions.
"""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

from icalendar import Calendar, Component
from icalendar.timezone import tzp

from followthrough.core.model import ValidationError
from followthrough.core.text import shown

MAX_ZONES = 200  # VTIMEZONE components in one calendar; a real one uses a handful
MAX_ZONE_PARTS = 400  # STANDARD and DAYLIGHT parts of one zone (Outlook writes two)
MAX_ZONE_DATES = 1_000  # RDATE values in one part: a zone's whole history fits
ZONE_FREQUENCIES = ("YEARLY",)  # how often a real zone's rule recurs (RFC 5545 3.6.5)


class UnboundedCalendar(ValidationError):
    """A calendar that would make us compute without end; the message names the zone."""

    def __init__(self, message: str, tzid: str = "") -> None:
        super().__init__(message)
        self.tzid = tzid


class ZoneLookupError(ValueError):
    """A TZID the system cannot even look up (longer than a file name may be)."""


def _values(component: Component, name: str) -> list[object]:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_zone(zone: Component) -> None:
    tzid = str(zone.get("TZID", ""))
    name = f"the time zone '{shown(tzid, 60)}'"
    parts = zone.subcomponents
    if len(parts) > MAX_ZONE_PARTS:
        raise UnboundedCalendar(
            f"{name} has {len(parts)} parts; a time zone has at most {MAX_ZONE_PARTS}.", tzid
        )
    for part in parts:
        for rule in _values(part, "RRULE"):
            frequencies = rule.get("FREQ", []) if hasattr(rule, "get") else []
            frequency = str(frequencies[0]).upper() if frequencies else ""
            if frequency not in ZONE_FREQUENCIES:
                raise UnboundedCalendar(
                    f"{name} changes its offset by a rule that repeats "
                    f"{(frequency or 'without a frequency').lower()}; a real time zone's rule "
                    "repeats yearly.",
                    tzid,
                )
        dates = sum(len(getattr(value, "dts", [value])) for value in _values(part, "RDATE"))
        if dates > MAX_ZONE_DATES:
            raise UnboundedCalendar(
                f"{name} lists {dates} changes in one part; at most {MAX_ZONE_DATES} are read.",
                tzid,
            )


def _zone_cache() -> dict[str, object] | None:
    # icalendar's private cache of parsed VTIMEZONEs (TZP.__tz_cache); tests/ical check that
    # it is still there, so an icalendar upgrade that renames it is noticed.
    cache = getattr(tzp, "_TZP__tz_cache", None)
    return cache if isinstance(cache, dict) else None


def parse(data: str | bytes) -> list[Calendar]:
    """The calendars in `data`, read with their own time zones only (none kept afterwards).

    Raises ValueError as icalendar does for what it cannot parse (and for a TZID the system
    cannot look up). Call `check_bounded` on each
    calendar before reading any time in it.
    """
    cache = _zone_cache()
    known = set(cache) if cache is not None else set()
    try:
        return Calendar.from_ical(data, multiple=True)
    except OSError:  # a TZID too long for the system's zone files to look up
        raise ZoneLookupError("the name of a time zone (TZID) is too long to look up") from None
    finally:
        if cache is not None:
            for tzid in set(cache) - known:
                cache.pop(tzid, None)


_BEGIN_ZONE, _END_ZONE, _TZID = b"BEGIN:VTIMEZONE", b"END:VTIMEZONE", b"\nTZID:"


@functools.cache
def _system_zones() -> frozenset[bytes]:
    return frozenset(name.encode() for name in available_timezones())


def _line_start(data: bytes, what: bytes, at: int) -> int:
    """Where the next line that begins with `what` begins, from `at`; -1 if none."""
    while (found := data.find(what, at)) > 0 and data[found - 1 : found] != b"\n":
        at = found + 1
    return found


def without_system_zones(data: bytes) -> bytes:
    """`data` without the VTIMEZONE components whose TZID names a zone of the system's zone
    database (an IANA name, as this app writes them): icalendar reads a time in such a zone
    from the database, never from the definition, so the events read the same. Reading the
    definitions was a third of reading one of this app's interview events. A definition
    this cannot read plainly (its TZID folded, another case) is kept, and read as before."""
    if _BEGIN_ZONE not in data:
        return data
    kept: list[bytes] = []
    at = 0
    while (begin := _line_start(data, _BEGIN_ZONE, at)) >= 0:
        end = _line_start(data, _END_ZONE, begin)
        if end < 0:
            break
        stop = data.find(b"\n", end)
        stop = len(data) if stop < 0 else stop + 1
        named = data.find(_TZID, begin, end)
        line_end = data.find(b"\n", named + 1, end + 1) if named >= 0 else -1
        tzid = data[named + len(_TZID) : line_end].rstrip(b"\r") if line_end >= 0 else b""
        folded = data[line_end + 1 : line_end + 2] in (b" ", b"\t")
        kept.append(data[at:begin] if tzid in _system_zones() and not folded else data[at:stop])
        at = stop
    kept.append(data[at:])
    return b"".join(kept)


def parse_one(data: str | bytes) -> Calendar:
    """The one calendar in `data` (a CalDAV resource), as `parse` reads it, bounds checked;
    without the definitions of the system's zones (`without_system_zones`)."""
    calendars = parse(without_system_zones(data) if isinstance(data, bytes) else data)
    if len(calendars) != 1:
        raise ValueError(f"expected one calendar, found {len(calendars)}")
    check_bounded(calendars[0])
    return calendars[0]


def check_bounded(calendar: Component) -> None:
    """Raise UnboundedCalendar when reading `calendar`'s times could take without bound."""
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    if len(zones) > MAX_ZONES:
        raise UnboundedCalendar(
            f"the calendar defines {len(zones)} time zones; at most {MAX_ZONES} are read."
        )
    for zone in zones:
        _check_zone(zone)

"""VTIMEZONEs from followthrough.ical.timezones, read back by three independent-ish readers.

Every check serializes a VCALENDAR (PRODID, VERSION, our VTIMEZONE, VEVENTs with DTSTART/DTEND
in the zone) and parses the bytes with icalendar, vobject and the ``ical`` package; each reader's
DTSTART and DTEND, in UTC, must equal the instants planned with zoneinfo. The local times are
taken on and around every DST change (the hour and the minute before, the repeated hour where
there is one, the first minute after, the hour after, the day before and after) in 2024, 2026,
2039, 2045 and 2060, plus ordinary dates. Times skipped by a change are left out: they are not
valid local times. A repeated local time means its first occurrence (RFC 5545 3.3.5), which is
zoneinfo's ``fold=0``.

What the readers use for a TZID (read in their sources, .venv, icalendar 7.3, vobject 0.9.9,
ical 14.3):

* icalendar looks a TZID up in zoneinfo first (``tzp.cache_timezone_component`` only builds a
  tzinfo from the VTIMEZONE, with dateutil's ``tzical``, for an ID zoneinfo does not know) and
  caches that tzinfo process-wide under the TZID, first one wins.
* vobject builds a ``tzical`` tzinfo from every VTIMEZONE and registers it process-wide under
  its TZID unless that TZID is already registered (``TimezoneComponent.registerTzinfo``); an
  unregistered TZID falls back to pytz.
* ical (``Calendar._propagate_timezones``) uses its own TZif reader for a TZID in the system or
  tzdata database and builds ``IcsTimezoneInfo`` from the VTIMEZONE for any other.

So with the real IANA name icalendar and ical never read our VTIMEZONE. Every check therefore
runs again with the TZID renamed to ``Followthrough/Test-<zone>-<hash>`` in the VTIMEZONE and in
the events, which no database knows: all three readers must then compute from our VTIMEZONE
alone. The hash of the VTIMEZONE text keeps the name unique per content, since icalendar and
vobject would silently reuse an earlier VTIMEZONE with the same TZID. For the real-name run the
zone is dropped from vobject's registry first, so vobject reads this file's VTIMEZONE and not one
registered by an earlier test. icalendar and vobject both read VTIMEZONEs with dateutil's
``tzical``, so they are one implementation of VTIMEZONE rules, ical's is the other.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
import vobject.icalendar
from ical.calendar_stream import IcsCalendarStream

from followthrough.ical.timezones import add_timezones, vtimezone

ZONES = (
    "Australia/Sydney",
    "America/Santiago",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Africa/Johannesburg",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tehran",
    "Australia/Lord_Howe",
)
YEARS = (2024, 2026, 2039, 2045, 2060)
#: Spans across changes of rule: Tehran's DST ends 2022, Moscow's in 2011 (and its offset moves
#: again in 2014), the US rule changes in 2007, Australia's in 2008, Santiago's "first Sunday on
#: or after the 2nd" breaks the weekday rule in some years.
HISTORY = (
    ("Asia/Tehran", 2018, 2025),
    ("Europe/Moscow", 2009, 2016),
    ("America/New_York", 2005, 2009),
    ("Australia/Sydney", 2006, 2010),
    ("America/Santiago", 2021, 2031),
    ("Europe/London", 2024, 2060),
)
ALLOWED = {"DTSTART", "RRULE", "RDATE", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"}
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
STAMP = datetime(2024, 1, 1, tzinfo=UTC)


# -- the plan: local times and the instants they mean ------------------------------------------


@dataclass(frozen=True)
class Change:
    """A change of UTC offset found by scanning zoneinfo (independently of the module)."""

    at: datetime  # UTC
    before: timedelta
    after: timedelta


def changes(zone: str, first_year: int, last_year: int) -> list[Change]:
    """Scan every hour in UTC, then every minute of an hour in which the offset changed."""
    tz = ZoneInfo(zone)
    found: list[Change] = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC) - DAY
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC) + DAY
    offset = moment.astimezone(tz).utcoffset()
    while moment < end:
        following = moment + HOUR
        offset_next = following.astimezone(tz).utcoffset()
        if offset_next != offset:
            exact = moment
            while exact.astimezone(tz).utcoffset() == offset:
                exact += MINUTE
            assert offset is not None and offset_next is not None
            found.append(Change(exact, offset, offset_next))
        moment, offset = following, offset_next
    return found


def is_valid(zone: str, wall: datetime) -> bool:
    """False for a local time skipped by a change."""
    tz = ZoneInfo(zone)
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


def instant(zone: str, wall: datetime) -> datetime:
    return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def walls_around(change: Change) -> list[datetime]:
    """Local times on and around one change (some may be skipped ones; filtered later)."""
    before = (change.at + change.before).replace(tzinfo=None)  # wall clock reaches this...
    after = (change.at + change.after).replace(tzinfo=None)  # ...and jumps to this
    low, high = min(before, after), max(before, after)
    walls = [low - HOUR, low - MINUTE, high, high + MINUTE, high + HOUR, before - DAY, before + DAY]
    if after < before:  # repeated local times: its first minute, its middle, its last minute
        walls += [after, after + (before - after) / 2, before - MINUTE]
    else:  # skipped: the middle would be invalid; is_valid() proves it is filtered
        walls.append(before + (after - before) / 2)
    return walls


def ordinary_walls(year: int) -> list[datetime]:
    return [
        datetime(year, 1, 1, 0, 30),
        datetime(year, 1, 15, 12, 0),
        datetime(year, 4, 15, 9, 30),
        datetime(year, 6, 21, 12, 0),
        datetime(year, 7, 15, 23, 45),
        datetime(year, 10, 15, 18, 15),
        datetime(year, 12, 31, 23, 30),
    ]


@dataclass(frozen=True)
class Planned:
    uid: str
    start: datetime  # local wall time
    end: datetime
    start_utc: datetime
    end_utc: datetime


def plan(zone: str, walls: list[datetime]) -> list[Planned]:
    planned: list[Planned] = []
    for wall in sorted(set(walls)):
        if not is_valid(zone, wall):
            continue
        # Two hours later, or later still if that is skipped (Samoa skipped a whole day).
        end = next(wall + n * HOUR for n in range(2, 50) if is_valid(zone, wall + n * HOUR))
        uid = f"{wall:%Y%m%dT%H%M}-{len(planned)}@followthrough.test"
        planned.append(Planned(uid, wall, end, instant(zone, wall), instant(zone, end)))
    return planned


def plan_years(zone: str, first_year: int, last_year: int) -> list[Planned]:
    walls = [w for c in changes(zone, first_year, last_year) for w in walls_around(c)]
    for year in range(first_year, last_year + 1):
        walls += ordinary_walls(year)
    return plan(zone, [w for w in walls if first_year <= w.year <= last_year])


# -- calendars ---------------------------------------------------------------------------------


def new_calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//Followthrough//Tests//EN")
    calendar.add("VERSION", "2.0")
    return calendar


def event(item: Planned, tzid: str) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("UID", item.uid)
    ev.add("DTSTAMP", STAMP)
    ev.add("DTSTART", item.start, parameters={"TZID": tzid})
    ev.add("DTEND", item.end, parameters={"TZID": tzid})
    return ev


def aware_event(item: Planned, zone: str) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("UID", item.uid)
    ev.add("DTSTAMP", STAMP)
    ev.add("DTSTART", item.start.replace(tzinfo=ZoneInfo(zone)))
    ev.add("DTEND", item.end.replace(tzinfo=ZoneInfo(zone)))
    return ev


def custom_name(zone: str, timezone: icalendar.Timezone) -> str:
    digest = hashlib.sha256(timezone.to_ical()).hexdigest()[:12]
    return f"Followthrough/Test-{zone}-{digest}"


def with_tzid(zone: str, timezone: icalendar.Timezone, planned: list[Planned], tzid: str) -> bytes:
    """A calendar of `timezone`, renamed to `tzid` in place, and the planned events in it."""
    calendar = new_calendar()
    timezone["TZID"] = tzid
    calendar.add_component(timezone)
    for item in planned:
        calendar.add_component(event(item, tzid))
    return calendar.to_ical()


# -- the readers -------------------------------------------------------------------------------

Read = dict[str, tuple[datetime, datetime]]


def _utc(value: Any) -> datetime:
    assert isinstance(value, datetime), value
    assert value.tzinfo is not None, f"reader left {value} floating: it did not resolve the TZID"
    return value.astimezone(UTC)


def read_icalendar(data: bytes) -> Read:
    calendar = icalendar.Calendar.from_ical(data)
    return {
        str(ev["UID"]): (_utc(ev["DTSTART"].dt), _utc(ev["DTEND"].dt))
        for ev in calendar.walk("VEVENT")
    }


def read_vobject(data: bytes) -> Read:
    calendar = vobject.readOne(data.decode("utf-8"))
    return {
        ev.uid.value: (_utc(ev.dtstart.value), _utc(ev.dtend.value)) for ev in calendar.vevent_list
    }


def read_ical(data: bytes) -> Read:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {str(ev.uid): (_utc(ev.dtstart), _utc(ev.dtend)) for ev in calendar.events}


READERS = {"icalendar": read_icalendar, "vobject": read_vobject, "ical": read_ical}


def forget_in_vobject(tzid: str) -> None:
    """Drop `tzid` from vobject's process-wide registry, where the first VTIMEZONE read wins."""
    registry: dict[str, Any] = vars(vobject.icalendar)["__tzidMap"]
    registry.pop(tzid, None)


def assert_read_right(data: bytes, planned: list[Planned], what: str) -> None:
    expected = {p.uid: (p.start_utc, p.end_utc) for p in planned}
    for reader, read in READERS.items():
        got = read(data)
        wrong = {
            uid: (f"{p.start:%Y-%m-%d %H:%M}", expected[uid], got.get(uid))
            for uid, p in ((p.uid, p) for p in planned)
            if got.get(uid) != expected[uid]
        }
        assert not wrong, f"{reader} misreads {what}: {wrong}"


# -- reading back ------------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("zone", ZONES)
def test_readers_get_the_planned_instants(zone: str, year: int) -> None:
    planned = plan_years(zone, year, year)
    assert len(planned) >= 7

    # As the app writes it: aware datetimes, then add_timezones (padded by a year each side).
    calendar = new_calendar()
    for item in planned:
        calendar.add_component(aware_event(item, zone))
    add_timezones(calendar)
    (padded,) = calendar.walk("VTIMEZONE")
    forget_in_vobject(zone)
    assert_read_right(calendar.to_ical(), planned, f"{zone} {year} under its IANA name")

    # The same VTIMEZONE under a name no reader knows: only its rules count.
    data = with_tzid(zone, padded, planned, custom_name(zone, padded))
    assert_read_right(data, planned, f"{zone} {year} under a custom TZID")

    # No padding: vtimezone() alone must cover 1 January to 31 December of its years.
    exact = vtimezone(zone, date(year, 1, 1), date(year, 12, 31))
    data = with_tzid(zone, exact, planned, custom_name(zone, exact))
    assert_read_right(data, planned, f"{zone} {year} with an unpadded VTIMEZONE")


@pytest.mark.parametrize(("zone", "first_year", "last_year"), HISTORY)
def test_readers_follow_changes_of_rule(zone: str, first_year: int, last_year: int) -> None:
    planned = plan_years(zone, first_year, last_year)
    timezone = vtimezone(zone, date(first_year, 1, 1), date(last_year, 12, 31))
    data = with_tzid(zone, timezone, planned, custom_name(zone, timezone))
    assert_read_right(data, planned, f"{zone} {first_year}-{last_year} under a custom TZID")


def test_vobject_ignores_a_vtimezone_that_looks_like_utc() -> None:
    """vobject cannot use the VTIMEZONE of a zone at +00:00 all year: checked with its name.

    ``TimezoneComponent.registerTzinfo`` registers nothing when ``pickTzid`` finds the tzinfo
    equal to UTC (``tzinfo_eq`` over 1 January 2000 and the transitions of 2000-2019), so under
    a custom TZID vobject leaves the times floating. Under the IANA name it falls back to pytz,
    which is right for such a zone. None of ZONES is affected; icalendar and ical use the
    VTIMEZONE either way.
    """
    zone = "Africa/Abidjan"
    planned = plan_years(zone, 2026, 2026)
    timezone = vtimezone(zone, date(2026, 1, 1), date(2026, 12, 31))
    data = with_tzid(zone, timezone, planned, custom_name(zone, timezone))
    with pytest.raises(AssertionError, match="floating"):
        read_vobject(data)
    expected = {p.uid: (p.start_utc, p.end_utc) for p in planned}
    assert read_icalendar(data) == expected
    assert read_ical(data) == expected
    forget_in_vobject(zone)
    data = with_tzid(zone, vtimezone(zone, date(2026, 1, 1), date(2026, 12, 31)), planned, zone)
    assert read_vobject(data) == expected


def test_a_zone_at_utc_in_winter_is_described_from_2019() -> None:
    """Else vobject would take Europe/London for UTC (see above) and ignore its VTIMEZONE."""
    timezone = vtimezone("Europe/London", date(2060, 1, 1), date(2060, 12, 31))
    assert min(sub["DTSTART"].dt for sub in timezone.subcomponents).year <= 2019
    assert len(timezone.subcomponents) == 2  # still one rule each: unchanged since 1996
    berlin = vtimezone("Europe/Berlin", date(2060, 1, 1), date(2060, 12, 31))
    assert min(sub["DTSTART"].dt for sub in berlin.subcomponents).year == 2059


def test_the_plan_covers_what_the_brief_asks() -> None:
    """Guard the test itself: repeated hours are in, skipped ones out, both kinds occur."""
    planned = plan_years("Europe/Berlin", 2024, 2024)
    walls = {p.start for p in planned}
    assert datetime(2024, 3, 31, 1, 59) in walls  # the minute before the spring change
    assert datetime(2024, 3, 31, 3, 0) in walls  # the first minute after it
    assert datetime(2024, 3, 31, 2, 30) not in walls  # skipped
    assert datetime(2024, 10, 27, 2, 30) in walls  # repeated: means its first occurrence
    first = next(p for p in planned if p.start == datetime(2024, 10, 27, 2, 30))
    assert first.start_utc == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # still CEST


# -- what Outlook can read ---------------------------------------------------------------------


def spans() -> Iterator[tuple[str, int, int]]:
    for zone in ZONES:
        for year in YEARS:
            yield zone, year - 1, year + 1
    yield from HISTORY


def rule_parts(sub: icalendar.Component) -> dict[str, list[Any]]:
    rrule = sub["RRULE"]
    assert not isinstance(rrule, list), "one RRULE per sub-component"
    return {str(key).upper(): list(value) for key, value in rrule.items()}


def rdates(sub: icalendar.Component) -> list[datetime]:
    value = sub.get("RDATE")
    if value is None:
        return []
    lists = value if isinstance(value, list) else [value]
    return [dt.dt for each in lists for dt in each.dts]


@pytest.mark.parametrize(("zone", "first_year", "last_year"), list(spans()))
def test_outlook_can_read_it(zone: str, first_year: int, last_year: int) -> None:
    built = vtimezone(zone, date(first_year, 1, 1), date(last_year, 12, 31))
    timezone = icalendar.Timezone.from_ical(built.to_ical())  # what a reader sees
    assert isinstance(timezone, icalendar.Timezone)
    assert str(timezone["TZID"]) == zone
    subs = timezone.subcomponents
    assert subs
    for sub in subs:
        assert sub.name in {"STANDARD", "DAYLIGHT"}
        assert set(sub) <= ALLOWED, f"{zone}: {sorted(set(sub) - ALLOWED)}"
        assert {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"} <= set(sub)
        start = sub["DTSTART"].dt
        assert isinstance(start, datetime) and start.tzinfo is None  # local time, as RFC 5545
        if "RRULE" in sub:
            parts = rule_parts(sub)
            assert parts["FREQ"] == ["YEARLY"]
            assert set(parts) <= {"FREQ", "BYMONTH", "BYDAY", "COUNT"}, parts
            assert [int(month) for month in parts["BYMONTH"]] == [start.month]
            (byday,) = parts["BYDAY"]
            assert byday.weekday == ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
            assert byday.relative in {1, 2, 3, 4, -1}
            assert "RDATE" not in sub
        else:
            assert rdates(sub) == [start], "a one-off: one RDATE, equal to DTSTART"

    # The current era: the rules without an end.
    open_rules = [s for s in subs if "RRULE" in s and "COUNT" not in rule_parts(s)]
    kinds = Counter(s.name for s in open_rules)
    has_dst_now = any(c.at.year == last_year for c in changes(zone, last_year, last_year))
    if has_dst_now:
        assert kinds == Counter({"STANDARD": 1, "DAYLIGHT": 1}), (zone, kinds)
        latest = max(s["DTSTART"].dt for s in open_rules)
        assert all(s["DTSTART"].dt <= latest for s in subs), "no one-off after the rules"
    else:
        assert not open_rules
        last = max(subs, key=lambda s: s["DTSTART"].dt)
        assert last.name == "STANDARD"
        assert last["TZOFFSETFROM"].td == last["TZOFFSETTO"].td


def test_one_standard_component_for_a_zone_without_dst() -> None:
    (standard,) = vtimezone("Asia/Tokyo", date(2026, 3, 1), date(2026, 3, 1)).subcomponents
    assert standard.name == "STANDARD"
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == timedelta(hours=9)
    assert str(standard["TZNAME"]) == "JST"


def test_the_rules_outlook_keeps() -> None:
    timezone = vtimezone("Europe/Berlin", date(2026, 5, 1), date(2026, 5, 1))
    text = timezone.to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "DTSTART:20250330T020000\r\n" in text  # onset in the local time before the change
    assert "DTSTART:20251026T030000\r\n" in text
    timezone = vtimezone("America/New_York", date(2026, 5, 1), date(2026, 5, 1))
    text = timezone.to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n" in text
    timezone = vtimezone("Australia/Lord_Howe", date(2060, 1, 1), date(2060, 1, 1))
    text = timezone.to_ical().decode()
    assert "TZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\n" in text  # 30-minute DST


def test_a_rule_that_ends_counts_its_years() -> None:
    timezone = vtimezone("America/New_York", date(2005, 1, 1), date(2009, 12, 31))
    text = timezone.to_ical().decode()
    # 2004-2006: first Sunday of April and last Sunday of October, three years each.
    assert "RRULE:FREQ=YEARLY;COUNT=3;BYDAY=1SU;BYMONTH=4\r\n" in text
    assert "RRULE:FREQ=YEARLY;COUNT=3;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "UNTIL" not in text


def test_vtimezone_returns_a_fresh_component() -> None:
    first = vtimezone("Europe/London", date(2026, 1, 1), date(2026, 12, 31))
    first["TZID"] = "changed"
    second = vtimezone("Europe/London", date(2026, 1, 1), date(2026, 12, 31))
    assert str(second["TZID"]) == "Europe/London"


def test_vtimezone_rejects_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        vtimezone("Mars/Olympus_Mons", date(2026, 1, 1), date(2026, 1, 1))


# -- add_timezones -----------------------------------------------------------------------------


def mixed_calendar() -> icalendar.Calendar:
    berlin = ZoneInfo("Europe/Berlin")
    calendar = new_calendar()
    meeting = icalendar.Event()
    meeting.add("UID", "meeting@followthrough.test")
    meeting.add("DTSTAMP", STAMP)
    meeting.add("SUMMARY", "Folgegespräch mit der Personalabteilung – " * 3)
    meeting.add("DTSTART", datetime(2026, 3, 2, 9, 0, tzinfo=berlin))
    meeting.add("DTEND", datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("America/New_York")))
    meeting.add("RRULE", {"FREQ": "WEEKLY", "COUNT": 4})
    meeting.add("EXDATE", [datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Kolkata"))])
    meeting.add("RDATE", [datetime(2028, 7, 1, 9, 0, tzinfo=ZoneInfo("Pacific/Auckland"))])
    calendar.add_component(meeting)
    moved = icalendar.Event()
    moved.add("UID", "meeting@followthrough.test")
    moved.add("DTSTAMP", STAMP)
    moved.add("RECURRENCE-ID", datetime(2026, 3, 16, 9, 0, tzinfo=berlin))
    moved.add("DTSTART", datetime(2026, 3, 17, 9, 0, tzinfo=ZoneInfo("Australia/Sydney")))
    moved.add("DTEND", datetime(2026, 3, 17, 10, 0, tzinfo=UTC))
    calendar.add_component(moved)
    todo = icalendar.Todo()
    todo.add("UID", "todo@followthrough.test")
    todo.add("DTSTAMP", STAMP)
    todo.add("DUE", datetime(2027, 1, 5, 17, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires")))
    todo.add("DTSTART", date(2027, 1, 4))
    calendar.add_component(todo)
    return calendar


def test_add_timezones_adds_one_per_zone_used_and_none_for_utc() -> None:
    calendar = mixed_calendar()
    add_timezones(calendar)
    tzids = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert sorted(tzids) == sorted(set(tzids))
    assert set(tzids) == {
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Pacific/Auckland",
        "Australia/Sydney",
        "America/Argentina/Buenos_Aires",
    }
    # Before the components that use them.
    names = [sub.name for sub in calendar.subcomponents]
    assert names[: len(tzids)] == ["VTIMEZONE"] * len(tzids)
    # A second call adds nothing.
    add_timezones(calendar)
    assert len(calendar.walk("VTIMEZONE")) == len(tzids)


def test_add_timezones_covers_the_dates_used_padded_by_a_year() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    calendar = new_calendar()
    for uid, day in (("a", datetime(2026, 6, 1, 9)), ("b", datetime(2028, 2, 1, 9))):
        ev = icalendar.Event()
        ev.add("UID", uid)
        ev.add("DTSTAMP", STAMP)
        ev.add("DTSTART", day.replace(tzinfo=berlin))
        calendar.add_component(ev)
    add_timezones(calendar)
    (timezone,) = calendar.walk("VTIMEZONE")
    expected = vtimezone("Europe/Berlin", date(2025, 1, 1), date(2029, 12, 31))
    assert timezone.to_ical() == expected.to_ical()


def test_add_timezones_rejects_a_tzid_it_cannot_describe() -> None:
    calendar = new_calendar()
    ev = icalendar.Event()
    ev.add("UID", "x")
    ev.add("DTSTAMP", STAMP)
    ev.add("DTSTART", datetime(2026, 1, 1, 9), parameters={"TZID": "W. Europe Standard Time"})
    calendar.add_component(ev)
    with pytest.raises(ValueError, match=r"W\. Europe Standard Time"):
        add_timezones(calendar)


def test_output_lines_end_in_crlf_and_fold_at_75_octets() -> None:
    calendar = mixed_calendar()
    add_timezones(calendar)
    data = calendar.to_ical()
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long SUMMARY was folded
    # And the whole thing reads back in all three readers (vobject: with this file's zones).
    for tzid in {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}:
        forget_in_vobject(tzid)
    for read in READERS.values():
        start, _ = read(data)["meeting@followthrough.test"]
        assert start in {
            datetime(2026, 3, 2, 8, 0, tzinfo=UTC),  # the series
            datetime(2026, 3, 16, 22, 0, tzinfo=UTC),  # the moved one (readers keep one)
        }

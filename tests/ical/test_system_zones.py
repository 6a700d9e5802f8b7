"""A resource's definitions of the system's own zones are left out before it is read: its
events read the same, and only definitions icalendar would never use go."""

from __future__ import annotations

from datetime import timedelta

from followthrough.ical.bounds import parse_one, without_system_zones
from followthrough.sync.events import content_key, main_event

ZONE = b"""BEGIN:VTIMEZONE\r
TZID:%(tzid)s\r
BEGIN:STANDARD\r
DTSTART:19700101T000000\r
TZNAME:ODD\r
TZOFFSETFROM:+0300\r
TZOFFSETTO:+0300\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def _calendar(*zones: bytes, tzid: bytes = b"America/New_York") -> bytes:
    return (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
        + b"".join(zones)
        + b"BEGIN:VEVENT\r\nUID:a@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
        b"DESCRIPTION:not a line of its own: END:VTIMEZONE\r\n"
        b"DTSTART;TZID=" + tzid + b":20261201T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_a_system_zone_s_definition_goes_and_the_event_reads_the_same() -> None:
    data = _calendar(ZONE % {b"tzid": b"America/New_York"})
    stripped = without_system_zones(data)
    assert stripped == _calendar()  # the event's line that names END:VTIMEZONE stays
    event = main_event(data)
    assert event is not None
    start = event.decoded("DTSTART")
    # The database's New York, not the definition's +03:00 (which icalendar never used).
    assert start.utcoffset() == timedelta(hours=-5)
    assert content_key(data) == content_key(stripped)


def test_other_definitions_are_kept() -> None:
    custom = ZONE % {b"tzid": b"Custom Zone"}
    folded = (ZONE % {b"tzid": b"America/New_"}).replace(
        b"America/New_\r\n", b"America/New_\r\n York\r\n"
    )
    lower = (ZONE % {b"tzid": b"Europe/Paris"}).replace(b"BEGIN:VTIMEZONE", b"begin:vtimezone")
    params = (ZONE % {b"tzid": b"Europe/Paris"}).replace(b"TZID:", b"TZID;X-A=b:")
    for zone in (custom, folded, lower, params):
        data = _calendar(zone)
        assert without_system_zones(data) == data
    both = _calendar(custom, ZONE % {b"tzid": b"Europe/Paris"}, tzid=b"Custom Zone")
    stripped = without_system_zones(both)
    assert b"TZID:Custom Zone" in stripped and b"TZID:Europe/Paris" not in stripped
    calendar = parse_one(both)  # read with its custom zone, the other left out
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=3)


def test_nothing_to_leave_out() -> None:
    data = _calendar()
    assert without_system_zones(data) is data
    broken = _calendar(b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n")  # never ended
    assert without_system_zones(broken) == broken

"""The events of a calendar as bytes: what they say, and whether two say the same (no Qt).

Servers may store an event re-serialized, so events are compared by what they say
(`content_key`), never byte for byte.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import Event


def content_key(data: bytes) -> str:
    """A hash of what the events in an iCalendar file say, whatever their serialization.

    Servers may store an event re-serialized (lines folded elsewhere, properties or
    parameters in another order); this hash only changes when a value does. Raises
    ValueError for what cannot be read (UnboundedCalendar for a time zone without bounds).
    """
    from followthrough.ical.bounds import parse_one

    digest = hashlib.sha256()
    calendar = parse_one(data)
    events = sorted(
        (
            sorted(
                (
                    str(name).upper(),
                    value.to_ical() if hasattr(value, "to_ical") else str(value).encode(),
                    sorted(
                        (str(k).upper(), str(v)) for k, v in getattr(value, "params", {}).items()
                    ),
                )
                for name, value in event.property_items(recursive=False)
                if str(name).upper() not in ("BEGIN", "END")
            )
            for event in calendar.walk("VEVENT")
        ),
        key=repr,
    )
    digest.update(repr(events).encode())
    return digest.hexdigest()


def same_as_sent(remote: bytes, ours: bytes) -> bool:
    """Whether a resource holds the events of `ours`, a file this computer made (readable by
    construction): given back as sent, its lines perhaps ended by LF only (an XML answer's
    text has no CR), nothing is read (adopting a calendar of thousands of our events once read
    each one twice); else as `same_events`."""
    if remote.replace(b"\r\n", b"\n") == ours.replace(b"\r\n", b"\n"):
        return True
    return same_events(remote, ours)


def same_events(remote: bytes, ours: bytes) -> bool:
    """Whether two resources hold the same events, whatever their serialization."""
    try:
        return content_key(remote) == content_key(ours)
    except ValueError:  # not iCalendar we can read: not ours as we would send it
        return False


def main_event(data: bytes) -> Event | None:
    """The one VEVENT of a resource (its master when it recurs), or None."""
    from followthrough.ical.bounds import parse_one

    try:
        calendar = parse_one(data)
    except ValueError:  # UnboundedCalendar is one too
        return None
    events = calendar.walk("VEVENT")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    return masters[0] if len(masters) == 1 else None  # type: ignore[return-value]

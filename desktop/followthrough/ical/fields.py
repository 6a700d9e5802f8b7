"""What an event from outside (a file, a server) may hold in the properties we read back:
each value is checked before it is believed, with the same rules as the CLI's.

A property an event has once (RFC 5545 3.6.1) given twice; JSON of ours that is too long, too
deep, or of the wrong types; an enum, a date or a number out of shape: each is one
ValidationError saying which, repeating at most a short excerpt of the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TypeVar

from icalendar import Event

from followthrough.core.codec import activity_from_dict, interviewer_from_dict
from followthrough.core.model import (
    Activity,
    Channel,
    Interviewer,
    Pace,
    ValidationError,
    check_year,
    derived_id,
    is_id,
)
from followthrough.core.text import shown

# Properties RFC 5545 (3.6.1) allows at most once in a VEVENT: icalendar hands a list where
# one is given twice, so each event is checked before any of them is read.
SINGLE = (
    "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "SUMMARY", "SEQUENCE", "DESCRIPTION",
    "LOCATION", "STATUS", "URL", "ORGANIZER", "CREATED", "LAST-MODIFIED", "CLASS", "TRANSP",
    "PRIORITY", "RECURRENCE-ID",
)
_INTERVIEWER_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")  # p1, p2...: part of a step's key
MAX_ROUND_DIGITS = 3


def first_uid(event: Event) -> str:
    """The event's UID as text (the first one, should a broken file give several)."""
    value = event.get("UID", "")
    return str(value[0] if isinstance(value, list) and value else value)


def repeated(event: Event) -> str:
    """The first of SINGLE that `event` gives more than once, or ""."""
    return next((name for name in SINGLE if isinstance(event.get(name), list)), "")


MAX_JSON = 50_000  # characters of one X- JSON value: a 10,000-character note, every one escaped


def json_value(text: str) -> object:
    """One JSON value of ours: bounded in size, and in depth (nesting is not ours either)."""
    if len(text) > MAX_JSON:
        raise ValidationError(f"a JSON value is longer than {MAX_JSON} characters")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValidationError("a JSON value is nested too deeply") from None
    except ValueError:
        raise ValidationError(f"'{shown(text, 40)}' is not JSON") from None


def interviewer(data: object) -> Interviewer:
    """An interviewer from a calendar: a JSON object of texts, with a key of our shape."""
    if not isinstance(data, dict):
        raise ValidationError("an interviewer is not a JSON object")
    for name in ("name", "email", "title", "phone", "key"):
        if not isinstance(data.get(name, ""), str):
            raise ValidationError(f"an interviewer's {name} is not text")
    for name in ("topics", "clarify"):  # what to mention to this person: lists of texts
        values = data.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValidationError(f"an interviewer's {name} is not a list of texts")
    key = data.get("key", "p1")
    if not _INTERVIEWER_KEY.match(key):
        raise ValidationError(f"'{shown(key, 40)}' is not the key of an interviewer")
    return interviewer_from_dict({"name": "", **data}).validated()


_Choice = TypeVar("_Choice", Channel, Pace)


def choice(kind: type[_Choice], text: str, what: str) -> _Choice:
    try:
        return kind(text)
    except ValueError:
        raise ValidationError(f"'{shown(text, 40)}' is not a {what}") from None


def day(text: str, what: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"the {what} '{shown(text, 40)}' is not a date") from None
    check_year(value, what)
    return value


def round_number(text: str) -> int:
    digits = text.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_ROUND_DIGITS:
        raise ValidationError(f"the round '{shown(text, 40)}' is not a whole number")
    return int(digits)


def application(text: str) -> str:
    """The id of the application an interview is a round of ("" for none given: its own)."""
    value = text.strip()
    if value and not is_id(value):
        raise ValidationError(f"'{shown(text, 40)}' is not the id of an application")
    return value


STAMP_FORMAT = "%Y%m%dT%H%M%SZ"  # an instant in UTC, as iCalendar writes one


def invitation_revision(sequence: str, stamp: str) -> tuple[int, datetime | None]:
    """The SEQUENCE and DTSTAMP of the invitation an interview came from, as our X-
    properties carry them ("" for none)."""
    digits = sequence.strip() or "0"
    if not digits.isascii() or not digits.isdigit() or len(digits) > 10:
        raise ValidationError(f"the invitation's SEQUENCE '{shown(sequence, 40)}' is not a number")
    if not stamp:
        return int(digits), None
    try:
        moment = datetime.strptime(stamp[:40], STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValidationError(f"the time stamp '{shown(stamp, 40)}' is not a UTC time") from None
    check_year(moment, "invitation's time stamp")
    return int(digits), moment


def foreign_activity(data: object, interview_id: str) -> Activity:
    """An activity from a calendar, checked as the CLI checks one; an id not of our shape is
    re-keyed (the same way each time, so importing the file again finds it)."""
    if not isinstance(data, dict):
        raise TypeError("an activity is not a JSON object")
    activity = activity_from_dict(data)
    if not is_id(activity.id):
        activity = replace(activity, id=derived_id(interview_id, repr(activity.id)))
    return activity.validated()

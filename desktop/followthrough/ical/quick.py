"""Reading an event of ours without the full parser (no Qt).

A second computer's first sync reads every event of ours, and the full parser (icalendar,
through ical.bounds) spends milliseconds on each. An event as we write it, or as a calendar
app re-saves it, is plain: one VEVENT (a step's with an alarm), its times in an IANA zone or
in UTC. `quick_event` reads it straight from its content lines, once: the few properties a
step's state needs (`mapping.step_state`), or every value an interview is read from
(`mapping.interview_from`, as the full reader does). It answers None for anything else: a
date, a floating time, a zone that is not an IANA name, a recurrence, a property given
twice, another component, a line out of shape, a value the mapping refuses. Those go
through the full parser, which reads them (or says why it cannot) as before.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followthrough.ical.fields import SINGLE
from followthrough.ical.mapping import (
    ImportedInterview,
    MappingError,
    StepState,
    X,
    created_if_sensible,
    interview_from,
    parse_uid,
    step_state,
    unescape_text,
)

_FOLD = re.compile(r"\r?\n[ \t]")
# name, parameters, value: each parameter value quoted or plain, as RFC 5545 3.1 has them.
_LINE = re.compile(
    r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)'
)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:]*)')
_LOCAL = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_REFUSED = frozenset(("RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"))
_SINGLE = frozenset(SINGLE)
# The components each may hold: a step event of ours an alarm, a time zone its rules.
_INNER = {"VEVENT": ("VALARM",), "VTIMEZONE": ("STANDARD", "DAYLIGHT")}
MAX_LINES = 2_000  # a step event of ours has a few dozen; more goes the full way


@lru_cache(maxsize=64)
def _zone(tzid: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _instant(value: str, params: dict[str, str]) -> datetime | None:
    if params.keys() - {"TZID", "VALUE"} or params.get("VALUE", "DATE-TIME") != "DATE-TIME":
        return None
    found = _LOCAL.fullmatch(value)
    if found is None:
        return None
    year, month, day, hour, minute, second, utc = found.groups()
    tzid = params.get("TZID", "")
    if utc and tzid:
        return None
    zone = UTC if utc else _zone(tzid) if tzid else None
    if zone is None:  # floating, or not a zone we can name: the full reader says which
        return None
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError:
        return None


def _vevent(body: bytes) -> dict[str, list[tuple[str, str]]] | None:
    """The properties of a plain event's one VEVENT: each name's (value, parameters as
    written), in the file's order; None for anything else."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = _FOLD.sub("", text).splitlines()
    if len(lines) > MAX_LINES or not lines or lines[0] != "BEGIN:VCALENDAR":
        return None
    if lines[-1] != "END:VCALENDAR":
        return None
    found: dict[str, list[tuple[str, str]]] = {}
    stack: list[str] = []
    events = 0
    for line in lines[1:-1]:
        matched = _LINE.fullmatch(line)
        if matched is None:
            return None
        name, params, content = matched.group(1).upper(), matched.group(2), matched.group(3)
        if name in ("BEGIN", "END"):
            what = content.upper()
            if name == "BEGIN":
                if stack and what not in _INNER.get(stack[-1], ()):
                    return None
                if not stack and what not in ("VEVENT", "VTIMEZONE"):
                    return None
                events += what == "VEVENT"
                stack.append(what)
            elif not stack or stack.pop() != what:
                return None
            continue
        if stack != ["VEVENT"]:
            continue  # inside a VTIMEZONE or an alarm, or the calendar's own lines
        if name in _REFUSED or (name in _SINGLE and name in found):
            return None
        found.setdefault(name, []).append((content, params))
    if stack or events != 1 or "UID" not in found or "DTSTART" not in found:
        return None
    return found


def _params(written: str) -> dict[str, str]:
    return {k.upper(): v.strip('"') for k, v in _PARAM.findall(written)}


def quick_event(body: bytes) -> tuple[str, StepState] | ImportedInterview | None:
    """A plain event of ours read from its content lines, once: a step's (interview id, the
    step as the calendar shows it), or an interview as `mapping.read_interview` reads it in
    full; None for anything else: read it in full (which reads it, or says why it cannot)."""
    found = _vevent(body)
    if found is None:
        return None
    uid = unescape_text(found["UID"][0][0])
    parsed = parse_uid(uid)
    if parsed is None:
        return None
    return _step(uid, found) if parsed[1] else _interview(uid, found)


def quick_step(body: bytes) -> tuple[str, StepState] | None:
    """(interview id, the step as the calendar shows it), or None: read it in full."""
    read = quick_event(body)
    return read if isinstance(read, tuple) else None


def quick_interview(body: bytes) -> ImportedInterview | None:
    """An interview event of ours, or None: read it in full."""
    read = quick_event(body)
    return read if isinstance(read, ImportedInterview) else None


def _step(uid: str, found: dict[str, list[tuple[str, str]]]) -> tuple[str, StepState] | None:
    start = _instant(found["DTSTART"][0][0], _params(found["DTSTART"][0][1]))
    sequence = found.get("SEQUENCE", [("0", "")])[0][0]
    if start is None or not _INTEGER.fullmatch(sequence):
        return None

    def value(name: str) -> str:
        return unescape_text(found[name][0][0]) if name in found else ""

    try:
        return step_state(
            uid, value("SUMMARY"), value(X + "STATUS"), value("STATUS"), start, int(sequence)
        )
    except MappingError:  # the full reader says why, with the line
        return None


class _NotPlain(Exception):
    """A value the quick reader leaves to the full one."""


class _QuickFields:
    """mapping.EventFields of a plain interview event, from its content lines."""

    def __init__(self, uid: str, found: dict[str, list[tuple[str, str]]]) -> None:
        self.uid, self.found = uid, found

    def texts(self, name: str) -> list[str]:
        # icalendar unescapes TEXT as unescape_text does; X- ones it gives raw, and the
        # mapping unescapes them: either way, once (tests/ical/test_quick_interview.py).
        return [unescape_text(value) for value, _params in self.found.get(name, ())]

    def instant(self, name: str) -> datetime:
        (value, written), *_rest = self.found.get(name) or [("", "")]
        moment = _instant(value, _params(written)) if value else None
        if moment is None:
            raise _NotPlain(name)
        return moment

    def tz_name(self, name: str) -> str:
        (value, written), *_rest = self.found[name]
        tzid = _params(written).get("TZID", "")
        if tzid:
            return tzid
        if value.endswith("Z"):
            return "UTC"
        raise _NotPlain(name)

    def created(self) -> datetime | None:
        if "CREATED" not in self.found:
            return None
        return created_if_sensible(self.instant("CREATED"))

    def sequence(self) -> int:
        written = self.found.get("SEQUENCE", [("0", "")])[0][0]
        if not _INTEGER.fullmatch(written):
            raise _NotPlain("SEQUENCE")
        return int(written)


def _interview(uid: str, found: dict[str, list[tuple[str, str]]]) -> ImportedInterview | None:
    try:
        return interview_from(_QuickFields(uid, found))
    except (_NotPlain, MappingError):
        return None

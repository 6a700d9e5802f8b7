"""Reading .ics files: our own exports (round trip) and employers' interview invitations.

Everything is checked before anything is stored: a file that is too big, binary, truncated or
malformed gives one IcsImportError naming the line, and nothing is imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event

from followthrough.core.model import (
    Activity,
    Channel,
    Interview,
    Interviewer,
    Step,
    ValidationError,
    check_instant,
)
from followthrough.core.text import shown
from followthrough.files import FileReadError, read_capped
from followthrough.ical.bounds import (
    UnboundedCalendar,
    ZoneLookupError,
    check_bounded,
    parse,
)
from followthrough.ical.fields import first_uid, repeated
from followthrough.ical.mapping import (
    ImportedInterview,
    MappingError,
    changes_from_calendar,
    interview_family,
)
from followthrough.store import Store

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 8
MAX_LINE = 100_000
_CONTENT_LINE = re.compile(
    r'^[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:'
)
# Video meetings an invitation may link to; a link is a https:// word naming one of them.
MEETING_HOSTS = (
    "zoom.us",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "webex.com",
    "whereby.com",
)
_WORD = re.compile(r'[^\s<>"]+')  # one pass, no backtracking
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
MAX_TITLE = 256  # characters of a SUMMARY read for the company and the role
_TITLE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"interview for (?P<role>.+?) (?:at|with) (?P<company>.+)$",
        r"interview (?:with|at) (?P<company>.+?)(?:\s+(?:for|-|–|:)\s+(?P<role>.+))?$",
        r"^(?P<company>.+?) interview\b(?:\s*[-–:|]\s*(?P<role>.+))?",
        r"^(?P<company>.+?)\s+[-–|:]\s+(?P<role>.+)$",
    )
)
_INVITATION_METHODS = ("REQUEST", "PUBLISH", "")
_LONG_TZID = re.compile(r"TZID=[^:;\n]{200}", re.IGNORECASE)  # bounded at each TZID: linear


class IcsImportError(ValidationError):
    """A file that cannot be imported; nothing of it was stored."""


@dataclass
class IcsContent:
    """What a file holds, sorted into what we import and what we skip (with the reason)."""

    ours: list[ImportedInterview] = field(default_factory=list)
    invitations: list[Interview] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check_ics(data: bytes, label: str) -> str:
    """The text of a well-formed iCalendar file, its lines ended by LF whatever ended them
    (CRLF, LF or CR), or IcsImportError with the line at fault."""
    if len(data) > MAX_BYTES:
        raise IcsImportError(
            f"{label} is {len(data) / 1_048_576:.0f} MB; an iCalendar file to import must be "
            f"under {MAX_BYTES // 1_048_576} MB."
        )
    if not data.strip():
        raise IcsImportError(f"{label} is empty.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise IcsImportError(
            f"{label}, line {line}: this is not a text iCalendar file (not UTF-8)."
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stack: list[tuple[str, int]] = []
    saw_calendar = False
    logical = ""
    logical_start = zone_ids = 0
    for number, raw in enumerate([*lines, ""], start=1):
        if len(raw) > MAX_LINE:
            raise IcsImportError(f"{label}, line {number}: a line is too long.")
        if raw.startswith((" ", "\t")) and number <= len(lines):
            logical += raw[1:]
            if len(logical) > MAX_LINE:
                raise IcsImportError(f"{label}, line {logical_start}: a line is too long.")
            continue
        if logical:
            _check_line(logical, logical_start, label, stack)
            upper = logical[:16].upper()
            saw_calendar = saw_calendar or upper == "BEGIN:VCALENDAR"
            zone_ids = 0 if upper == "BEGIN:VTIMEZONE" else zone_ids
            if stack[-1:] and stack[-1][0] == "VTIMEZONE" and upper.startswith(("TZID:", "TZID;")):
                zone_ids += 1
                if zone_ids > 1:  # icalendar's parser fails on it with an AttributeError
                    raise IcsImportError(
                        f"{label}, line {logical_start}: a time zone gives TZID more than "
                        "once; it has one."
                    )
        logical, logical_start = raw, number
        if "\x00" in raw:
            raise IcsImportError(f"{label}, line {number}: the file contains binary data.")
    if not saw_calendar:
        raise IcsImportError(
            f"{label}, line 1: this is not an iCalendar file (no BEGIN:VCALENDAR)."
        )
    if stack:
        name, opened = stack[-1]
        raise IcsImportError(
            f"{label}, line {len(lines)}: the file ends before END:{shown(name, 40)} "
            f"(opened on line {opened}); it may be truncated."
        )
    # icalendar splits lines at LF or CRLF only: a file ending its lines with CR alone (old
    # Mac style) would be one line to it. The lines counted above are the ones it reads.
    return "\n".join(lines)


def _check_line(line: str, number: int, label: str, stack: list[tuple[str, int]]) -> None:
    if not stack and line.upper() != "BEGIN:VCALENDAR":
        raise IcsImportError(
            f"{label}, line {number}: expected BEGIN:VCALENDAR, found '{shown(line, 40)}'."
        )
    if not _CONTENT_LINE.match(line):
        raise IcsImportError(
            f"{label}, line {number}: '{shown(line, 60)}' is not an iCalendar line."
        )
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line):
        raise IcsImportError(f"{label}, line {number}: the line contains a control character.")
    upper = line.upper()
    if upper.startswith("BEGIN:"):
        stack.append((upper[6:], number))
        if len(stack) > MAX_DEPTH:
            raise IcsImportError(f"{label}, line {number}: components are nested too deeply.")
    elif upper.startswith("END:"):
        if not stack or stack[-1][0] != upper[4:]:
            expected = f"END:{shown(stack[-1][0], 40)}" if stack else "nothing"
            raise IcsImportError(
                f"{label}, line {number}: '{shown(line, 60)}' where {expected} was due."
            )
        stack.pop()


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _event_line(text: str, uid: str, prop: str = "") -> int:
    """The line of an event's UID, or of the second `prop` in the event holding that UID."""
    if not uid:
        return 1
    found = _line_of(text, f"UID:{uid}") if f"UID:{uid}" in text else _line_of(text, uid)
    if not prop:
        return found
    lines = text.split("\n")
    begin = next(
        (n for n in range(found - 1, -1, -1) if lines[n].upper().startswith("BEGIN:VEVENT")), 0
    )
    seen = 0
    for number in range(begin, len(lines)):
        upper = lines[number].upper()
        if upper.startswith((f"{prop}:", f"{prop};")):
            seen += 1
            if seen == 2:
                return number + 1
        if upper.startswith("END:VEVENT"):
            break
    return found


def read_ics(data: bytes, label: str, user_tz: str) -> IcsContent:
    """Parse and sort a file's events; raises IcsImportError for anything we cannot trust."""
    text = check_ics(data, label)
    try:
        calendars = parse(text)
    except ZoneLookupError:  # icalendar looked a TZID up as a file name, too long for one
        found = _LONG_TZID.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        raise IcsImportError(
            f"{label}, line {line}: the name of a time zone (TZID) is too long to look up."
        ) from None
    except (ValueError, RecursionError) as error:
        detail = shown(str(error), 120).rstrip(".")
        raise IcsImportError(f"{label}: the file cannot be read as iCalendar ({detail}).") from None
    except (AttributeError, TypeError, KeyError, IndexError):  # icalendar's own, unforeseen
        raise IcsImportError(
            f"{label}: the file cannot be read as iCalendar; export it again from its calendar."
        ) from None
    content = IcsContent()
    events: list[Event] = []
    methods: dict[int, str] = {}  # id(event) -> the METHOD of the calendar it came in
    for cal in calendars:
        try:
            check_bounded(cal)
        except UnboundedCalendar as error:
            line = _line_of(text, f"TZID:{error.tzid}") if error.tzid else 1
            raise IcsImportError(f"{label}, line {line}: {error}") from None
        method = cal.get("METHOD", "")
        method = str(method[0] if isinstance(method, list) else method).upper()
        for component in cal.subcomponents:
            if component.name == "VTIMEZONE":
                continue
            if not isinstance(component, Event):
                kind = shown(str(component.name), 40)
                content.skipped.append(f"a {kind} (only events are imported)")
                continue
            _check_event(component, text, label)
            events.append(component)
            methods[id(component)] = method
    try:
        content.ours, foreign = interview_family(events)
    except MappingError as error:
        raise IcsImportError(f"{label}, line {_event_line(text, error.uid)}: {error}") from None
    for event in foreign:
        interview, reason = invitation(event, methods[id(event)], user_tz)
        if interview is None:
            content.skipped.append(reason)
        else:
            content.invitations.append(interview)
    return content


def _check_event(event: Event, text: str, label: str) -> None:
    """IcsImportError when an event has a property icalendar could not read, or one given
    twice that an event has once (icalendar would hand a list where one value is read)."""
    uid = first_uid(event)
    for prop, message in getattr(event, "errors", []):
        raise IcsImportError(
            f"{label}, line {_event_line(text, uid)}: the property {shown(str(prop), 40)} of "
            f"event {shown(uid) or '(no UID)'} is invalid: {shown(str(message), 120).rstrip('.')}."
        )
    twice = repeated(event)
    if twice:
        raise IcsImportError(
            f"{label}, line {_event_line(text, uid, twice)}: the event "
            f"{shown(uid) or '(no UID)'} gives {twice} more than once; an event has one."
        )


def read_ics_file(path: Path, user_tz: str) -> IcsContent:
    try:
        data = read_capped(path, MAX_BYTES, "an iCalendar file to import")
    except FileReadError as error:
        raise IcsImportError(str(error)) from None
    return read_ics(data, str(path), user_tz)


def _zone_of(event: Event, user_tz: str) -> str:
    """The IANA zone of an invitation's start: its TZID, a Windows name mapped, or the user's."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    prop = event.get("DTSTART")
    tzid = str(prop.params.get("TZID", "")) if prop is not None else ""
    for candidate in (tzid, WINDOWS_TO_OLSON.get(tzid, "")):
        if candidate:
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
                continue
            return candidate
    return user_tz


def _person(address: object) -> Interviewer | None:
    if address is None:
        return None
    email = str(address)
    email = email[7:] if email.lower().startswith("mailto:") else ""
    params = getattr(address, "params", {})
    name = str(params.get("CN", "")).strip().strip('"') or email.split("@")[0]
    if not name:
        return None
    try:
        return Interviewer(name=name[:200], email=email).validated()
    except ValidationError:
        return Interviewer(name=name[:200]).validated() if name else None


def _company_and_role(summary: str, organizer: Interviewer | None) -> tuple[str, str]:
    """Guess the company and the role from a title like "Interview with Acme - Engineer"."""
    # The patterns backtrack (quadratic in the worst case): they only ever see a title's
    # first MAX_TITLE characters, which no real title exceeds.
    summary = summary[:MAX_TITLE]
    for pattern in _TITLE_PATTERNS:
        match = pattern.search(summary)
        if match and match.group("company").strip():
            role = (match.group("role") or "").strip() or summary
            return match.group("company").strip(), role
    if organizer is not None and organizer.email:
        domain = organizer.email.split("@")[1].split(".")
        if domain[0] not in ("gmail", "outlook", "hotmail", "yahoo", "icloud", "calendar"):
            return domain[0].capitalize(), summary or "Interview"
    return summary or "Unknown company", summary or "Interview"


def meeting_link(text: str) -> str:
    """The first video-meeting link (see MEETING_HOSTS) in `text`, or "".

    A link is a word (a run of characters other than white space, <, > and ") from its first
    "https://" on, when one of the hosts comes after it in the same word: linear in `text`.
    """
    for found in _WORD.finditer(text):
        word = found.group(0)
        lower = word.translate(_ASCII_LOWER)
        start = lower.find("https://")
        if start >= 0 and max(lower.rfind(host) for host in MEETING_HOSTS) >= start + 8:
            return word[start:]
    return ""


def invitation(event: Event, method: str, user_tz: str) -> tuple[Interview | None, str]:
    """An interview from an employer's invitation, or (None, why it was skipped)."""
    summary = str(event.get("SUMMARY", "")).strip()
    label = f"the event {shown(summary or str(event.get('UID', '(no UID)')))!r}"
    if method not in _INVITATION_METHODS:
        return None, f"{label}: a {method} message is not an invitation"
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None, f"{label}: it is cancelled"
    times = _times(event, user_tz)
    if isinstance(times, str):
        return None, f"{label}: {times}"
    start, end, tz = times
    organizer = _person(event.get("ORGANIZER"))
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    people = [organizer] if organizer else [p for p in map(_person, attendees[:1]) if p]
    if not people:
        people = [Interviewer(name="Hiring team")]
    location = str(event.get("LOCATION", "")).strip()
    description = str(event.get("DESCRIPTION", ""))
    link = meeting_link(" ".join([str(event.get("URL", "")), location, description]))
    if link and not location:
        location = link
    channel = Channel.VIDEO if link else (Channel.IN_PERSON if location else Channel.PHONE)
    company, role = _company_and_role(summary, organizer)
    try:
        interview = Interview(
            id="",
            company=company[:200],
            role=role[:200],
            interviewers=tuple(replace(p, key=f"p{i}") for i, p in enumerate(people, start=1)),
            start=start,
            end=end,
            tz=tz,
            channel=channel,
            location=location[:2000],
            notes=description[:10_000],
            source_uid=str(event.get("UID", ""))[:1000],
        ).validated()
    except ValidationError as error:
        return None, f"{label}: {str(error).rstrip('.')}"
    return interview, ""


def _times(event: Event, user_tz: str) -> tuple[datetime, datetime, str] | str:
    """(start, end, IANA zone) of an invitation, in that zone, or why it has none."""
    try:
        start = event.decoded("DTSTART")
    except KeyError:
        return "it has no start time"
    except (ValueError, OverflowError, OSError):  # OSError: a TZID too long for a file name
        return "its start time cannot be read"
    if not isinstance(start, datetime):
        return "an all-day event is not an interview"
    try:
        end = event.decoded("DTEND") if event.get("DTEND") is not None else None
        if not isinstance(end, datetime | None):
            return "it ends on a day, not at a time"
        if end is None and event.get("DURATION") is not None:
            length = event.decoded("DURATION")
            if not isinstance(length, timedelta):
                return "its duration cannot be read"
            end = start + length
        end = end or start + timedelta(hours=1)
        tz = _zone_of(event, user_tz)
        zone = ZoneInfo(tz)
        if start.tzinfo is None:  # floating: the user's own wall clock
            start = start.replace(tzinfo=zone)
        if end.tzinfo is None:
            end = end.replace(tzinfo=start.tzinfo)
        check_instant(start, "interview's start")
        check_instant(end, "interview's end")
        return start.astimezone(zone), end.astimezone(zone), tz
    except ValidationError as error:
        return str(error).rstrip(".")
    except (ValueError, OverflowError, OSError):  # past year 9999, or a TZID unreadable
        return "its end time cannot be read"


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for the user: one line per interview and per skipped event."""

    added: list[Interview]
    updated: list[Interview]
    unchanged: list[Interview]
    skipped: list[str]

    def lines(self) -> list[str]:
        out = [f"added {iv.id}  {iv.company} — {iv.role}" for iv in self.added]
        out += [f"updated {iv.id}  {iv.company} — {iv.role}" for iv in self.updated]
        out += [f"unchanged {iv.id}  {iv.company} — {iv.role}" for iv in self.unchanged]
        out += [f"skipped {reason}" for reason in self.skipped]
        return out


def import_content(store: Store, content: IcsContent) -> ImportReport:
    """Store what a file holds: all of it or nothing, in one transaction up to
    store.merge.MERGE_BATCH interviews; a larger file in transactions of that many, so that
    other windows and commands never wait long (see Store.merge_in_batches)."""
    shown = {item.interview.id: item.steps for item in content.ours}
    now = datetime.now(UTC)

    def reconcile(interview: Interview, steps: list[Step]) -> list[Activity]:
        states = shown.get(interview.id, {})
        found: list[Activity] = []
        for step in steps:
            state = states.get(step.key)
            if state is not None:
                found.extend(changes_from_calendar(state, step, now))
        return found

    items: list[tuple[Interview, Sequence[Activity], int]] = [
        (item.interview, item.activities, item.sequence) for item in content.ours
    ]
    items += [(interview, (), 0) for interview in content.invitations]
    results = store.merge_in_batches(items, reconcile)
    report = ImportReport([], [], [], list(content.skipped))
    for interview, outcome in results:
        {"added": report.added, "updated": report.updated}.get(outcome, report.unchanged).append(
            interview
        )
    return report


def import_file(store: Store, path: Path) -> ImportReport:
    """Read, check and import one .ics file."""
    content = read_ics_file(path, store.settings().timezone)
    if not content.ours and not content.invitations:
        reasons = "; ".join(content.skipped) or "it holds no events"
        raise IcsImportError(f"{path} has nothing to import: {reasons}.")
    return import_content(store, content)

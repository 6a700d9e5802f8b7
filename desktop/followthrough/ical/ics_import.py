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
)
from followthrough.core.text import shown
from followthrough.files import FileReadError, read_capped
from followthrough.ical.bounds import UnboundedCalendar, check_bounded, parse
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


class IcsImportError(ValidationError):
    """A file that cannot be imported; nothing of it was stored."""


@dataclass
class IcsContent:
    """What a file holds, sorted into what we import and what we skip (with the reason)."""

    ours: list[ImportedInterview] = field(default_factory=list)
    invitations: list[Interview] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check_ics(data: bytes, label: str) -> str:
    """The text of a well-formed iCalendar file, or IcsImportError with the line at fault."""
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
    logical_start = 0
    for number, raw in enumerate([*lines, ""], start=1):
        if raw.startswith((" ", "\t")) and number <= len(lines):
            logical += raw[1:]
            if len(logical) > MAX_LINE:
                raise IcsImportError(f"{label}, line {logical_start}: a line is too long.")
            continue
        if logical:
            _check_line(logical, logical_start, label, stack)
            saw_calendar = saw_calendar or logical.upper() == "BEGIN:VCALENDAR"
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
            f"{label}, line {len(lines)}: the file ends before END:{name} "
            f"(opened on line {opened}); it may be truncated."
        )
    return text


def _check_line(line: str, number: int, label: str, stack: list[tuple[str, int]]) -> None:
    if not stack and line.upper() != "BEGIN:VCALENDAR":
        raise IcsImportError(
            f"{label}, line {number}: expected BEGIN:VCALENDAR, found {line[:40]!r}."
        )
    if not _CONTENT_LINE.match(line):
        raise IcsImportError(f"{label}, line {number}: {line[:60]!r} is not an iCalendar line.")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line):
        raise IcsImportError(f"{label}, line {number}: the line contains a control character.")
    upper = line.upper()
    if upper.startswith("BEGIN:"):
        stack.append((upper[6:], number))
        if len(stack) > MAX_DEPTH:
            raise IcsImportError(f"{label}, line {number}: components are nested too deeply.")
    elif upper.startswith("END:"):
        if not stack or stack[-1][0] != upper[4:]:
            expected = f"END:{stack[-1][0]}" if stack else "nothing"
            raise IcsImportError(f"{label}, line {number}: {line!r} where {expected} was due.")
        stack.pop()


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def read_ics(data: bytes, label: str, user_tz: str) -> IcsContent:
    """Parse and sort a file's events; raises IcsImportError for anything we cannot trust."""
    text = check_ics(data, label)
    try:
        calendars = parse(text)
    except ValueError as error:
        raise IcsImportError(f"{label}: the file cannot be read as iCalendar ({error}).") from None
    content = IcsContent()
    events: list[Event] = []
    methods: dict[int, str] = {}  # id(event) -> the METHOD of the calendar it came in
    for cal in calendars:
        try:
            check_bounded(cal)
        except UnboundedCalendar as error:
            line = _line_of(text, f"TZID:{error.tzid}") if error.tzid else 1
            raise IcsImportError(f"{label}, line {line}: {error}") from None
        method = str(cal.get("METHOD", "")).upper()
        for component in cal.subcomponents:
            if component.name == "VTIMEZONE":
                continue
            if not isinstance(component, Event):
                content.skipped.append(f"a {component.name} (only events are imported)")
                continue
            for prop, message in getattr(component, "errors", []):
                uid = str(component.get("UID", ""))
                raise IcsImportError(
                    f"{label}, line {_line_of(text, uid) if uid else 1}: the property {prop} "
                    f"of event {uid or '(no UID)'} is invalid: {message}."
                )
            events.append(component)
            methods[id(component)] = method
    try:
        content.ours, foreign = interview_family(events)
    except MappingError as error:
        raise IcsImportError(f"{label}: {error}") from None
    for event in foreign:
        interview, reason = invitation(event, methods[id(event)], user_tz)
        if interview is None:
            content.skipped.append(reason)
        else:
            content.invitations.append(interview)
    return content


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
    try:
        start = event.decoded("DTSTART")
    except (KeyError, ValueError):
        return None, f"{label}: it has no start time"
    if not isinstance(start, datetime):
        return None, f"{label}: an all-day event is not an interview"
    try:
        end = event.decoded("DTEND")
    except (KeyError, ValueError):
        end = start + (event.decoded("DURATION") if event.get("DURATION") else timedelta(hours=1))
    tz = _zone_of(event, user_tz)
    zone = ZoneInfo(tz)
    if start.tzinfo is None:  # floating: the user's own wall clock
        start, end = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
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
            start=start.astimezone(zone),
            end=end.astimezone(zone),
            tz=tz,
            channel=channel,
            location=location[:2000],
            notes=description[:10_000],
            source_uid=str(event.get("UID", ""))[:1000],
        ).validated()
    except ValidationError as error:
        return None, f"{label}: {error}"
    return interview, ""


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
    """Store what a file holds in one transaction: all of it, or nothing."""
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
    results = store.merge_interviews(items, reconcile)
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

"""Reading .ics files: our own exports (round trip) and employers' interview invitations.

Everything is checked before anything is stored: a file that is too big, binary, truncated or
malformed gives one IcsImportError naming the line, and nothing is imported.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from icalendar import Calendar, Event

from followthrough.core import shown_dates
from followthrough.core.model import (
    Activity,
    Interview,
    Step,
    ValidationError,
    employer_cancellation,
)
from followthrough.core.text import shown
from followthrough.files import FileReadError, megabytes, read_capped, size_over
from followthrough.ical.bounds import (
    UnboundedCalendar,
    ZoneLookupError,
    check_bounded,
    parse,
)
from followthrough.ical.fields import first_uid, repeated
from followthrough.ical.invitations import (
    UNKNOWN_COMPANY,
    UNKNOWN_ROLE,
    cancellation,
    invitation,
)
from followthrough.ical.mapping import (
    ImportedInterview,
    MappingError,
    changes_from_calendar,
    interview_family,
)
from followthrough.store import Store
from followthrough.store.merge import Cancellation

# Set from what our own exports reach: the 1,000 interviews bench/plan.py makes (one to three
# interviewers, a few activities, seven follow-ups with drafted messages each) export to 12 MB
# in 175,000 content lines, 12 KB and 175 lines an interview. Both caps let 5,000 such
# interviews (60 MB, 875,000 lines) import with a third to spare. A hostile file is refused
# past either before it is parsed: parsing holds about 12 bytes of memory per byte read, and
# 400 to 900 per content line, so about 1 GB at most.
MAX_BYTES = 80 * 1024 * 1024
_SLICE = 256 * 1024  # bytes of a file decoded at a time
MAX_CONTENT_LINES = 1_200_000
MAX_DEPTH = 8
MAX_LINE = 100_000
_CONTENT_LINE = re.compile(
    r'^[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:'
)
_LONG_TZID = re.compile(r"TZID=[^:;\n]{200}", re.IGNORECASE)  # bounded at each TZID: linear


class IcsImportError(ValidationError):
    """A file that cannot be imported; nothing of it was stored."""


def lf_text(data: bytes, label: str) -> str:
    """`data` decoded as UTF-8, its lines ended by LF whatever ended them (CRLF, LF or CR),
    or IcsImportError with the line that is not UTF-8.

    Done a slice at a time: decoding or replacing in a 12 MB file in one call holds Python's
    lock for tens of milliseconds, and an import runs beside the window.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    pieces: list[str] = []
    carried = ""  # a CR that ended a slice: its LF, if any, begins the next one
    for start in range(0, len(data), _SLICE):
        pending = len(decoder.getstate()[0])
        last = start + _SLICE >= len(data)
        try:
            piece = carried + decoder.decode(data[start : start + _SLICE], final=last)
        except UnicodeDecodeError as error:
            line = data[: start - pending + error.start].count(b"\n") + 1
            raise IcsImportError(
                f"{label}, line {line}: this is not a text iCalendar file (not UTF-8)."
            ) from None
        carried = ""
        if piece.endswith("\r") and not last:
            carried, piece = "\r", piece[:-1]
        pieces.append(piece.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(pieces)


@dataclass
class IcsContent:
    """What a file holds, sorted into what we import and what we skip (with the reason)."""

    ours: list[ImportedInterview] = field(default_factory=list)
    invitations: list[Interview] = field(default_factory=list)
    cancellations: list[Cancellation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check_ics(data: bytes, label: str, layout: Layout | None = None) -> str:
    """The text of a well-formed iCalendar file, its lines ended by LF whatever ended them
    (CRLF, LF or CR), or IcsImportError with the line at fault. `layout`, if given, learns
    where each calendar's lines and components lie in the text."""
    if len(data) > MAX_BYTES:
        raise IcsImportError(
            f"{label} is {size_over(len(data), MAX_BYTES)}; an iCalendar file to import must "
            f"be under {megabytes(MAX_BYTES)}."
        )
    if not data.strip():
        raise IcsImportError(f"{label} is empty.")
    text = lf_text(data[3:] if data.startswith(b"\xef\xbb\xbf") else data, label)
    last = text.count("\n") + 1  # the number of the file's last line
    stack: list[tuple[str, int]] = []
    saw_calendar = False
    logical = ""
    logical_start = zone_ids = contents = 0
    at = logical_at = 0  # where the raw line, and the logical line before it, begin
    for number, raw in enumerate(chain(_lines(text), [""]), start=1):
        here, at = at, at + len(raw) + 1
        if len(raw) > MAX_LINE:
            raise IcsImportError(f"{label}, line {number}: a line is too long.")
        if raw.startswith((" ", "\t")) and number <= last:
            logical += raw[1:]
            if len(logical) > MAX_LINE:
                raise IcsImportError(f"{label}, line {logical_start}: a line is too long.")
            continue
        if logical:
            contents += 1
            if contents > MAX_CONTENT_LINES:
                raise IcsImportError(
                    f"{label} has more than {MAX_CONTENT_LINES:,} lines of content; an "
                    "iCalendar file to import has at most that many."
                )
            depth = len(stack)
            _check_line(logical, logical_start, label, stack)
            if layout is not None:
                layout.line(depth, len(stack), logical_at, here, logical)
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
        logical, logical_start, logical_at = raw, number, here
        if "\x00" in raw:
            raise IcsImportError(f"{label}, line {number}: the file contains binary data.")
    if not saw_calendar:
        raise IcsImportError(
            f"{label}, line 1: this is not an iCalendar file (no BEGIN:VCALENDAR)."
        )
    if stack:
        name, opened = stack[-1]
        raise IcsImportError(
            f"{label}, line {last}: the file ends before END:{shown(name, 40)} "
            f"(opened on line {opened}); it may be truncated."
        )
    # icalendar splits lines at LF or CRLF only: a file ending its lines with CR alone (old
    # Mac style) would be one line to it. The lines counted above are the ones it reads.
    return text


PIECE = 100  # components of a calendar given to icalendar at a time (see Layout)


@dataclass
class _Calendar:
    head: list[tuple[int, int]] = field(default_factory=list)  # its own lines
    zones: list[tuple[int, int]] = field(default_factory=list)  # its VTIMEZONEs
    components: list[tuple[int, int]] = field(default_factory=list)  # the others, in order


@dataclass
class Layout:
    """Where a checked file's calendars lie in its text (spans of `check_ics`'s text), so that
    icalendar reads it a few components at a time: in one call it unfolds the whole text with
    one regular expression, which held Python's lock for 0.5 to 0.9 s on a 12 MB export (the
    window stood still meanwhile: bench/stall.py)."""

    calendars: list[_Calendar] = field(default_factory=list)
    _opened: int = 0  # where the component under way began

    def line(self, depth: int, after: int, start: int, end: int, line: str) -> None:
        """One content line, in text[start:end], read at `depth` components deep (`after`
        once read: one more for a BEGIN, one fewer for an END)."""
        if depth == 0:
            self.calendars.append(_Calendar())
        if depth <= 1 and after <= 1:  # the calendar's BEGIN, END or own property
            self.calendars[-1].head.append((start, end))
        elif depth == 1:  # a component begins
            self._opened = start
        elif after == 1:  # and ends
            calendar = self.calendars[-1]
            zone = line[:16].upper() == "END:VTIMEZONE"
            (calendar.zones if zone else calendar.components).append((self._opened, end))

    def pieces(self, text: str, size: int = PIECE) -> Iterator[list[str]]:
        """Per calendar, its texts of at most `size` components each, every one with the
        calendar's own properties and all its time zones (which events name)."""
        for calendar in self.calendars:
            head = "".join(_ends(text, span) for span in calendar.head[:-1])  # END aside
            zones = "".join(_ends(text, span) for span in calendar.zones)
            parts = calendar.components
            yield [
                head + zones + "".join(_ends(text, s) for s in parts[first : first + size])
                + "END:VCALENDAR\n"
                for first in range(0, max(len(parts), 1), size)
            ]


def _ends(text: str, span: tuple[int, int]) -> str:
    """text[span], ended by LF (the file's last line may have none)."""
    part = text[span[0] : span[1]]
    return part if part.endswith("\n") else part + "\n"


def parse_checked(text: str, layout: Layout) -> list[Calendar]:
    """The calendars of a checked file, as `parse` reads them, read a piece at a time (see
    Layout): each calendar holds its time zones, then its components in the file's order."""
    calendars: list[Calendar] = []
    for pieces in layout.pieces(text):
        whole: Calendar | None = None
        for piece in pieces:
            (part,) = parse(piece)
            if whole is None:
                whole = part
            else:
                whole.subcomponents.extend(
                    c for c in part.subcomponents if c.name != "VTIMEZONE"
                )
        if whole is not None:
            calendars.append(whole)
    return calendars


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` split at LF, as text.split("\\n") gives them, one at a time."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


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


def read_ics(data: bytes, label: str, user_tz: str, me: frozenset[str] = frozenset()) -> IcsContent:
    """Parse and sort a file's events; raises IcsImportError for anything we cannot trust.
    `me`: the user's own addresses, in lower case (never an interviewer)."""
    layout = Layout()
    text = check_ics(data, label, layout)
    try:
        calendars = parse_checked(text, layout)
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
        method = methods[id(event)]
        if method == "CANCEL" or str(event.get("STATUS", "")).upper() == "CANCELLED":
            cancelled = cancellation(event)
            if isinstance(cancelled, str):
                content.skipped.append(cancelled)
            else:
                content.cancellations.append(cancelled)
            continue
        interview, reason = invitation(event, method, user_tz, me)
        if interview is None:
            content.skipped.append(reason)
        else:
            content.invitations.append(interview)
    events.clear()
    _let_go(calendars)
    return content


def _let_go(calendars: list[Calendar]) -> None:
    """Free a parsed file a component at a time. Freed whole, as the caller returns, the
    objects of a 12 MB file go in one step that holds Python's lock for a tenth of a second,
    and an import runs beside the window."""
    for calendar in calendars:
        parts = calendar.subcomponents
        while parts:
            parts.pop()
    calendars.clear()


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


def read_ics_file(path: Path, user_tz: str, me: frozenset[str] = frozenset()) -> IcsContent:
    try:
        data = read_capped(path, MAX_BYTES, "an iCalendar file to import")
    except FileReadError as error:
        raise IcsImportError(str(error)) from None
    return read_ics(data, str(path), user_tz, me)


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for the user: one line per interview and per skipped event, then
    a sentence for each invitation that did something else than add or move an interview
    (an older one, a cancellation, a rescheduling, a title that does not say the role)."""

    added: list[Interview]
    updated: list[Interview]
    unchanged: list[Interview]
    skipped: list[str]
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"added {iv.id}  {iv.company} — {iv.role}" for iv in self.added]
        out += [f"updated {iv.id}  {iv.company} — {iv.role}" for iv in self.updated]
        out += [f"unchanged {iv.id}  {iv.company} — {iv.role}" for iv in self.unchanged]
        out += [f"skipped {reason}" for reason in self.skipped]
        return out + self.notes


def _named(interview: Interview) -> str:
    return f"the interview at {shown(interview.company)} ({shown(interview.role)})"


def _when(stamp: datetime | None) -> str:
    return f"{shown_dates.day_time(stamp.astimezone(UTC))} UTC" if stamp is not None else "undated"


def _invitation_note(sent: Interview, here: Interview, outcome: str) -> str:
    """The sentence an invitation that did not simply add or move an interview gets."""
    if outcome == "rescheduled":
        return (
            f"The employer invited again to {_named(here)}, which they had cancelled: it is "
            "back, and its follow-ups are planned again."
        )
    if outcome == "older":
        if sent.source_sequence != here.source_sequence:
            detail = f"SEQUENCE {sent.source_sequence}, not {here.source_sequence}"
        else:
            detail = f"sent {_when(sent.source_stamp)}, not {_when(here.source_stamp)}"
        return (
            f"The invitation to {_named(here)} is older than the one already imported "
            f"({detail}), so nothing was changed."
        )
    missing = [
        what
        for what, value, unknown in (
            ("company", here.company, UNKNOWN_COMPANY),
            ("role", here.role, UNKNOWN_ROLE),
        )
        if value == unknown
    ]
    if outcome != "added" or not missing:
        return ""
    return (
        f"The invitation does not say the {' or the '.join(missing)} of interview {here.id}: "
        "fill it in by editing the interview."
    )


def _cancellation_note(
    cancel: Cancellation, here: Interview | None, outcome: str, store: Store
) -> str:
    """The sentence a cancellation gets in the report, whatever it did."""
    if here is None:
        return (
            f"The cancellation {shown(cancel.title or cancel.uid)!r} matches no interview "
            "imported from an invitation, so nothing was changed."
        )
    if outcome == "older":
        return (
            f"The cancellation of {_named(here)} is older than the invitation already "
            "imported, so nothing was changed."
        )
    if outcome == "unchanged":
        return f"The employer had already cancelled {_named(here)}; nothing was changed."
    cancelled = employer_cancellation(store.activities(here.id))
    zone = store.settings().zone
    day = f" on {shown_dates.day(cancelled.at.astimezone(zone))}" if cancelled else ""
    return (
        f"The employer cancelled {_named(here)}{day}: its planned follow-ups are cancelled "
        "(reschedule it by importing their next invitation, or close it with an outcome)."
    )


def import_content(store: Store, content: IcsContent) -> ImportReport:
    """Store what a file holds: all of it or nothing, in one transaction up to
    store.merge.MERGE_BATCH interviews; a larger file in transactions of that many, so that
    other windows and commands never wait long (see Store.merge_in_batches)."""
    in_calendar = {item.interview.id: item.steps for item in content.ours}
    now = datetime.now(UTC)

    def reconcile(interview: Interview, steps: list[Step]) -> list[Activity]:
        states = in_calendar.get(interview.id, {})
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
    for (sent, _activities, _sequence), (interview, outcome) in zip(items, results, strict=True):
        group = {"added": report.added, "updated": report.updated, "rescheduled": report.updated}
        group.get(outcome, report.unchanged).append(interview)
        note = _invitation_note(sent, interview, outcome) if not sent.id else ""
        report.notes.extend([note] if note else [])
    if content.cancellations:
        for cancel, here, outcome in store.cancel_invitations(content.cancellations):
            if here is not None:
                (report.updated if outcome == "cancelled" else report.unchanged).append(here)
            report.notes.append(_cancellation_note(cancel, here, outcome, store))
    return report


def import_file(store: Store, path: Path) -> ImportReport:
    """Read, check and import one .ics file."""
    settings = store.settings()
    content = read_ics_file(path, settings.timezone, settings.my_addresses)
    if not content.ours and not content.invitations and not content.cancellations:
        reasons = "; ".join(content.skipped) or "it holds no events"
        raise IcsImportError(f"{path} has nothing to import: {reasons}.")
    report = import_content(store, content)
    if not (report.added or report.updated or report.unchanged):
        # Only cancellations of interviews that are not here: nothing was written.
        raise IcsImportError(" ".join(report.notes))
    return report

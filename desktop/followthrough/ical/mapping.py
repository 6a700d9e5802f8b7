"""The one mapping between interviews with their steps and iCalendar VEVENTs, both ways.

An interview is one VEVENT (the appointment the user attended); each step is a VEVENT tied to
it with RELATED-TO. Standard properties carry what they can (SUMMARY, DTSTART/DTEND with a
TZID, DESCRIPTION, LOCATION, ATTENDEE, CATEGORIES, STATUS, URL, VALARM, SEQUENCE,
LAST-MODIFIED); X-FOLLOWTHROUGH-* properties carry the rest, so that reading the events back
rebuilds the same interviews, histories and plans. docs/ical-mapping.md describes every field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from icalendar import Alarm, Event, vCalAddress, vText

from followthrough import __version__
from followthrough.core.codec import activity_to_dict, interviewer_to_dict
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Pace,
    Step,
    StepChannel,
    StepStatus,
    ValidationError,
    check_year,
    employer_cancellation,
    zone,
)
from followthrough.core.text import shown
from followthrough.ical.fields import (
    STAMP_FORMAT,
    application,
    choice,
    day,
    first_uid,
    foreign_activity,
    interviewer,
    invitation_revision,
    json_value,
    repeated,
    round_number,
)
from followthrough.store import StoredInterview, StoredStep

PRODID = f"-//Followthrough//Followthrough {__version__}//EN"
UID_SUFFIX = "@followthrough"
UID_PREFIX = "followthrough-"
COMPOSE_SCHEME = "followthrough://compose/"
X = "X-FOLLOWTHROUGH-"
DONE_MARK = "✓ "
SKIPPED_MARK = "Skipped: "
_UID_RE = re.compile(r"^followthrough-([a-z0-9]+)(?:\.([a-z0-9.\-]+))?@followthrough$")


class Draft(Protocol):
    """What the mapping needs of a drafted message (core.messages provides it)."""

    @property
    def subject(self) -> str: ...

    @property
    def body(self) -> str: ...

    @property
    def mail_link(self) -> str:
        """A mailto: link to the message, "" when it is not an email or has no address."""
        ...


def interview_uid(interview_id: str) -> str:
    return f"{UID_PREFIX}{interview_id}{UID_SUFFIX}"


def step_uid(step_id: str) -> str:
    return f"{UID_PREFIX}{step_id}{UID_SUFFIX}"


def compose_link(uid: str) -> str:
    """The app's own link that opens the message editor for a step."""
    return f"{COMPOSE_SCHEME}{uid}"


def parse_uid(uid: str) -> tuple[str, str] | None:
    """(interview id, step key or '') for one of our UIDs, else None."""
    match = _UID_RE.match(uid.strip())
    if not match:
        return None
    return match.group(1), match.group(2) or ""


def _stamp(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


class Text(vText):
    """A TEXT value escaped by RFC 5545 alone (3.3.11): icalendar 7 writes a typed "\\N" as a
    line break, so a role or a name holding those two characters would come back changed."""

    def to_ical(self) -> bytes:
        return escape_text(str(self)).encode("utf-8")


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: the backslash first, then ; and , and every kind of line end."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _x(event: Event, name: str, value: str) -> None:
    if value:
        event.add(X + name, Text(value))


def interview_summary(interview: Interview) -> str:
    suffix = f" (round {interview.round})" if interview.round > 1 else ""
    return f"Interview: {interview.role} at {interview.company}{suffix}"


def interview_event(stored: StoredInterview) -> Event:
    """The VEVENT of the interview itself, carrying its details and its history."""
    iv = stored.interview
    event = Event()
    event.add("UID", interview_uid(iv.id))
    event.add("DTSTAMP", _stamp(stored.modified))
    event.add("CREATED", _stamp(iv.created or stored.created))
    event.add("LAST-MODIFIED", _stamp(stored.modified))
    event.add("SEQUENCE", stored.sequence)
    event.add("SUMMARY", Text(interview_summary(iv)))
    event.add("DTSTART", iv.start.astimezone(ZoneInfo(iv.tz)))
    event.add("DTEND", iv.end.astimezone(ZoneInfo(iv.tz)))
    if iv.location:
        event.add("LOCATION", Text(iv.location))
        if re.match(r"^https?://\S+$", iv.location):
            event.add("URL", iv.location)
    if iv.notes:
        event.add("DESCRIPTION", Text(iv.notes))
    # Cancelled by the employer (until a newer invitation or the user brings it back).
    cancelled = employer_cancellation(stored.activities) is not None
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("CATEGORIES", ["Followthrough", "Interview"])
    for person in iv.interviewers:
        if person.email:
            attendee = vCalAddress(f"mailto:{person.email}")
            attendee.params["CN"] = person.name
            attendee.params["ROLE"] = "REQ-PARTICIPANT"
            # The interview already happened or was arranged by the employer: a calendar
            # server must never send invitations on our behalf.
            attendee.params["SCHEDULE-AGENT"] = "NONE"
            event.add("ATTENDEE", attendee)
    _x(event, "KIND", "interview")
    _x(event, "ID", iv.id)
    _x(event, "COMPANY", iv.company)
    _x(event, "ROLE", iv.role)
    _x(event, "CHANNEL", iv.channel.value)
    _x(event, "PACE", iv.pace.value)
    _x(event, "PLAYBOOK", iv.playbook)
    _x(event, "COUNTRY", iv.country)  # the employer's, when not the time zone's
    _x(event, "ROUND", str(iv.round))
    _x(event, "APPLICATION", iv.application_id)  # the rounds of one company and role share it
    _x(event, "SOURCE-UID", iv.source_uid)
    if iv.source_uid:  # which revision of that invitation was applied (an older one is not)
        _x(event, "SOURCE-SEQUENCE", str(iv.source_sequence))
        stamp = iv.source_stamp
        _x(event, "SOURCE-STAMP", f"{stamp.astimezone(UTC):{STAMP_FORMAT}}" if stamp else "")
    if iv.decision_date is not None:
        _x(event, "DECISION-DATE", iv.decision_date.isoformat())
    for topic in iv.topics:
        _x(event, "TOPIC", topic)
    for point in iv.clarify:
        _x(event, "CLARIFY", point)
    _x(event, "POSTAL-ADDRESS", iv.postal_address)  # TEXT, line breaks escaped
    for person in iv.interviewers:
        _x(event, "INTERVIEWER", json.dumps(interviewer_to_dict(person), ensure_ascii=False))
    for activity in stored.activities:
        _x(event, "ACTIVITY", json.dumps(activity_to_dict(activity), ensure_ascii=False))
    return event


def step_summary(step: Step) -> str:
    if step.status is StepStatus.DONE:
        return DONE_MARK + step.title
    if step.status is StepStatus.SKIPPED:
        return SKIPPED_MARK + step.title
    return step.title


def step_description(step: Step, uid: str, draft: Draft | None) -> str:
    """The drafted message, a mailto: link that opens it, and the app's compose link."""
    parts: list[str] = []
    if step.status is not StepStatus.PLANNED and step.status_reason:
        parts.append(step.status_reason)
    parts.append(step.why)
    if draft is not None:
        if draft.subject:
            parts.append(f"Subject: {draft.subject}")
        parts.append(draft.body.strip())
        if step.channel is StepChannel.EMAIL and draft.mail_link:
            parts.append("Open in your mail app: " + draft.mail_link)
    parts.append(f"Open in Followthrough: {compose_link(uid)}")
    return "\n\n".join(p for p in parts if p)


def step_event(
    stored: StoredStep, interview: Interview, tz: ZoneInfo, draft: Draft | None = None
) -> Event:
    """The VEVENT of one follow-up step."""
    step = stored.step
    uid = step_uid(step.id)
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", _stamp(stored.modified))
    event.add("LAST-MODIFIED", _stamp(stored.modified))
    event.add("SEQUENCE", stored.sequence)
    event.add("SUMMARY", Text(step_summary(step)))
    event.add("DTSTART", step.start.astimezone(tz))
    event.add("DTEND", step.end.astimezone(tz))
    event.add("DESCRIPTION", Text(step_description(step, uid, draft)))
    event.add("RELATED-TO", interview_uid(interview.id), parameters={"RELTYPE": "PARENT"})
    event.add("URL", compose_link(uid))
    event.add("CATEGORIES", ["Followthrough", "Follow-up", Text(interview.company)])
    event.add(
        "STATUS",
        "CANCELLED" if step.status in (StepStatus.CANCELLED, StepStatus.SKIPPED) else "CONFIRMED",
    )
    event.add("TRANSP", "TRANSPARENT")  # a reminder to act, not time the user is busy
    if step.status is StepStatus.PLANNED:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", Text(step.title))
        alarm.add("TRIGGER", timedelta(minutes=-15))
        event.add_component(alarm)
    _x(event, "KIND", step.kind)
    _x(event, "STEP", step.key)
    _x(event, "STATUS", step.status.value)
    _x(event, "CHANNEL", step.channel.value)
    return event


# -- reading back --------------------------------------------------------------------------------


class MappingError(ValueError):
    """One of our events that cannot be read back; the message names the UID and the field."""

    def __init__(self, message: str, uid: str = "") -> None:
        super().__init__(message)
        self.uid = uid  # the event's UID as the file spells it, to find its line


def check_single(event: Event) -> None:
    """MappingError naming the property when `event` gives one of SINGLE twice."""
    name = repeated(event)
    if name:
        uid = first_uid(event)
        raise MappingError(
            f"The event {shown(uid)} gives {name} more than once; an event has one.", uid
        )


@dataclass(frozen=True)
class StepState:
    """What a calendar shows of one step: where it is and in what state."""

    uid: str
    key: str
    start: datetime
    status: StepStatus
    sequence: int
    summary: str


@dataclass
class ImportedInterview:
    """An interview read from our own events, with its history and its steps as shown."""

    interview: Interview
    activities: list[Activity]
    sequence: int
    steps: dict[str, StepState] = field(default_factory=dict)


_ESCAPED = re.compile(r"\\([\\;,nN])")


def unescape_text(value: str) -> str:
    """RFC 5545 TEXT unescaping, in one pass (so a written backslash stays one)."""
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _texts(event: Event, name: str) -> list[str]:
    values = event.get(name)
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    if name.startswith("X-"):
        # icalendar reads unknown properties raw; ours are TEXT, escaped when written.
        return [unescape_text(str(v)) for v in values]
    return [str(v) for v in values]


def _text(event: Event, name: str, default: str = "") -> str:
    values = _texts(event, name)
    return values[0] if values else default


def _instant(event: Event, name: str, uid: str) -> datetime:
    try:
        value = event.decoded(name)
    except (KeyError, ValueError, OverflowError, OSError) as error:
        detail = shown(str(error), 80).rstrip(".")
        raise MappingError(f"The event {uid} has no usable {name}: {detail}.", uid) from None
    if not isinstance(value, datetime):
        raise MappingError(f"The event {uid} has a date, not a time, as its {name}.", uid)
    if value.tzinfo is None:
        raise MappingError(f"The event {uid} has a floating {name} (no time zone).", uid)
    return value


class EventFields(Protocol):
    """What an interview is read from: a parsed VEVENT's values (`IcalFields`), or those the
    quick reader took from a plain event of ours (ical.quick)."""

    uid: str

    def texts(self, name: str) -> list[str]:
        """Every value of a TEXT property, unescaped (X- ones as ours are written)."""
        ...

    def instant(self, name: str) -> datetime:
        """A DATE-TIME with its zone; MappingError when it is missing or not one."""
        ...

    def tz_name(self, name: str) -> str:
        """The zone a DATE-TIME is given in (its TZID, or UTC)."""
        ...

    def created(self) -> datetime | None:
        """CREATED, when it is a time anyone could mean."""
        ...

    def sequence(self) -> int: ...


class IcalFields:
    """EventFields of a VEVENT icalendar parsed."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.uid = str(event.get("UID", ""))

    def texts(self, name: str) -> list[str]:
        return _texts(self.event, name)

    def instant(self, name: str) -> datetime:
        return _instant(self.event, name, self.uid)

    def tz_name(self, name: str) -> str:
        return _tz_name(self.event, name)

    def created(self) -> datetime | None:
        return _created(self.event)

    def sequence(self) -> int:
        try:
            return int(self.event.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            raise MappingError(
                f"The event {shown(self.uid)} has a SEQUENCE that is not a number.", self.uid
            ) from None


def read_interview(event: Event) -> ImportedInterview:
    """Rebuild an interview and its history from its VEVENT."""
    check_single(event)
    return interview_from(IcalFields(event))


def interview_from(event: EventFields) -> ImportedInterview:
    """Rebuild an interview and its history from the values of its VEVENT."""
    uid = event.uid
    parsed = parse_uid(uid)
    if parsed is None or parsed[1]:
        raise MappingError(f"'{shown(uid)}' is not the UID of a Followthrough interview.", uid)
    interview_id = parsed[0]

    def text(name: str, default: str = "") -> str:
        values = event.texts(name)
        return values[0] if values else default

    try:
        tz_name = event.tz_name("DTSTART")
        tz = zone(tz_name)
        people = tuple(interviewer(json_value(t)) for t in event.texts(X + "INTERVIEWER"))
        decision = text(X + "DECISION-DATE")
        sequence, stamp = invitation_revision(
            text(X + "SOURCE-SEQUENCE"), text(X + "SOURCE-STAMP")
        )
        interview = Interview(
            id=interview_id,
            company=text(X + "COMPANY"),
            role=text(X + "ROLE"),
            interviewers=people,
            start=event.instant("DTSTART").astimezone(tz),
            end=event.instant("DTEND").astimezone(tz),
            tz=tz_name,
            channel=choice(Channel, text(X + "CHANNEL", Channel.VIDEO.value), "channel"),
            decision_date=day(decision, "decision date") if decision else None,
            pace=choice(Pace, text(X + "PACE", Pace.STANDARD.value), "pace"),
            playbook=text(X + "PLAYBOOK"),
            round=round_number(text(X + "ROUND", "1")),
            application=application(text(X + "APPLICATION")),
            topics=tuple(event.texts(X + "TOPIC")),
            clarify=tuple(event.texts(X + "CLARIFY")),
            notes=text("DESCRIPTION"),
            location=text("LOCATION"),
            postal_address=text(X + "POSTAL-ADDRESS"),
            country=text(X + "COUNTRY"),
            created=event.created(),
            source_uid=text(X + "SOURCE-UID"),
            source_sequence=sequence,
            source_stamp=stamp,
        ).validated()
        activities = [
            foreign_activity(json_value(t), interview_id) for t in event.texts(X + "ACTIVITY")
        ]
    except MappingError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, OSError) as error:
        detail = shown(str(error), 160).rstrip(".")
        raise MappingError(f"The interview event {uid} cannot be read: {detail}.", uid) from None
    return ImportedInterview(interview, activities, event.sequence())


def _created(event: Event) -> datetime | None:
    """When the interview was first written down; a CREATED no one could mean is dropped."""
    if event.get("CREATED") is None:
        return None
    value = event.decoded("CREATED")
    if not isinstance(value, datetime) or value.utcoffset() is None:
        return None
    return created_if_sensible(value)


def created_if_sensible(value: datetime) -> datetime | None:
    """A CREATED time, or None for one out of the years a calendar holds."""
    try:
        check_year(value, "creation time")
    except ValidationError:
        return None
    return value


def _tz_name(event: Event, name: str) -> str:
    prop = event.get(name)
    tzid = prop.params.get("TZID") if prop is not None else None
    if tzid:
        return str(tzid)
    value = event.decoded(name)
    if (
        isinstance(value, datetime)
        and value.tzinfo is not None
        and value.utcoffset() == timedelta(0)
    ):
        return "UTC"
    uid = str(event.get("UID", ""))
    raise MappingError(f"The event {shown(uid)} has no time zone on {name}.", uid)


def read_step(event: Event) -> tuple[str, StepState]:
    """(interview id, the step as the calendar shows it) from a step VEVENT."""
    check_single(event)
    uid = str(event.get("UID", ""))
    _step_of(uid)
    return step_state(
        uid,
        _text(event, "SUMMARY"),
        _text(event, X + "STATUS"),
        str(event.get("STATUS", "")),
        _instant(event, "DTSTART", uid),
        int(event.get("SEQUENCE", 0)),
    )


def _step_of(uid: str) -> tuple[str, str]:
    parsed = parse_uid(uid)
    if parsed is None or not parsed[1]:
        raise MappingError(f"'{shown(uid)}' is not the UID of a Followthrough step.", uid)
    return parsed


def step_state(
    uid: str, summary: str, mark: str, status_text: str, start: datetime, sequence: int
) -> tuple[str, StepState]:
    """(interview id, the step as the calendar shows it) from the properties read: its
    SUMMARY, our status mark, its STATUS, DTSTART and SEQUENCE (the full reader's and the
    quick one's, ical.quick, alike)."""
    interview_id, key = _step_of(uid)
    try:
        status = StepStatus(mark) if mark else StepStatus.PLANNED
    except ValueError:
        raise MappingError(
            f"The step {uid} has an unknown status '{shown(mark, 40)}'.", uid
        ) from None
    if status_text.upper() == "CANCELLED" and status is StepStatus.PLANNED:
        status = StepStatus.CANCELLED
    if summary.startswith(DONE_MARK.strip()) and status is StepStatus.PLANNED:
        status = StepStatus.DONE
    return interview_id, StepState(uid, key, start, status, sequence, summary)


def is_ours(event: Event) -> bool:
    return parse_uid(str(event.get("UID", ""))) is not None


def changes_from_calendar(
    state: StepState, step: Step, at: datetime, base: StepState | None = None
) -> list[Activity]:
    """What the user did to a step in their calendar, as activities for the planner.

    With `base` (the event as last synced), only what changed since counts: a step the
    planner has moved here since is not pinned back to where the calendar still shows it.
    """
    found: list[Activity] = []
    moved_from = base.start if base is not None else step.start
    moved = abs(state.start - moved_from) >= timedelta(minutes=1) and abs(
        state.start - step.start
    ) >= timedelta(minutes=1)
    if step.status in (StepStatus.SKIPPED, StepStatus.CANCELLED):
        # Where the calendar shows a step that is off the plan stands: the computer that
        # planned it may keep other hours than this one.
        if moved and state.status is step.status:
            found.append(Activity(ActivityKind.MOVE, at, step=step.key, to=state.start))
        return found
    if step.status is not StepStatus.PLANNED:
        return found
    status_changed = base is None or state.status is not base.status
    if status_changed and state.status is StepStatus.DONE:
        found.append(
            Activity(
                ActivityKind.DONE, state.start, step=step.key, how="marked done in the calendar"
            )
        )
    elif status_changed and state.status in (StepStatus.SKIPPED, StepStatus.CANCELLED):
        found.append(Activity(ActivityKind.SKIP, at, step=step.key, to=state.start))
    elif moved:
        found.append(Activity(ActivityKind.MOVE, at, step=step.key, to=state.start))
    return found


def interview_family(events: Iterable[Event]) -> tuple[list[ImportedInterview], list[Event]]:
    """Our interviews (with the steps shown for each) and the events that are not ours."""
    interviews: dict[str, ImportedInterview] = {}
    steps: list[tuple[str, StepState]] = []
    foreign: list[Event] = []
    for event in events:
        if not is_ours(event):
            foreign.append(event)
            continue
        parsed = parse_uid(str(event.get("UID")))
        assert parsed is not None
        if parsed[1]:
            steps.append(read_step(event))
        else:
            imported = read_interview(event)
            interviews[imported.interview.id] = imported
    for interview_id, state in steps:
        owner = interviews.get(interview_id)
        if owner is None:
            raise MappingError(
                f"The step {state.uid} belongs to an interview that is not in the file.",
                state.uid,
            )
        owner.steps[state.key] = state
    return list(interviews.values()), foreign

"""The domain objects: an interview, what happened since, and the follow-up steps planned for it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from followthrough.core import shown_dates
from followthrough.core.text import reorders, shown
from followthrough.core.zones import countries, zone_country


class ValidationError(ValueError):
    """Input the user can fix; the message is one sentence that says what is wrong."""


class Channel(StrEnum):
    """How the user has been in touch with the employer so far."""

    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in-person"
    VIDEO = "video"


class StepChannel(StrEnum):
    """How a follow-up step reaches the employer."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    NETWORK = "network"  # a professional-network connection request


class Pace(StrEnum):
    FAST = "fast"
    STANDARD = "standard"
    SLOW = "slow"


class Outcome(StrEnum):
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class StepStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


# The `how` of a skip that a pull recorded for an event deleted in the calendar. It travels
# with the interview's history, so every computer (one set up later too) knows not to
# re-create the event.
DELETED_IN_CALENDAR = "deleted in the calendar"
_DELETED_NOTE = "Deleted in the calendar."  # what versions before DELETED_IN_CALENDAR wrote
# The `how` of a reopen by which the user brought back a step the plan had cancelled (after a
# reply, an outcome, a stated date...): it stays planned until the employer's next news.
BROUGHT_BACK = "brought back"


class ActivityKind(StrEnum):
    """Something that happened after the interview; the plan is recomputed from these."""

    REPLY = "reply"  # the employer answered
    DELAY = "delay"  # the employer announced a new decision date
    OUTCOME = "outcome"  # offer, rejected or withdrawn
    DONE = "done"  # the user sent / made / posted a step
    SKIP = "skip"  # the user decided not to do a step
    REOPEN = "reopen"  # undoes done or skip; with no step, the employer's cancellation
    MOVE = "move"  # the user moved a step to another time
    CONFLICT = "conflict"  # a sync kept one of two changes: the note tells the other one
    CANCELLED = "cancelled"  # the employer cancelled the interview (their METHOD:CANCEL)


_EMAIL_RE = re.compile(
    r"^[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().\-/]{2,30}$")
# C0 and C1 controls (an 8-bit CSI drives some terminals as ESC [ does), line breaks aside.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SINGLE_LINE_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


_ID_RE = re.compile(r"^[0-9a-z]{1,64}$")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]{0,99}$")


def is_id(value: object) -> bool:
    """Whether `value` has the shape of our ids (new_id's, or an earlier version's)."""
    return isinstance(value, str) and _ID_RE.match(value) is not None


def derived_id(*parts: str) -> str:
    """An id of new_id's shape made from `parts`: the same parts always give the same id, so
    an id re-keyed on import is re-keyed the same way when the file is imported again."""
    import hashlib

    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def new_id() -> str:
    """A short random id, safe in iCalendar UIDs and file names."""
    return os.urandom(6).hex()  # 48 random bits, as uuid4().hex[:12] had (uuid is slow to import)


def check_text(
    value: str, what: str, *, required: bool = False, multiline: bool = False, limit: int = 10_000
) -> str:
    """Strip a user-supplied text and reject control characters, which could forge headers."""
    value = value.strip()
    if required and not value:
        raise ValidationError(f"The {what} cannot be empty.")
    if len(value) > limit:
        raise ValidationError(f"The {what} is longer than {limit} characters.")
    pattern = _CONTROL_RE if multiline else _SINGLE_LINE_CONTROL_RE
    if pattern.search(value):
        raise ValidationError(f"The {what} contains a control character.")
    if not multiline and reorders(value):
        raise ValidationError(
            f"The {what} contains a mark that reverses the direction of text (such as a "
            "right-to-left override); remove it."
        )
    return value


MAX_EMAIL = 254  # RFC 5321's limit on an address


def check_email(value: str) -> str:
    value = value.strip()
    if value and (len(value) > MAX_EMAIL or not _EMAIL_RE.match(value)):
        raise ValidationError(f"'{shown(value)}' is not a valid email address.")
    return value


def check_phone(value: str) -> str:
    value = value.strip()
    if value and not _PHONE_RE.match(value):
        raise ValidationError(f"'{shown(value)}' is not a valid phone number.")
    return value


def check_country(value: str) -> str:
    """An ISO 3166 country code in capitals ('' stays ''), or a ValidationError."""
    code = value.strip().upper()
    if code and code not in countries():
        raise ValidationError(
            f"'{shown(value.strip()[:40])}' is not an ISO 3166 country code (like US, GB, ZA)."
        )
    return code


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`, or a ValidationError."""
    if not name or name != name.strip() or name.startswith("/") or ".." in name:
        raise ValidationError(
            f"'{shown(name)}' is not a known IANA time zone (for example Europe/Paris)."
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(
            f"'{shown(name)}' is not a known IANA time zone (for example Europe/Paris)."
        ) from None


def known_zones() -> list[str]:
    return sorted(available_timezones())


def local_datetime(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    """Wall-clock time on `day` in `tz`; a time in a DST gap moves forward past the gap."""
    naive = datetime(day.year, day.month, day.day, hour, minute)
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(ZoneInfo("UTC")).astimezone(tz)
    if back.replace(tzinfo=None) != naive:  # nonexistent wall time: take the instant after the gap
        return (naive.replace(tzinfo=tz, fold=1)).astimezone(ZoneInfo("UTC")).astimezone(tz)
    return aware


EARLIEST_YEAR = 1970
LATEST_YEAR = 2200


def check_year(day: date, what: str) -> None:
    """Refuse dates a calendar cannot sensibly hold (and that would overflow the planner)."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValidationError(
            f"The {what} must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}."
        )


def check_instant(moment: datetime, what: str) -> None:
    """Refuse a time without a zone, or one a calendar cannot sensibly hold."""
    if not isinstance(moment, datetime):
        raise ValidationError(f"The {what} is not a date and time.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(f"The {what} has no time zone.")
    check_year(moment, what)


MAX_SEQUENCE = 2**31 - 1  # the largest iCalendar INTEGER


def check_sequence(value: int) -> int:
    """An invitation's SEQUENCE: a whole number from 0 to MAX_SEQUENCE."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_SEQUENCE:
        raise ValidationError(
            f"The invitation's SEQUENCE must be a whole number from 0 to {MAX_SEQUENCE}."
        )
    return value


def invitation_order(
    sequence: int, stamp: datetime | None, than_sequence: int, than_stamp: datetime | None
) -> int:
    """Whether a revision of an invitation is older (-1), the same (0) or newer (1) than
    another of the same UID: by SEQUENCE, then by DTSTAMP (RFC 5546, 2.1.5). Without a DTSTAMP
    on both sides, equal SEQUENCEs cannot be told apart: the same."""
    if sequence != than_sequence:
        return 1 if sequence > than_sequence else -1
    if stamp is None or than_stamp is None or stamp == than_stamp:
        return 0
    return 1 if stamp > than_stamp else -1


def parse_instant(text: str, tz: ZoneInfo, what: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is wall-clock time in `tz`."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"The {what} '{text}' is not an ISO 8601 date and time (like 2026-11-23T14:00)."
        ) from None
    check_year(value, what)
    if value.tzinfo is None:
        aware = value.replace(tzinfo=tz)
        roundtrip = aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None)
        if roundtrip != value:
            raise ValidationError(
                f"The {what} {text} does not exist in {tz.key}: the clocks change then."
            )
        return aware
    return value.astimezone(tz)


def parse_date(text: str, what: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"The {what} '{text}' is not a date like 2026-11-30.") from None
    check_year(day, what)
    return day


MAX_TOPIC = 500  # characters of one topic discussed
MAX_POINT = 1000  # characters of one point to clarify


def check_topics(values: Iterable[str]) -> tuple[str, ...]:
    """Topics discussed, each one line of at most MAX_TOPIC characters; blank ones dropped."""
    return tuple(t for t in (check_text(t, "topic", limit=MAX_TOPIC) for t in values) if t)


def check_points(values: Iterable[str]) -> tuple[str, ...]:
    """Points to clarify, each one line of at most MAX_POINT characters; blank ones dropped."""
    checked = (check_text(c, "point to clarify", limit=MAX_POINT) for c in values)
    return tuple(c for c in checked if c)


MAX_POSTAL = 500  # characters of a postal address, its line breaks included
MAX_POSTAL_LINES = 8


def check_postal_address(value: str) -> str:
    """A postal address for an envelope: lines (at most MAX_POSTAL_LINES) each checked as a
    one-line text, blank ones dropped, joined by line breaks; at most MAX_POSTAL characters."""
    if len(value) > 4 * MAX_POSTAL:  # however much of it is blank: not an address
        raise ValidationError(f"The postal address is longer than {MAX_POSTAL} characters.")
    lines = [
        check_text(line, "postal address", limit=MAX_POSTAL)
        for line in value.replace("\r\n", "\n").split("\n")
    ]
    address = "\n".join(line for line in lines if line)
    if len(address) > MAX_POSTAL:
        raise ValidationError(f"The postal address is longer than {MAX_POSTAL} characters.")
    if address.count("\n") >= MAX_POSTAL_LINES:
        raise ValidationError(f"The postal address has more than {MAX_POSTAL_LINES} lines.")
    return address


MAX_PERSON = 1000  # characters of "Name (Title) <email>": 200 + 200 + 254 and room to spare
_ADDRESS_RE = re.compile(
    r"^\s*(?P<name>[^<>()]*?)\s*(?:\((?P<title>[^()<>]*)\)\s*)?(?:<(?P<email>[^<>]*)>)?\s*$"
)


@dataclass(frozen=True)
class Interviewer:
    """A person the user met; `key` stays the same when the person's details are edited."""

    name: str
    email: str = ""
    title: str = ""
    phone: str = ""
    key: str = "p1"
    # What the messages to this person mention: their topics (else the interview's), and the
    # points to clarify addressed to them (the interview's own go to the main contact).
    topics: tuple[str, ...] = ()
    clarify: tuple[str, ...] = ()

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def address(self) -> str:
        """'Name <email>' or just the name."""
        return f"{self.name} <{self.email}>" if self.email else self.name

    def validated(self) -> Interviewer:
        return replace(
            self,
            name=check_text(self.name, "interviewer's name", required=True, limit=200),
            title=check_text(self.title, "interviewer's title", limit=200),
            email=check_email(self.email),
            phone=check_phone(self.phone),
            topics=check_topics(self.topics),
            clarify=check_points(self.clarify),
        )

    @classmethod
    def parse(cls, spec: str, key: str = "p1") -> Interviewer:
        """Read 'Name', 'Name <email>' or 'Name (Title) <email>'."""
        # The pattern backtracks over long runs of white space: only ever a plausible length.
        match = _ADDRESS_RE.match(spec) if len(spec) <= MAX_PERSON else None
        if not match or not match.group("name"):
            raise ValidationError(
                f"'{shown(spec)}' is not an interviewer like \"Ana Diaz (CTO) <ana@example.com>\"."
            )
        return cls(
            name=match.group("name"),
            title=match.group("title") or "",
            email=match.group("email") or "",
            key=key,
        ).validated()


@dataclass(frozen=True)
class Interview:
    """One interview the user attended (or will attend) and wants to follow up on."""

    id: str
    company: str
    role: str
    interviewers: tuple[Interviewer, ...]
    start: datetime  # aware, in `tz`
    end: datetime  # aware, in `tz`
    tz: str
    channel: Channel = Channel.VIDEO
    decision_date: date | None = None
    pace: Pace = Pace.STANDARD
    playbook: str = ""  # empty: the user's default playbook
    round: int = 1
    # The application (company and role) this round belongs to: the id of its first round's
    # interview, or '' before it is stored (it is then its own application).
    application: str = ""
    topics: tuple[str, ...] = ()  # mentioned to every interviewer without topics of their own
    clarify: tuple[str, ...] = ()  # the points to clarify for the main contact (the first)
    notes: str = ""
    location: str = ""
    postal_address: str = ""  # where a handwritten note is posted: on the card's envelope side
    # Where the employer works (ISO 3166): their public holidays; '' means the time zone's.
    country: str = ""
    created: datetime | None = None
    source_uid: str = ""  # the UID of the employer's invitation it was imported from
    # That invitation's SEQUENCE and DTSTAMP as last applied: an older one changes nothing.
    source_sequence: int = 0
    source_stamp: datetime | None = None

    @property
    def primary(self) -> Interviewer:
        return self.interviewers[0]

    @property
    def application_id(self) -> str:
        """The application it is a round of: its own, unless it joined another."""
        return self.application or self.id

    @property
    def employer_country(self) -> str:
        """The employer's country: the one recorded, else the one its time zone lies in."""
        return self.country or zone_country(self.tz)

    def validated(self) -> Interview:
        """A copy with cleaned fields, or ValidationError naming the first problem."""
        company = check_text(self.company, "company", required=True, limit=200)
        role = check_text(self.role, "role", required=True, limit=200)
        tz = zone(self.tz)
        if not self.interviewers:
            raise ValidationError("Add at least one interviewer.")
        people = tuple(person.validated() for person in self.interviewers)
        keys = [person.key for person in people]
        if len(set(keys)) != len(keys):
            raise ValidationError("Two interviewers share the same key.")
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValidationError("The interview's start and end need a time zone.")
        if self.end <= self.start:
            raise ValidationError("The interview ends before it starts.")
        check_year(self.start, "interview's start")
        check_year(self.end, "interview's end")
        if self.decision_date is not None:
            check_year(self.decision_date, "decision date")
        if self.end - self.start > timedelta(days=2):
            raise ValidationError("The interview lasts more than two days; check the end time.")
        if self.decision_date is not None and self.decision_date < self.start.astimezone(tz).date():
            raise ValidationError("The decision date is before the interview.")
        if not 1 <= self.round <= 20:
            raise ValidationError("The round must be a number from 1 to 20.")
        if self.application and not is_id(self.application):
            raise ValidationError(
                f"'{shown(str(self.application)[:40])}' is not the id of an application."
            )
        if self.source_stamp is not None:
            check_instant(self.source_stamp, "invitation's time stamp (DTSTAMP)")
        return replace(
            self,
            company=company,
            role=role,
            interviewers=people,
            start=self.start.astimezone(tz),
            end=self.end.astimezone(tz),
            topics=check_topics(self.topics),
            clarify=check_points(self.clarify),
            notes=check_text(self.notes, "notes", multiline=True),
            location=check_text(self.location, "location", limit=2000),
            postal_address=check_postal_address(self.postal_address),
            country=check_country(self.country),
            playbook=check_text(self.playbook, "playbook name", limit=100),
            source_uid=check_text(self.source_uid, "invitation UID", limit=1000),
            source_sequence=check_sequence(self.source_sequence),
            application=self.application_id,
        )


def next_interviewer_key(people: tuple[Interviewer, ...] | list[Interviewer]) -> str:
    used = {p.key for p in people}
    n = 1
    while f"p{n}" in used:
        n += 1
    return f"p{n}"


@dataclass(frozen=True)
class Activity:
    """One thing that happened; the plan is a pure function of the interview and these."""

    kind: ActivityKind
    at: datetime  # when it happened (aware)
    step: str = ""  # step key, for done/skip/reopen/move
    until: date | None = None  # delay: the new decision date
    to: datetime | None = None  # move: the new time
    outcome: Outcome | None = None
    how: str = ""  # done: how it was done (email, phone: voicemail, ...)
    note: str = ""
    seq: int = 0  # order of recording, to break ties between equal times
    id: str = field(default_factory=new_id)

    def validated(self) -> Activity:
        """The activity with its texts stripped, or a ValidationError naming the field: the
        same rules whether it was typed, read from a file or from a server."""
        if not isinstance(self.kind, ActivityKind):
            raise ValidationError(f"'{shown(str(self.kind))}' is not a kind of activity.")
        check_instant(self.at, "time of the activity")
        if self.to is not None:
            check_instant(self.to, "new time of the step")
        if self.until is not None:
            if not isinstance(self.until, date) or isinstance(self.until, datetime):
                raise ValidationError("The new decision date is not a date.")
            check_year(self.until, "new decision date")
        if self.outcome is not None and not isinstance(self.outcome, Outcome):
            raise ValidationError(f"'{shown(str(self.outcome))}' is not an outcome.")
        if not isinstance(self.step, str) or (self.step and not _KEY_RE.match(self.step)):
            raise ValidationError(f"'{shown(str(self.step))}' is not the key of a step.")
        if not is_id(self.id):
            raise ValidationError(f"'{shown(str(self.id))}' is not an activity id.")
        if not isinstance(self.seq, int) or isinstance(self.seq, bool) or self.seq < 0:
            raise ValidationError("The activity's number is not a whole number.")
        if not isinstance(self.how, str) or not isinstance(self.note, str):
            raise ValidationError("The activity's note is not text.")
        return replace(
            self,
            how=check_text(self.how, "way it was done", limit=200),
            note=check_text(self.note, "note", multiline=True, limit=10_000),
        )

    def is_calendar_deletion(self) -> bool:
        """Whether this is a pull's skip of a step whose event was deleted in the calendar."""
        return self.kind is ActivityKind.SKIP and (
            self.how == DELETED_IN_CALENDAR or self.note == _DELETED_NOTE
        )

    @classmethod
    def calendar_deletion(cls, step: Step, at: datetime) -> Activity:
        """The skip a pull records for a step whose event was deleted in the calendar."""
        return cls(
            ActivityKind.SKIP,
            at,
            step=step.key,
            to=step.start,
            how=DELETED_IN_CALENDAR,
            note=_DELETED_NOTE,
        )


def employer_cancellation(activities: Iterable[Activity]) -> Activity | None:
    """The employer's cancellation in force: the last one recorded, unless the interview was
    reopened after it (by a newer invitation, or by the user). Recording order (`seq`) decides,
    not `at`: a cancellation is dated when the employer sent it, a reopening when recorded."""
    found: Activity | None = None
    for activity in sorted(activities, key=lambda a: a.seq):
        if activity.kind is ActivityKind.CANCELLED:
            found = activity
        elif activity.kind is ActivityKind.REOPEN and not activity.step:
            found = None
    return found


def cancelled_sentence(cancellation: Activity, tz: tzinfo) -> str:
    """What an interview and its follow-ups say once the employer cancelled it."""
    return f"Cancelled by the employer on {shown_dates.day(cancellation.at.astimezone(tz))}."


@dataclass(frozen=True)
class Step:
    """A follow-up the plan asks the user to do."""

    id: str  # "<interview id>.<key>", stable for the life of the step
    interview_id: str
    key: str
    kind: str
    title: str
    channel: StepChannel
    to: str  # the recipient, "Name <email>" or a name
    start: datetime
    end: datetime
    deadline: datetime  # the latest time the playbook allows
    status: StepStatus
    chaser: bool
    optional: bool
    manual: bool  # the user moved or completed it by hand: its time is theirs
    why: str  # why it is scheduled then, in a sentence
    status_reason: str = ""
    done_how: str = ""
    # Skipped because its event was deleted in the calendar: no computer sends it back there.
    deleted_in_calendar: bool = False

"""Employers' invitations: the interview an event from another calendar (Google, Outlook and
Teams, Zoom, Calendly-style schedulers) arranges, or the cancellation of one.

Outside text is bounded before it is read (a title's first MAX_TITLE characters, the first
MAX_ATTENDEES attendees), and read by plain splitting and searching: linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event

from followthrough.core.model import (
    MAX_SEQUENCE,
    Channel,
    Interview,
    Interviewer,
    ValidationError,
    check_instant,
)
from followthrough.core.text import shown
from followthrough.ical.fields import first_uid
from followthrough.store.merge import Cancellation

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
INVITATION_METHODS = ("REQUEST", "PUBLISH", "")
MAX_TITLE = 256  # characters of a SUMMARY read for the company and the role
MAX_ATTENDEES = 20  # attendees read from one invitation (an all-hands lists hundreds)
# What an invitation that does not say them gets, for the user to fill in.
UNKNOWN_COMPANY = "Unknown company"
UNKNOWN_ROLE = "Unknown role"

# Where a title is cut into parts: dashes and bars anywhere; a hyphen only between spaces
# ("Coca-Cola", "e-commerce" stay whole); "interview:" ends a part ("Acme interview: Analyst").
_SEPARATORS = ("–", "—", "|", " - ", "interview:")
_TRIM = " \t:;,-–—|"  # never at either end of a name
# Words that name a stage of the process rather than a company or a role.
_STAGE = frozenset((
    "interview", "interviews", "job", "phone", "video", "virtual", "onsite", "on-site",
    "technical", "final", "first", "second", "third", "1st", "2nd", "3rd", "round", "screen",
    "screening", "panel", "hr", "call", "chat", "coding", "case", "behavioural", "behavioral",
    "culture", "fit", "follow-up", "initial",
))  # fmt: skip
_NOT_PEOPLE = ("ROOM", "RESOURCE", "GROUP")  # CUTYPEs that are not a person
# Addresses that send invitations but are nobody: a local part, or a domain's end.
_MACHINE_NAMES = frozenset(
    ("noreply", "no-reply", "donotreply", "do-not-reply", "unknownorganizer", "calendar")
)
_MACHINE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
_FREE_MAIL = ("gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "icloud", "calendar")


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


# -- the company and the role ------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.strip(_TRIM)


def _parts(title: str) -> list[str]:
    """The title cut at every separator (see _SEPARATORS), each part trimmed, empty ones
    dropped. Lowering ASCII letters keeps every index, so the cuts found in the lowered copy
    fall at the same places in the title."""
    low = title.translate(_ASCII_LOWER)
    cuts: list[tuple[int, int]] = []
    for separator in _SEPARATORS:
        start = low.find(separator)
        while start >= 0:
            cuts.append((start, start + len(separator)))
            start = low.find(separator, start + len(separator))
    parts: list[str] = []
    at = 0
    for begin, end in sorted(cuts):
        if begin >= at:  # " - " and "–" cannot overlap; a cut inside the last one is skipped
            parts.append(title[at:begin])
            at = end
    parts.append(title[at:])
    return [part for part in map(_clean, parts) if part]


def _is_stage(part: str) -> bool:
    """Whether a part only names a stage: "Interview", "Technical interview", "Round 2"."""
    words = part.translate(_ASCII_LOWER).split()
    return all(word in _STAGE or word.isdigit() for word in words)


def _role_and_company(part: str) -> tuple[str, str]:
    """("Analyst", "Acme") from "Analyst at Acme" or "Analyst (Acme)", else ("", "")."""
    low = part.translate(_ASCII_LOWER)
    at = low.rfind(" at ")
    if at > 0 and _clean(part[:at]) and _clean(part[at + 4 :]):
        return _clean(part[:at]), _clean(part[at + 4 :])
    opening = part.rfind("(")
    if part.endswith(")") and opening > 0 and ")" not in part[opening:-1]:
        role, company = _clean(part[:opening]), _clean(part[opening + 1 : -1])
        if role and company:
            return role, company
    return "", ""


def company_and_role(summary: str) -> tuple[str, str]:
    """The company and the role an invitation's title names, "" for what it does not say
    for certain. Reads "Interview: Role – Company", "Company | Interview | Role",
    "Company - Role", "Role at Company", "Role (Company)", "Interview with Company" (and
    "Company interview: Role"), with an en dash, an em dash, a spaced hyphen or a bar."""
    title = summary[:MAX_TITLE].strip()
    role_first = title.translate(_ASCII_LOWER).startswith("interview:")
    marked = role_first  # the title says it is an interview
    company = role = ""
    plain: list[str] = []
    for part in _parts(title):
        low = part.translate(_ASCII_LOWER)
        if _is_stage(part):
            marked = True
        elif low.startswith(("interview with ", "interview at ")):
            company, marked = company or _clean(part[low.index(" ", 10) :]), True
        elif low.startswith("interview for "):
            found = _role_and_company(part[14:])
            role = role or found[0] or _clean(part[14:])
            company, marked = company or found[1], True
        elif low.endswith(" interview") and not _is_stage(part[:-10]):
            company, marked = company or _clean(part[:-10]), True
        else:
            plain.append(part)
    if len(plain) == 1 and not company and not role:
        role, company = _role_and_company(plain[0])
        if role:
            return company, role
    free = [
        slot
        for slot in (("role", "company") if role_first else ("company", "role"))
        if not (company if slot == "company" else role)
    ]
    if plain and free and (len(plain) >= len(free) or marked):
        # As many parts as empty slots: one each, in the title's order. More parts than
        # slots: only the first is certain. One part for two slots: the first, if the title
        # says it is an interview ("Interview - Acme"); else nothing is certain.
        filled = plain[: len(free)] if len(plain) == len(free) else plain[:1]
        for slot, value in zip(free, filled, strict=False):
            if slot == "company":
                company = value
            else:
                role = value
    return company, role


# -- the people ---------------------------------------------------------------------------------


def name_from_address(email: str) -> str:
    """A person's name from their address: "ana.lopez@x.com" -> "Ana Lopez"."""
    local = email.partition("@")[0].partition("+")[0]
    words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def _person(address: object) -> Interviewer | None:
    """The person at an ORGANIZER or ATTENDEE, named by its CN or else by its address; None
    for an address that is nobody's (a no-reply sender, a room or group calendar)."""
    if address is None:
        return None
    text = str(address).strip()
    email = text[7:].strip() if text[:7].lower() == "mailto:" else ""
    local, _at, domain = email.lower().partition("@")
    if local in _MACHINE_NAMES or domain.endswith(_MACHINE_DOMAINS):
        return None
    params = getattr(address, "params", {})
    name = str(params.get("CN", "")).strip().strip('"').strip()
    if "@" in name and " " not in name:  # Outlook and Google often give the address as CN
        name = ""
    name = (name or name_from_address(email))[:200]
    for person in (Interviewer(name=name, email=email), Interviewer(name=name)):
        try:
            return person.validated()
        except ValidationError:  # an address that is not one: the name alone
            continue
    return None


def interviewers(event: Event, me: frozenset[str]) -> list[Interviewer]:
    """Everyone an invitation names who is a person, the organizer first (the main contact):
    not the user (an address in `me`, lower case), rooms, resources or groups; each once."""
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    people: list[Interviewer] = []
    seen: set[str] = set()
    for address in [event.get("ORGANIZER"), *attendees[:MAX_ATTENDEES]]:
        cutype = str(getattr(address, "params", {}).get("CUTYPE", "")).upper()
        person = None if cutype in _NOT_PEOPLE else _person(address)
        if person is None or person.email.lower() in me:
            continue
        identity = (person.email or person.name).casefold()
        if identity not in seen:
            seen.add(identity)
            people.append(replace(person, key=f"p{len(people) + 1}"))
    return people


# -- the invitation ----------------------------------------------------------------------------


def revision(event: Event) -> tuple[int, datetime | None]:
    """An invitation's SEQUENCE and DTSTAMP (None when it has none that can be believed)."""
    try:
        sequence = min(max(int(event.get("SEQUENCE", 0)), 0), MAX_SEQUENCE)
    except (TypeError, ValueError):
        sequence = 0
    try:
        stamp = event.decoded("DTSTAMP")
        check_instant(stamp, "time stamp")
    except (KeyError, ValueError, OverflowError, OSError):  # ValidationError is a ValueError
        return sequence, None
    return sequence, stamp


def cancellation(event: Event) -> Cancellation | str:
    """An employer's cancellation (METHOD:CANCEL, or STATUS:CANCELLED), or why it is skipped."""
    summary = shown(str(event.get("SUMMARY", "")).strip(), 200)
    uid = first_uid(event)[:1000]
    if not uid:
        return f"the cancelled event {summary!r}: it has no UID to find its interview by"
    sequence, stamp = revision(event)
    return Cancellation(uid, sequence, stamp, summary)


def invitation(
    event: Event, method: str, user_tz: str, me: frozenset[str] = frozenset()
) -> tuple[Interview | None, str]:
    """An interview from an employer's invitation, or (None, why it was skipped). `me`: the
    user's own addresses, in lower case (they are not an interviewer)."""
    summary = str(event.get("SUMMARY", "")).strip()
    label = f"the event {shown(summary or str(event.get('UID', '(no UID)')))!r}"
    if method not in INVITATION_METHODS:
        return None, f"{label}: a {method} message is not an invitation"
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None, f"{label}: it is cancelled"
    times = _times(event, user_tz)
    if isinstance(times, str):
        return None, f"{label}: {times}"
    start, end, tz = times
    people = interviewers(event, me) or [Interviewer(name="Hiring team")]
    location = str(event.get("LOCATION", "")).strip()
    description = str(event.get("DESCRIPTION", ""))
    link = meeting_link(" ".join([str(event.get("URL", "")), location, description]))
    if link and not location:
        location = link
    channel = Channel.VIDEO if link else (Channel.IN_PERSON if location else Channel.PHONE)
    company, role = company_and_role(summary)
    sequence, stamp = revision(event)
    try:
        interview = Interview(
            id="",
            company=(company or _company_from(event.get("ORGANIZER")) or UNKNOWN_COMPANY)[:200],
            role=(role or UNKNOWN_ROLE)[:200],
            interviewers=tuple(people),
            start=start,
            end=end,
            tz=tz,
            channel=channel,
            location=location[:2000],
            notes=description[:10_000],
            source_uid=str(event.get("UID", ""))[:1000],
            source_sequence=sequence,
            source_stamp=stamp,
        ).validated()
    except ValidationError as error:
        return None, f"{label}: {str(error).rstrip('.')}"
    return interview, ""


def _company_from(organizer: object) -> str:
    """The organizer's company, from the domain of an address that is not a free mail's."""
    person = _person(organizer)
    if person is None or not person.email:
        return ""
    name = person.email.split("@")[1].split(".")[0]
    return "" if name.lower() in _FREE_MAIL else name.capitalize()


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

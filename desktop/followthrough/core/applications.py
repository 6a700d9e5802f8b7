"""Applications: one company and role, whose rounds are interviews.

An interview's `application` is the id its rounds share (the first round's interview id, as
a rule); the pipeline and `interview list` show an application with its rounds. A new
interview joins an application when asked by id, or when it is a later round (2 and up) of
the same company and role; the next round a reply announces is prefilled from the last one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from followthrough.core.model import Interview, ValidationError, is_id, local_datetime, zone
from followthrough.core.text import shown

MAX_ROUND = 20  # Interview.validated's limit


@dataclass(frozen=True)
class Application:
    """A company and role the user applied for, and its rounds in order."""

    id: str
    rounds: tuple[Interview, ...]

    @property
    def company(self) -> str:
        return self.rounds[-1].company

    @property
    def role(self) -> str:
        return self.rounds[-1].role

    @property
    def latest(self) -> Interview:
        return self.rounds[-1]


def job_key(company: str, role: str) -> tuple[str, str]:
    """A company and role as compared: case and spacing aside."""
    return " ".join(company.split()).casefold(), " ".join(role.split()).casefold()


def job_text(company: str, role: str) -> str:
    """`job_key` as one text, as the store keeps it beside each interview (its column `job`,
    indexed: the rounds of a company and role are found without reading every interview)."""
    return "\x1f".join(job_key(company, role))


def same_job(one: Interview, other: Interview) -> bool:
    """Whether two interviews are for the same company and role (case and spacing aside)."""
    return job_key(one.company, one.role) == job_key(other.company, other.role)


def _order(iv: Interview) -> tuple[int, datetime, str]:
    return iv.round, iv.start, iv.id


def applications(interviews: Iterable[Interview]) -> list[Application]:
    """The interviews grouped by application, each with its rounds in order (round, then
    start); the applications in the order of their latest round's start."""
    groups: dict[str, list[Interview]] = {}
    for iv in interviews:
        groups.setdefault(iv.application_id, []).append(iv)
    found = [Application(key, tuple(sorted(ivs, key=_order))) for key, ivs in groups.items()]
    return sorted(found, key=lambda app: (app.latest.start, app.id))


def check_application_id(value: str) -> str:
    """An application id as typed or read: our ids' shape, or a ValidationError."""
    value = value.strip()
    if not is_id(value):
        raise ValidationError(f"'{shown(value[:40])}' is not the id of an application.")
    return value


def placed(
    interview: Interview,
    existing: Iterable[Interview],
    *,
    application: str | None = None,
    round_given: bool = False,
) -> Interview:
    """A new interview in its application: the one named by `application` (which must exist;
    its round is the next one unless `round_given`), else, for a round after the first, the
    latest application of the same company and role, else its own (interview.application
    as it was)."""
    known = applications(existing)
    if application is not None:
        wanted = check_application_id(application)
        found = next((app for app in known if app.id == wanted), None)
        if found is None:
            raise ValidationError(f"There is no application with id '{shown(wanted)}'.")
        number = interview.round if round_given else found.latest.round + 1
        if number > MAX_ROUND:
            raise ValidationError(f"The application {wanted} has its {MAX_ROUND} rounds already.")
        return replace(interview, application=found.id, round=number)
    if interview.application or interview.round <= 1:
        return interview
    matching = [app for app in known if same_job(app.latest, interview)]
    if not matching:
        return interview
    return replace(interview, application=matching[-1].id)


def next_round(previous: Interview, day: date) -> Interview:
    """The round after `previous`, on `day` at the same time of day and for as long, in its
    time zone: the same company, role, people and ways, to be stored (it has no id yet). What
    was discussed, with everyone or with one person, belongs to the round it was said in."""
    if previous.round >= MAX_ROUND:
        raise ValidationError(f"The round must be a number from 1 to {MAX_ROUND}.")
    tz = zone(previous.tz)
    start_here = previous.start.astimezone(tz)
    if day < start_here.date():
        raise ValidationError("The next round's date is before the interview.")
    start = local_datetime(day, start_here.hour, start_here.minute, tz)
    return replace(
        previous,
        id="",
        application=previous.application_id,
        round=previous.round + 1,
        start=start,
        end=start + (previous.end - previous.start),
        decision_date=None,
        topics=(),
        clarify=(),
        interviewers=tuple(
            replace(person, topics=(), clarify=()) for person in previous.interviewers
        ),
        notes="",
        created=None,
        source_uid="",
        source_sequence=0,
        source_stamp=None,
    )

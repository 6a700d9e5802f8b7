"""Which interview, and which step, a message belongs to (no Qt, no network).

A message that came in is a reply to an interview when it arrived after the interview began,
was not sent by a machine (an auto-reply, a list, a newsletter), and either answers a message
we sent (its In-Reply-To or References name a Message-ID recorded when sending), or comes from
one of the interviewers, or from the employer's domain: the domains of the interviewers'
addresses, never a public mail domain (resources/mail/public-domains.txt).

A message the user sent marks a step done when it went to an interviewer after the interview,
and a planned email step to that person was due by then: the thank-you to whoever it thanks,
a chaser to the main contact. The latest interview that fits wins (a second round with the
same people). A reply's subject may hint at what to log next (resources/mail/subjects.toml):
the window suggests it, nothing is logged from it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import cache

from followthrough.core.model import Interview, Step, StepChannel, StepStatus
from followthrough.mail.headers import MailHeader
from followthrough.resources import resource_path

# A chaser sent a little before its planned hour (in the morning, for the afternoon) counts.
EARLY = timedelta(hours=12)


@dataclass(frozen=True)
class OpenInterview:
    """An interview with follow-ups still planned: what a message may answer or complete."""

    interview: Interview
    planned: tuple[Step, ...]


@dataclass(frozen=True)
class Finding:
    """What a message means: a reply to an interview, or a step the user did ("sent")."""

    interview_id: str
    kind: str  # "reply" or "sent"
    step: str  # the key of the step a sent message completes; '' for a reply
    at: datetime
    hint: str  # a reply's suggested next action: offer, rejection, next-round, new-date or ''


@cache
def public_domains() -> frozenset[str]:
    """The public mail domains (gmail.com...), from the resources' list."""
    text = resource_path("mail", "public-domains.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@cache
def _hints() -> tuple[tuple[str, tuple[str, ...]], ...]:
    with resource_path("mail", "subjects.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return tuple((kind, tuple(w.lower() for w in entry["words"])) for kind, entry in data.items())


def hint(subject: str) -> str:
    """What a reply's subject suggests logging next (offer, rejection, next-round, new-date),
    or ''."""
    lowered = subject.lower()
    for kind, words in _hints():
        if any(word in lowered for word in words):
            return kind
    return ""


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def employer_domains(interview: Interview) -> frozenset[str]:
    """The domains of the interviewers' addresses, but public mail domains."""
    public = public_domains()
    found = {_domain(p.email) for p in interview.interviewers if p.email}
    return frozenset(d for d in found if d and d not in public)


def _latest_first(interviews: Sequence[OpenInterview], moment: datetime) -> list[OpenInterview]:
    """The interviews that had begun by `moment`, the latest first."""
    begun = [c for c in interviews if c.interview.start < moment]
    return sorted(begun, key=lambda c: c.interview.start, reverse=True)


def match_received(
    header: MailHeader,
    interviews: Sequence[OpenInterview],
    sent: Mapping[str, str],
    mine: frozenset[str],
) -> Finding | None:
    """The reply `header` is, or None. `sent` maps the Message-IDs we recorded to their
    interviews; `mine` holds the user's own addresses."""
    if header.automatic or not header.sender or header.sender in mine:
        return None
    candidates = _latest_first(interviews, header.date)
    chosen: OpenInterview | None = None
    by_id = {c.interview.id: c for c in candidates}
    for message_id in header.thread:
        if sent.get(message_id) in by_id:
            chosen = by_id[sent[message_id]]
            break
    if chosen is None:
        chosen = next(
            (
                c
                for c in candidates
                if header.sender in {p.email.lower() for p in c.interview.interviewers}
            ),
            None,
        )
    if chosen is None:
        domain = _domain(header.sender)
        chosen = next((c for c in candidates if domain in employer_domains(c.interview)), None)
    if chosen is None:
        return None
    return Finding(chosen.interview.id, "reply", "", header.date, hint(header.subject))


def step_address(step: Step) -> str:
    """The address a step goes to ('' for one with only a name)."""
    return parseaddr(step.to)[1].lower()


def match_sent(header: MailHeader, interviews: Sequence[OpenInterview]) -> Finding | None:
    """The step the sent message `header` completes, or None."""
    if header.automatic or not header.recipients:
        return None
    recipients = set(header.recipients)
    for candidate in _latest_first(interviews, header.date):
        due = [
            step
            for step in candidate.planned
            if step.status is StepStatus.PLANNED
            and step.channel is StepChannel.EMAIL
            and step_address(step) in recipients
            and (not step.chaser or header.date >= step.start - EARLY)
        ]
        if due:
            step = min(due, key=lambda s: (s.start, s.key))
            return Finding(candidate.interview.id, "sent", step.key, header.date, "")
    return None

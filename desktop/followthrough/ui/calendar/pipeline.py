"""Where each application stands (waiting, replied, offer, rejected, closed) and its next
step: an application (a company and role) is shown once, as its latest round stands, with its
rounds.

No Qt models here: `pipeline_entries` is read on the UI thread by the event cache, or off it
by the pipeline model's task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from followthrough.core.applications import applications
from followthrough.core.model import Activity, ActivityKind, Interview, Outcome, StepStatus
from followthrough.store import StoredInterview, parse_utc
from followthrough.ui.calendar.events import tr


class PipelineState(StrEnum):
    WAITING = "waiting"
    REPLIED = "replied"
    OFFER = "offer"
    REJECTED = "rejected"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            PipelineState.WAITING: tr("Waiting"),
            PipelineState.REPLIED: tr("Replied"),
            PipelineState.OFFER: tr("Offer"),
            PipelineState.REJECTED: tr("Rejected"),
            PipelineState.CLOSED: tr("Closed"),
        }[self]


def pipeline_state(
    activities: Sequence[Activity], open_steps: int
) -> PipelineState:
    """Where an interview stands: an outcome decides; else the last word from them; else silence.

    A reply means the ball is in the user's court until a plan is made again; an announced
    delay means waiting for the new date. With nothing left to do and no answer, the process
    is closed.
    """
    outcome: Outcome | None = None
    last_contact: ActivityKind | None = None
    for activity in sorted(activities, key=lambda a: (a.at, a.seq)):
        if activity.kind is ActivityKind.OUTCOME and activity.outcome is not None:
            outcome = activity.outcome
        elif activity.kind in (ActivityKind.REPLY, ActivityKind.DELAY):
            last_contact = activity.kind
    if outcome is Outcome.OFFER:
        return PipelineState.OFFER
    if outcome is Outcome.REJECTED:
        return PipelineState.REJECTED
    if outcome is Outcome.WITHDRAWN:
        return PipelineState.CLOSED
    if last_contact is ActivityKind.REPLY:
        return PipelineState.REPLIED
    if open_steps == 0:
        return PipelineState.CLOSED
    return PipelineState.WAITING


@dataclass(frozen=True)
class PipelineEntry:
    interview: Interview  # the application's latest round
    state: PipelineState  # as that round stands
    next_step_id: str  # the next planned step of any of its rounds, "" if none
    next_start: datetime | None  # in the user's zone
    rounds: tuple[Interview, ...] = ()  # every round of the application, in order

    @property
    def round_ids(self) -> tuple[str, ...]:
        return tuple(iv.id for iv in self.rounds) or (self.interview.id,)

    @property
    def search_text(self) -> str:
        iv = self.interview
        people = " ".join(f"{p.name} {p.email}" for r in self.rounds or (iv,)
                          for p in r.interviewers)
        return f"{iv.company} {iv.role} {people} {' '.join(iv.topics)}".lower()


def pipeline_entries(
    stored: Sequence[StoredInterview],
    step_rows: Sequence[tuple[str, str, int, str, str, str]],
    tz: ZoneInfo,
) -> list[PipelineEntry]:
    """Each interview with its state and its next planned step (`step_rows` in time order)."""
    open_count: dict[str, int] = {}
    next_step: dict[str, tuple[str, str]] = {}
    for sid, iid, _seq, _mod, status, start in step_rows:
        if status == StepStatus.PLANNED.value:
            open_count[iid] = open_count.get(iid, 0) + 1
            next_step.setdefault(iid, (sid, start))
    by_id = {item.interview.id: item for item in stored}
    entries = []
    for application in applications(item.interview for item in stored):
        latest = by_id[application.latest.id]
        iid = latest.interview.id
        # The next step of any round: the earliest (UTC text of one shape sorts as time does).
        sid, start = min(
            (next_step[r.id] for r in application.rounds if r.id in next_step),
            key=lambda found: found[1],
            default=("", ""),
        )
        entries.append(
            PipelineEntry(
                latest.interview,
                pipeline_state(latest.activities, open_count.get(iid, 0)),
                sid,
                parse_utc(start).astimezone(tz) if start else None,
                application.rounds,
            )
        )
    return entries

"""Where each interview stands (waiting, replied, offer, rejected, closed) and its next step.

No Qt models here: `pipeline_entries` is read on the UI thread by the event cache, or off it
by the pipeline model's task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

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
    interview: Interview
    state: PipelineState
    next_step_id: str  # the next planned step, "" if none
    next_start: datetime | None  # in the user's zone

    @property
    def search_text(self) -> str:
        iv = self.interview
        people = " ".join(f"{p.name} {p.email}" for p in iv.interviewers)
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
    entries = []
    for item in stored:
        iid = item.interview.id
        sid, start = next_step.get(iid, ("", ""))
        entries.append(
            PipelineEntry(
                item.interview,
                pipeline_state(item.activities, open_count.get(iid, 0)),
                sid,
                parse_utc(start).astimezone(tz) if start else None,
            )
        )
    return entries

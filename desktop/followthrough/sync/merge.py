"""The three-way merge: what the calendar's changes to an event do here (no Qt).

The *base* is the event as last synced (sync_items.base). Against it:

* a field changed in the calendar only is taken; one changed here only stands;
* a field changed on both sides since the base (a step's time or state, an interview's
  company, decision date, ...) keeps the later change; the other one is kept in the
  interview's history as a `conflict` entry, which the app shows;
* a step moved, marked done or cancelled in a calendar app becomes a move, done or skip
  (ical.mapping's `changes_from_calendar`).

When this computer's version wins, the event is marked to be pushed again.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from followthrough.core.model import Activity, ActivityKind, Interview, Step, StepStatus
from followthrough.core.shown_dates import day_time
from followthrough.ical.mapping import (
    ImportedInterview,
    MappingError,
    StepState,
    changes_from_calendar,
    read_interview,
    read_step,
)
from followthrough.ical.quick import quick_step
from followthrough.store import Store
from followthrough.sync.events import main_event
from followthrough.sync.records import SyncItem

if TYPE_CHECKING:
    from icalendar import Event


@dataclass
class RemoteEvent:
    """One of our events as the calendar now has it: read in full when first asked for
    (`event`), unless the quick reader already read the step it shows (`step`) or the
    interview (`imported`)."""

    uid: str
    path: str
    etag: str
    body: bytes
    parsed: Event | None = None
    step: tuple[str, StepState] | None = None
    imported: ImportedInterview | None = None  # an interview the quick reader read

    @property
    def event(self) -> Event:
        if self.parsed is None:
            self.parsed = main_event(self.body)
            if self.parsed is None:  # the quick reader took no less than the full one does
                raise MappingError(f"The event {self.uid} cannot be read in full.", self.uid)
        return self.parsed

    def read_step(self) -> tuple[str, StepState]:
        return self.step or read_step(self.event)

    def read_interview(self) -> ImportedInterview:
        return self.imported or read_interview(self.event)

    def sequence(self) -> int:
        """The event's SEQUENCE (0 when it has none we can read)."""
        if self.step is not None:
            return self.step[1].sequence
        if self.imported is not None:
            return self.imported.sequence
        try:
            return int(self.event.get("SEQUENCE", 0))
        except (TypeError, ValueError, MappingError):
            return 0


_LABELS = {
    "company": "company",
    "role": "role",
    "interviewers": "interviewers",
    "start": "interview time",
    "end": "interview end",
    "tz": "time zone",
    "channel": "channel",
    "decision_date": "decision date",
    "pace": "pace",
    "playbook": "playbook",
    "round": "round",
    "application": "application",
    "topics": "topics",
    "clarify": "points to clarify",
    "notes": "notes",
    "location": "location",
    "postal_address": "postal address",
}


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "; ".join(_shown(v) for v in value) or "(none)"
    if isinstance(value, datetime):
        return f"{day_time(value)} {value.tzname() or ''}".strip()
    if hasattr(value, "name") and hasattr(value, "email"):
        return str(value.name)
    text = str(value) if value not in (None, "") else "(none)"
    return text if len(text) <= 80 else text[:77] + "..."


def _changed_at(event: Event, default: datetime) -> datetime:
    """When the event was last changed, as its LAST-MODIFIED (else DTSTAMP) says."""
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        if event.get(name) is None:
            continue
        try:
            value = event.decoded(name)
        except (ValueError, KeyError):
            continue
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return default


class Merger:
    """Decides, for one pull, what the calendar's changes do here (see the module doc)."""

    def __init__(
        self,
        store: Store,
        known: dict[str, SyncItem],
        base: dict[str, bytes],
        before: dict[str, str],
        now: datetime,
    ) -> None:
        self.store = store
        self.known = known
        self.base = base  # uid -> the event as last synced
        self.before = before  # uid -> digest of what this computer would send, before the pull
        self.now = now
        self.local_wins: set[str] = set()  # uids whose local version must be pushed
        self._latest_by_interview: dict[str, dict[str, datetime]] = {}
        self.conflicts: list[str] = []

    def _latest(self, interview_id: str) -> dict[str, datetime]:
        """Step key -> when the last thing happened to it, read once per interview (the
        interview's history is complete before its steps are reconciled)."""
        if interview_id not in self._latest_by_interview:
            latest: dict[str, datetime] = {}
            for activity in self.store.activities(interview_id):
                key = activity.step
                if key and (key not in latest or activity.at > latest[key]):
                    latest[key] = activity.at
            self._latest_by_interview[interview_id] = latest
        return self._latest_by_interview[interview_id]

    def changed_here(self, uid: str) -> bool:
        """Whether this computer changed the event since the last sync."""
        item = self.known.get(uid)
        return uid in self.before and (item is None or item.hash != self.before[uid])

    def keeps_ours(self, uid: str) -> bool:
        """Whether this computer's version of the event is to be sent to the calendar."""
        return self.changed_here(uid) or uid in self.local_wins

    def _base_step(self, uid: str) -> StepState | None:
        """The step as last synced, or None (never synced, or not readable)."""
        data = self.base.get(uid)
        if not data:
            return None
        try:
            return RemoteEvent(uid, "", "", data, step=quick_step(data)).read_step()[1]
        except MappingError:
            return None

    def _base_event(self, uid: str) -> Event | None:
        data = self.base.get(uid)
        return main_event(data) if data else None

    def _note(self, key: str, text: str) -> Activity:
        self.conflicts.append(text)
        return Activity(ActivityKind.CONFLICT, self.now, step=key, note=text)

    # -- interviews --------------------------------------------------------------------------
    def interview(
        self, remote: RemoteEvent, imported: ImportedInterview, here: Interview, modified: datetime
    ) -> tuple[Interview, list[Activity]]:
        """The interview's fields merged three ways, and the conflicts as history entries."""
        base_event = self._base_event(remote.uid)
        base: Interview | None = None
        if base_event is not None:
            try:
                base = read_interview(base_event).interview
            except MappingError:
                base = None
        theirs = imported.interview
        remote_at = _changed_at(remote.event, self.now)
        merged = here
        notes: list[Activity] = []
        for spec in fields(Interview):
            name = spec.name
            if name in ("id", "created"):
                continue
            mine, other = getattr(here, name), getattr(theirs, name)
            if mine == other:
                continue
            if base is not None and other == getattr(base, name):
                continue  # changed here only: ours stands
            if base is not None and mine == getattr(base, name):
                merged = replace(merged, **{name: other})  # changed in the calendar only
                continue
            label = _LABELS.get(name, name)
            if remote_at > modified:
                merged = replace(merged, **{name: other})
                notes.append(
                    self._note(
                        "",
                        f"{here.company}: the {label} was changed on both sides; the calendar's "
                        f"later change ({_shown(other)}) was kept, this computer's "
                        f"({_shown(mine)}) was replaced.",
                    )
                )
            else:
                self.local_wins.add(remote.uid)
                notes.append(
                    self._note(
                        "",
                        f"{here.company}: the {label} was changed on both sides; this "
                        f"computer's later change ({_shown(mine)}) was kept, the calendar's "
                        f"({_shown(other)}) was replaced.",
                    )
                )
        if merged != here:
            try:
                merged = merged.validated()
            except ValueError:
                merged = here
        return merged, notes

    # -- steps -------------------------------------------------------------------------------
    def step(
        self,
        remote: RemoteEvent,
        state: StepState,
        step: Step,
        modified: datetime,
        company: str,
    ) -> list[Activity]:
        """What a step event changed in the calendar does here."""
        base = self._base_step(remote.uid)
        # What the calendar did is recorded after everything already known of the step, so
        # that the history (ordered by time) ends with it, whatever the clocks said.
        latest = self._latest(step.interview_id).get(step.key)
        at = max(self.now, latest + timedelta(milliseconds=1)) if latest else self.now
        if base is None or not self.changed_here(remote.uid):
            return changes_from_calendar(state, step, at, base)
        # Changed on both sides since the base: field by field.
        remote_at = _changed_at(remote.event, self.now)
        later_there = remote_at > modified
        found: list[Activity] = []
        status_there = state.status is not base.status
        status_here = step.status is not base.status
        if status_there and status_here and state.status is not step.status:
            if later_there:
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: marked {state.status.value} in the calendar "
                        f"after it was marked {step.status.value} here; the calendar's later "
                        "change was kept.",
                    )
                )
                found += changes_from_calendar(
                    state, replace(step, status=StepStatus.PLANNED), at, base
                )
                if step.status is not StepStatus.PLANNED:
                    found.insert(0, Activity(ActivityKind.REOPEN, at, step=step.key))
            else:
                self.local_wins.add(remote.uid)
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: marked {step.status.value} here after it was "
                        f"marked {state.status.value} in the calendar; this computer's later "
                        "change was kept.",
                    )
                )
            return found
        moved_there = abs(state.start - base.start) >= timedelta(minutes=1)
        moved_here = abs(step.start - base.start) >= timedelta(minutes=1)
        if (
            moved_there
            and moved_here
            and step.status is StepStatus.PLANNED
            and abs(state.start - step.start) >= timedelta(minutes=1)
        ):
            there, here = _shown(state.start), _shown(step.start)
            if later_there:
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: moved to {there} in the calendar and to "
                        f"{here} here; the calendar's later move was kept.",
                    )
                )
                found.append(Activity(ActivityKind.MOVE, at, step=step.key, to=state.start))
            else:
                self.local_wins.add(remote.uid)
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: moved to {here} here and to {there} in the "
                        "calendar; this computer's later move was kept.",
                    )
                )
            return found
        # Different fields changed: both stand.
        found += changes_from_calendar(state, step, at, base)
        if found:
            self.local_wins.add(remote.uid)  # what changed here must still reach the calendar
        return found

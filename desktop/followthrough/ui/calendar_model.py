"""Item models of the calendar: the events of a date range, the agenda, today's list, the pipeline.

`EventCache` asks the store for the index rows (id, SEQUENCE, status, start) of the range on
screen and loads full steps and interviews only for those, keeping them while their SEQUENCE
is unchanged: switching month re-reads nothing that was already seen. The Qt models on top are
plain views of what the cache returns.
"""

from __future__ import annotations

import colorsys
import contextlib
import hashlib
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QDate,
    QLocale,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Outcome,
    StepStatus,
    ValidationError,
    local_datetime,
)
from followthrough.store import Store, StoredInterview, StoredStep, parse_utc, utc_text

_Index = QModelIndex | QPersistentModelIndex

STEP_MIME = "application/x-followthrough-step"
"""A dragged step: its id, a newline, and its start as ISO 8601."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("Calendar", text)


class EventStatus(StrEnum):
    """What a calendar shows of an event's state (a planned step is also due or overdue)."""

    PLANNED = "planned"
    DUE = "due"  # planned for today
    OVERDUE = "overdue"  # planned for a day already past
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            EventStatus.PLANNED: _tr("Planned"),
            EventStatus.DUE: _tr("Due today"),
            EventStatus.OVERDUE: _tr("Overdue"),
            EventStatus.DONE: _tr("Done"),
            EventStatus.SKIPPED: _tr("Skipped"),
            EventStatus.CANCELLED: _tr("Cancelled"),
        }[self]

    @property
    def mark(self) -> str:
        """A glyph that tells the status without relying on colour."""
        return {
            EventStatus.PLANNED: "",
            EventStatus.DUE: "●",
            EventStatus.OVERDUE: "!",
            EventStatus.DONE: "✓",
            EventStatus.SKIPPED: "–",
            EventStatus.CANCELLED: "×",
        }[self]

    @property
    def open(self) -> bool:
        """Still to do (so it can be moved, done or skipped)."""
        return self in (EventStatus.PLANNED, EventStatus.DUE, EventStatus.OVERDUE)


class PipelineState(StrEnum):
    WAITING = "waiting"
    REPLIED = "replied"
    OFFER = "offer"
    REJECTED = "rejected"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            PipelineState.WAITING: _tr("Waiting"),
            PipelineState.REPLIED: _tr("Replied"),
            PipelineState.OFFER: _tr("Offer"),
            PipelineState.REJECTED: _tr("Rejected"),
            PipelineState.CLOSED: _tr("Closed"),
        }[self]


INTERVIEW_KIND = "interview"

# Accent colours by step kind: mid-tones that read as a bar or a tint on light and dark bases.
KIND_COLOURS: dict[str, str] = {
    INTERVIEW_KIND: "#7e57c2",
    "thank-you": "#2e7d32",
    "note": "#8d6e63",
    "status-check": "#1e88e5",
    "call": "#ef6c00",
    "decision-check-in": "#00897b",
    "second-follow-up": "#3949ab",
    "final-check-in": "#c2185b",
    "offer-thank-you": "#f9a825",
    "networking": "#0097a7",
    "keep-in-touch": "#757575",
}
OVERDUE_COLOUR = "#d32f2f"


def kind_colour(kind: str) -> QColor:
    """The accent colour of a step kind; a kind from a user's playbook gets a stable hue."""
    known = KIND_COLOURS.get(kind)
    if known:
        return QColor(known)
    hue = int(hashlib.sha256(kind.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return QColor.fromRgbF(r, g, b)


def short_kind_label(kind: str) -> str:
    """A step kind in a word or two, for a calendar cell with little room."""
    found = _SHORT_LABELS.get(kind)
    if found is None:
        found = _SHORT_LABELS[kind] = _short_kind_label(kind)
    return found


_SHORT_LABELS: dict[str, str] = {}


def _short_kind_label(kind: str) -> str:
    return {
        INTERVIEW_KIND: _tr("Interview"),
        "thank-you": _tr("Thank-you"),
        "note": _tr("Note"),
        "status-check": _tr("Status check"),
        "call": _tr("Call"),
        "decision-check-in": _tr("Check-in"),
        "second-follow-up": _tr("Follow-up"),
        "final-check-in": _tr("Final check-in"),
        "offer-thank-you": _tr("Offer thanks"),
        "networking": _tr("Connect"),
        "keep-in-touch": _tr("Keep in touch"),
    }.get(kind, kind.replace("-", " ").capitalize())


def kind_label(kind: str) -> str:
    return {
        INTERVIEW_KIND: _tr("Interview"),
        "thank-you": _tr("Thank-you"),
        "note": _tr("Handwritten note"),
        "status-check": _tr("Status check"),
        "call": _tr("Follow-up call"),
        "decision-check-in": _tr("Decision-date check-in"),
        "second-follow-up": _tr("Second follow-up"),
        "final-check-in": _tr("Final check-in"),
        "offer-thank-you": _tr("Thank-you for the offer"),
        "networking": _tr("Connection request"),
        "keep-in-touch": _tr("Keep in touch"),
    }.get(kind, kind.replace("-", " ").capitalize())


@dataclass(frozen=True)
class CalendarEvent:
    """One thing on the calendar: an interview, or one of its follow-up steps."""

    kind: str  # "step" or "interview"
    id: str  # the step's id, or the interview's id
    interview_id: str
    title: str
    company: str
    role: str
    step_kind: str  # the step's kind; "interview" for an interview
    channel: str
    start: datetime  # in the user's zone
    end: datetime
    status: EventStatus
    why: str = ""
    status_reason: str = ""
    manual: bool = False
    optional: bool = False
    to: str = ""

    @property
    def is_step(self) -> bool:
        return self.kind == "step"

    @property
    def movable(self) -> bool:
        return self.is_step and self.status.open

    @property
    def day(self) -> date:
        return self.start.date()

    def time_text(self) -> str:
        return self.start.strftime("%H:%M")

    def short_text(self) -> str:
        """What a small calendar cell shows: the kind in a word, and the company."""
        return f"{short_kind_label(self.step_kind)} · {self.company}"

    def accessible_text(self) -> str:
        what = self.title if self.is_step else _tr("Interview at {company}").format(
            company=self.company
        )
        return _tr("{what}, {day} at {time}, {status}").format(
            what=what,
            day=self.start.strftime("%A %d %B"),
            time=self.time_text(),
            status=self.status.label,
        )

    def tooltip(self) -> str:
        lines = [self.title, f"{self.company} — {self.role}" if self.role else self.company]
        lines.append(
            f"{self.start.strftime('%a %d %b %Y %H:%M')}–{self.end.strftime('%H:%M')}"
            f" · {self.status.label}"
        )
        if self.status_reason:
            lines.append(self.status_reason)
        elif self.why:
            lines.append(self.why)
        return "\n".join(lines)


def display_status(status: StepStatus, start: datetime, today: date) -> EventStatus:
    if status is StepStatus.PLANNED:
        day = start.date()
        if day < today:
            return EventStatus.OVERDUE
        if day == today:
            return EventStatus.DUE
        return EventStatus.PLANNED
    return EventStatus(status.value)


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


class _PipelineSignals(QObject):
    # generation, (list[PipelineEntry], the list[StoredInterview] they came from) or the
    # error's text
    read = Signal(int, object)
    steps = Signal(int, object)  # generation, a dict[str, StoredStep] of some steps
    ahead = Signal(int)  # generation: every step was read ahead


class _PipelineTask(QRunnable):
    """Read the pipeline through a connection of its own: a thousand interviews take a while.

    Then, with `read_ahead`, a batch at a time until `stop` is set, every step, for the
    calendar to keep: once they are in, a month not seen yet shows without reading the store
    (later changes are read as they are shown, so this is done once, not at every reload).
    """

    STEP_BATCH = 500

    def __init__(self, store: Store, tz: ZoneInfo, generation: int,
                 signals: _PipelineSignals, stop: threading.Event, read_ahead: bool) -> None:
        super().__init__()
        self.folder, self.library = store.path.parent, store.library
        self.tz, self.generation, self.signals, self.stop = tz, generation, signals, stop
        self.read_ahead = read_ahead

    def run(self) -> None:
        try:
            store = Store.open(self.folder, self.library)
        except Exception as error:  # reported to the model, which falls back to reading here
            self._emit(self.signals.read, str(error))
            return
        try:
            try:
                stored = store.stored_interviews()
                rows = store.step_index()
                result: object = (pipeline_entries(stored, rows, self.tz), stored)
            except Exception as error:
                self._emit(self.signals.read, str(error))
                return
            self._emit(self.signals.read, result)
            if not self.read_ahead:
                return
            ids = [row[0] for row in rows]
            for start in range(0, len(ids), self.STEP_BATCH):
                if self.stop.is_set():
                    return
                batch = store.stored_steps(ids[start : start + self.STEP_BATCH])
                self._emit(self.signals.steps, batch)
            with contextlib.suppress(RuntimeError):
                self.signals.ahead.emit(self.generation)
        except Exception:  # the steps are only read ahead: the calendar reads what it needs
            return
        finally:
            store.close()

    def _emit(self, signal: Any, value: object) -> None:
        # The window may have closed meanwhile: then nobody is waiting for this.
        with contextlib.suppress(RuntimeError):
            signal.emit(self.generation, value)


class EventCache:
    """The store's steps and interviews as calendar events, read per range and kept while unchanged.

    No Qt: the models ask it for the events of the days they show. `refresh()` after any
    change re-reads the interviews' index; entries whose SEQUENCE moved are re-read on their
    next use.
    """

    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tz = ZoneInfo("UTC")
        self._step_count = 0
        self._interview_rows: list[tuple[str, int, str, str]] = []
        self._interview_starts: list[str] = []
        self._interview_key: dict[str, tuple[int, str]] = {}
        self._steps: dict[str, tuple[int, StoredStep]] = {}
        self._interviews: dict[str, tuple[tuple[int, str], StoredInterview]] = {}
        self._drafts: dict[str, tuple[object, str]] = {}
        self._built: dict[str, tuple[object, CalendarEvent]] = {}
        self._built_interviews: dict[str, tuple[object, CalendarEvent]] = {}
        self._templates: Any = None
        self.refresh()

    # -- reading --------------------------------------------------------------------------
    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def now(self) -> datetime:
        return self._clock().astimezone(self._tz)

    def today(self) -> date:
        return self.now().date()

    def refresh(self) -> None:
        """Re-read what tells a change (after any change to the store).

        Steps are read per range, each with its SEQUENCE, so only the interviews' index is
        read whole here (a thousand short rows); kept steps are checked on their next use.
        """
        self._tz = self.store.settings().zone
        self._step_count = self.store.step_count()
        self._interview_rows = self.store.interview_index()
        self._interview_starts = [row[3] for row in self._interview_rows]
        self._interview_key = {row[0]: (row[1], row[2]) for row in self._interview_rows}
        for iid in [i for i in self._interviews if i not in self._interview_key]:
            del self._interviews[iid]
            self._built_interviews.pop(iid, None)
        if len(self._steps) > 2 * self._step_count + 1000:  # after many deletions: start over
            self._steps.clear()
            self._built.clear()

    @property
    def interview_count(self) -> int:
        return len(self._interview_rows)

    @property
    def step_count(self) -> int:
        return self._step_count

    def _bounds(self, first: date, last: date) -> tuple[str, str]:
        start = local_datetime(first, 0, 0, self._tz)
        end = local_datetime(last + timedelta(days=1), 0, 0, self._tz)
        return utc_text(start), utc_text(end)

    def stored_steps(self, ids: Iterable[str]) -> dict[str, StoredStep]:
        """These steps as stored now (those that still exist)."""
        ids = list(ids)
        return self._stored_steps(self.store.step_sequences(ids), ids)

    def _stored_steps(self, sequences: dict[str, int], ids: Iterable[str]) -> dict[str, StoredStep]:
        """The steps of `ids` whose current SEQUENCE is in `sequences`, read when not kept."""
        stale = [
            sid
            for sid, seq in sequences.items()
            if sid not in self._steps or self._steps[sid][0] != seq
        ]
        if stale:
            for sid, stored in self.store.stored_steps(stale).items():
                self._steps[sid] = (stored.sequence, stored)
        return {
            sid: self._steps[sid][1] for sid in ids if sid in sequences and sid in self._steps
        }

    def stored_interviews(self, ids: Iterable[str]) -> dict[str, StoredInterview]:
        ids = list(dict.fromkeys(ids))
        stale = [
            iid
            for iid in ids
            if iid not in self._interviews
            or self._interviews[iid][0] != self._interview_key.get(iid)
        ]
        if stale:
            for stored in self.store.stored_interviews(stale):
                iid = stored.interview.id
                key = self._interview_key.get(iid, (stored.sequence, ""))
                self._interviews[iid] = (key, stored)
        return {iid: self._interviews[iid][1] for iid in ids if iid in self._interviews}

    def adopt_steps(self, stored: dict[str, StoredStep]) -> None:
        """Keep steps read elsewhere (by the pipeline's thread); each is checked against its
        SEQUENCE in the index when it is shown, and read again if it moved on."""
        for sid, step in stored.items():
            if sid not in self._steps:
                self._steps[sid] = (step.sequence, step)

    def adopt_interviews(self, stored: Iterable[StoredInterview]) -> None:
        """Keep interviews read elsewhere (by the pipeline's thread) that are as the index
        says they are now; any other is read again when it is needed."""
        for each in stored:
            iid = each.interview.id
            key = self._interview_key.get(iid)
            if key == (each.sequence, utc_text(each.modified)) and iid not in self._interviews:
                self._interviews[iid] = (key, each)

    def stored_interview(self, interview_id: str) -> StoredInterview:
        found = self.stored_interviews([interview_id])
        if interview_id not in found:
            raise ValidationError(f"There is no interview with id '{interview_id}'.")
        return found[interview_id]

    def events(
        self, first: date, last: date, *, cancelled: bool = False, interviews: bool = True
    ) -> list[CalendarEvent]:
        """The events from `first` to `last` (inclusive, the user's days), in time order."""
        low, high = self._bounds(first, last)
        rows = self.store.step_index(low=low, high=high)
        if not cancelled:
            rows = [r for r in rows if r[4] != StepStatus.CANCELLED.value]
        interview_rows = (
            self._interview_rows[
                bisect_left(self._interview_starts, low) : bisect_left(self._interview_starts, high)
            ]
            if interviews
            else []
        )
        today = self.today()
        events = self._step_events(rows, today)
        if interview_rows:
            parents = self.stored_interviews(r[0] for r in interview_rows)
            events.extend(
                self._interview_event(parents[r[0]].interview, today)
                for r in interview_rows
                if r[0] in parents
            )
        events.sort(key=lambda e: (e.start, e.kind != INTERVIEW_KIND, e.id))
        return events

    def prefetch(self, first: date, last: date) -> None:
        """Read the events of a range the user may show next, so showing it costs nothing."""
        self.events(first, last)

    def _step_events(
        self, rows: Sequence[tuple[str, str, int, str, str, str]], today: date
    ) -> list[CalendarEvent]:
        """The events of the steps in index `rows`, built once per SEQUENCE and day."""
        events: list[CalendarEvent] = []
        missing: list[tuple[str, str]] = []
        for sid, iid, seq, *_rest in rows:
            cached = self._built.get(sid)
            if cached is not None and cached[0] == (seq, self._interview_key.get(iid), today):
                events.append(cached[1])
            else:
                missing.append((sid, iid))
        if missing:
            sequences = {row[0]: row[2] for row in rows}
            steps = self._stored_steps(sequences, (sid for sid, _iid in missing))
            parents = self.stored_interviews(iid for _sid, iid in missing)
            for sid, iid in missing:
                stored, parent = steps.get(sid), parents.get(iid)
                if stored is not None and parent is not None:
                    events.append(self._step_event(stored, parent.interview, today))
        return events

    def due_count(self) -> int:
        """How many planned steps are due today or overdue."""
        _low, high = self._bounds(self.today(), self.today())
        return self.store.step_count(status=StepStatus.PLANNED.value, high=high)

    def due_rows(
        self, start: int = 0, limit: int | None = None
    ) -> list[tuple[str, str, int, str, str, str]]:
        """Index rows of the planned steps of today (in time order), then of past days (the
        latest first): from the `start`-th, at most `limit` (a long backlog is read a page at
        a time, not whole)."""
        low, high = self._bounds(self.today(), self.today())
        planned = StepStatus.PLANNED.value
        today = self.store.step_index(status=planned, low=low, high=high)
        rows = today[start:] if limit is None else today[start : start + limit]
        wanted = None if limit is None else limit - len(rows)
        if wanted is not None and wanted <= 0:
            return rows
        return rows + self.store.step_index(
            status=planned, high=low, newest_first=True, limit=wanted,
            offset=max(0, start - len(today)),
        )

    def step_events(
        self, rows: Sequence[tuple[str, str, int, str, str, str]]
    ) -> list[CalendarEvent]:
        """The events of some index rows, in the rows' order."""
        order = {row[0]: n for n, row in enumerate(rows)}
        events = self._step_events(rows, self.today())
        events.sort(key=lambda e: order[e.id])
        return events

    def event(self, kind: str, ident: str) -> CalendarEvent:
        """One event by kind ("step" or "interview") and id."""
        if kind == "step":
            found = self.stored_steps([ident])
            if ident not in found:
                raise ValidationError(f"There is no step with id '{ident}'.")
            stored = found[ident]
            parent = self.stored_interview(stored.step.interview_id)
            return self._step_event(stored, parent.interview, self.today())
        return self._interview_event(self.stored_interview(ident).interview, self.today())

    def pipeline(self) -> list[PipelineEntry]:
        """Every interview with its state and its next planned step."""
        stored = self.stored_interviews(r[0] for r in self._interview_rows)
        return pipeline_entries(
            [stored[r[0]] for r in self._interview_rows if r[0] in stored],
            self.store.step_index(),
            self._tz,
        )

    def state_of(self, interview_id: str) -> PipelineState:
        """Where one interview stands (as the pipeline groups it)."""
        stored = self.stored_interview(interview_id)
        return pipeline_state(stored.activities, self.open_steps(interview_id))

    def open_steps(self, interview_id: str) -> int:
        """How many of an interview's steps are still planned."""
        return self.store.step_count(interview_id, status=StepStatus.PLANNED.value)

    def draft_line(self, event: CalendarEvent) -> str:
        """The first line of the step's drafted message (its subject when it has one)."""
        if not event.is_step:
            return event.role
        if not event.status.open:
            return event.status.label
        stored = self.stored_steps([event.id]).get(event.id)
        if stored is None:
            return ""
        parent = self.stored_interview(event.interview_id)
        settings = self.store.settings()
        key = (stored.sequence, self._interview_key.get(event.interview_id), settings)
        cached = self._drafts.get(event.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        line = self._render_first_line(stored, parent, settings)
        self._drafts[event.id] = (key, line)
        return line

    def _render_first_line(self, stored: StoredStep, parent: StoredInterview, settings: Any) -> str:
        from followthrough.core.cadence import decision_dates
        from followthrough.core.messages import TemplateLibrary, render
        from followthrough.resources import resource_path

        if self._templates is None:
            self._templates = TemplateLibrary.load(
                resource_path("templates"), self.store.path.parent / "templates"
            )
        stated = dict(decision_dates(parent.interview, parent.activities))
        try:
            draft = render(
                stored.step, parent.interview, settings, self._templates,
                decision_date=stated.get(stored.step.key),
            )
        except ValidationError as error:  # a broken or missing template: say so in the line
            return str(error)
        if draft.subject:
            return draft.subject
        return next((line.strip() for line in draft.body.splitlines() if line.strip()), "")

    # -- building events ------------------------------------------------------------------
    def _step_event(self, stored: StoredStep, interview: Interview, today: date) -> CalendarEvent:
        step = stored.step
        start = step.start.astimezone(self._tz)
        event = CalendarEvent(
            kind="step",
            id=step.id,
            interview_id=step.interview_id,
            title=step.title,
            company=interview.company,
            role=interview.role,
            step_kind=step.kind,
            channel=step.channel.value,
            start=start,
            end=step.end.astimezone(self._tz),
            status=display_status(step.status, start, today),
            why=step.why,
            status_reason=step.status_reason,
            manual=step.manual,
            optional=step.optional,
            to=step.to,
        )
        self._built[step.id] = ((stored.sequence, self._interview_key.get(interview.id), today),
                                event)
        return event

    def _interview_event(self, interview: Interview, today: date) -> CalendarEvent:
        key = (self._interview_key.get(interview.id), today, self.now() > interview.end)
        cached = self._built_interviews.get(interview.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        start = interview.start.astimezone(self._tz)
        end = interview.end.astimezone(self._tz)
        event = CalendarEvent(
            kind=INTERVIEW_KIND,
            id=interview.id,
            interview_id=interview.id,
            title=_tr("Interview: {company}").format(company=interview.company),
            company=interview.company,
            role=interview.role,
            step_kind=INTERVIEW_KIND,
            channel=interview.channel.value,
            start=start,
            end=end,
            status=EventStatus.DONE if end < self.now() else EventStatus.PLANNED,
            why=interview.location,
        )
        self._built_interviews[interview.id] = (key, event)
        return event


class Roles(IntEnum):
    """Data roles the calendar models answer besides Qt's own."""

    EVENT = Qt.ItemDataRole.UserRole + 1  # the CalendarEvent (events only)
    KIND = Qt.ItemDataRole.UserRole + 2  # "day", "step", "interview", "group"
    ID = Qt.ItemDataRole.UserRole + 3  # step id or interview id
    INTERVIEW_ID = Qt.ItemDataRole.UserRole + 4
    STEP_KIND = Qt.ItemDataRole.UserRole + 5
    STATUS = Qt.ItemDataRole.UserRole + 6  # EventStatus value, or PipelineState value
    START = Qt.ItemDataRole.UserRole + 7  # datetime in the user's zone
    END = Qt.ItemDataRole.UserRole + 8
    COLOUR = Qt.ItemDataRole.UserRole + 9  # QColor by kind
    DATE = Qt.ItemDataRole.UserRole + 10  # the day (a date)
    SEARCH = Qt.ItemDataRole.UserRole + 11  # lower-case text a search matches
    DRAFT = Qt.ItemDataRole.UserRole + 12  # the draft's first line


def step_mime(event: CalendarEvent) -> QMimeData:
    mime = QMimeData()
    mime.setData(STEP_MIME, QByteArray(f"{event.id}\n{event.start.isoformat()}".encode()))
    mime.setText(event.title)
    return mime


def read_step_mime(mime: QMimeData) -> tuple[str, datetime] | None:
    """The dragged step's id and start, or None for anything else."""
    if not mime.hasFormat(STEP_MIME):
        return None
    try:
        ident, start = bytes(mime.data(STEP_MIME).data()).decode().split("\n", 1)
        return ident, datetime.fromisoformat(start)
    except ValueError:
        return None


_SERVED_ROLES = frozenset(
    [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ForegroundRole,
        *Roles,
    ]
)


def _event_data(event: CalendarEvent, role: int, column: int = 0) -> Any:
    """What the event-rows of every model answer for the roles they share."""
    if role == Roles.EVENT:
        return event
    if role == Roles.KIND:
        return event.kind
    if role == Roles.ID:
        return event.id
    if role == Roles.INTERVIEW_ID:
        return event.interview_id
    if role == Roles.STEP_KIND:
        return event.step_kind
    if role == Roles.STATUS:
        return event.status.value
    if role == Roles.START:
        return event.start
    if role == Roles.END:
        return event.end
    if role == Roles.DATE:
        return event.day
    if role == Roles.COLOUR:
        return kind_colour(event.step_kind)
    if role == Qt.ItemDataRole.ToolTipRole:
        return event.tooltip()
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return event.accessible_text()
    if role == Qt.ItemDataRole.DecorationRole and column == 0:
        return kind_colour(event.step_kind)
    if role == Qt.ItemDataRole.FontRole and event.status in (EventStatus.DUE, EventStatus.OVERDUE):
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.FontRole and event.status in (
        EventStatus.SKIPPED, EventStatus.CANCELLED
    ):
        font = QFont()
        font.setStrikeOut(True)
        return font
    return None


# Item flags, combined once (a Python enum's | costs a call per use, and views ask per cell).
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DAY_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsDropEnabled
_MOVABLE_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsDragEnabled


class _TwoLevelModel(QAbstractItemModel):
    """Groups at the top level, each with its items as children (days and events, states and
    interviews). An item's index carries its group's row + 1 as internal id; a group's, 0."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # The values asked for, by cell (internal id, row, column) and role, until the next
        # reset: a view paints a cell by asking for some ten roles, again at every paint.
        self._cells: dict[tuple[int, int, int], dict[int, Any]] = {}
        self.modelAboutToBeReset.connect(self._cells.clear)

    def _value(self, index: _Index, role: int) -> Any:
        """What `data()` answers for a valid index, before it is kept (subclasses)."""
        raise NotImplementedError

    def _cell(self, index: _Index) -> dict[int, Any]:
        key = (index.internalId(), index.row(), index.column())
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = {}
        return cell

    def _kept(self, cell: dict[int, Any], index: _Index, role: int) -> Any:
        """The cell's value for `role`, worked out the first time it is asked for."""
        if role in cell:
            return cell[role]
        value = cell[role] = self._value(index, role)
        return value

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self._kept(self._cell(index), index, role)

    def multiData(self, index: _Index, roleDataSpan: Any) -> None:
        """All the roles a delegate asks for at once: one call per cell instead of one per role."""
        if not index.isValid():
            for item in roleDataSpan:
                item.clearData()
            return
        cell = self._cell(index)
        for item in roleDataSpan:
            value = self._kept(cell, index, item.role())
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def _members(self) -> list[list[Any]]:
        """Each group's items, in row order (subclasses)."""
        raise NotImplementedError

    def _member_at(self, index: _Index) -> Any:
        """The item an index points at (None for a group, or an index out of date)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        members = self._members()
        group = index.internalId() - 1
        if not 0 <= group < len(members) or not 0 <= index.row() < len(members[group]):
            return None
        return members[group][index.row()]

    def _index_where(self, found: Callable[[Any], bool], column: int = 0) -> QModelIndex:
        """The index of the first item for which `found` is true (invalid if none)."""
        for group, items in enumerate(self._members()):
            for row, item in enumerate(items):
                if found(item):
                    return self.createIndex(row, column, group + 1)
        return QModelIndex()

    # Views call these for every row they lay out (a thousand when a tree is expanded): each
    # asks the index as little as it can, since every question crosses into Qt.
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.internalId() != 0:
            return 0
        return len(self.COLUMNS)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        members = self._members()
        if not parent.isValid():
            return len(members)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        group = parent.row()
        return len(members[group]) if 0 <= group < len(members) else 0

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # The bounds checked here, not by hasIndex(): that would call back into Python twice.
        if row < 0 or column < 0 or column >= len(self.COLUMNS):
            return QModelIndex()
        members = self._members()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(members) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        group = parent.row()
        if group >= len(members) or row >= len(members[group]):
            return QModelIndex()
        return self.createIndex(row, column, group + 1)

    def parent(self, child: _Index | None = None) -> Any:  # type: ignore[override]
        if child is None:
            return super().parent()
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return _tr(self.COLUMNS[section])
        return None


class _DayTreeModel(_TwoLevelModel):
    """Days at the top level, each with its events as children.

    An event's index carries its day's row + 1 as internal id; a day's carries 0.
    """

    move_requested = Signal(str, object)
    """A step was dropped on another day (by a view using the model's drag and drop)."""

    def __init__(self, cache: EventCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self._days: list[date] = []
        self._events: list[list[CalendarEvent]] = []
        self._row_of: dict[date, int] = {}
        self.first = self.last = cache.today()
        self.show_cancelled = False

    # -- loading --------------------------------------------------------------------------
    def set_range(self, first: date, last: date) -> None:
        """Show the days from `first` to `last` (inclusive)."""
        self.first, self.last = first, last
        self._load()

    def reload(self) -> None:
        """Re-read the store (after a change) and show the same range."""
        self.cache.refresh()
        self._load()

    def set_show_cancelled(self, show: bool) -> None:
        self.show_cancelled = show
        self._load()

    def _load(self) -> None:
        events = self.cache.events(self.first, self.last, cancelled=self.show_cancelled)
        by_day: dict[date, list[CalendarEvent]] = {}
        for event in events:
            by_day.setdefault(event.day, []).append(event)
        self.beginResetModel()
        self._days, self._events = self._choose_days(by_day)
        self._row_of = {day: row for row, day in enumerate(self._days)}
        self.endResetModel()

    def _choose_days(
        self, by_day: dict[date, list[CalendarEvent]]
    ) -> tuple[list[date], list[list[CalendarEvent]]]:
        days = [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]
        return days, [by_day.get(day, []) for day in days]

    # -- lookups the views use ------------------------------------------------------------
    @property
    def days(self) -> list[date]:
        return list(self._days)

    def events_on(self, day: date) -> list[CalendarEvent]:
        row = self.day_row(day)
        return list(self._events[row]) if row >= 0 else []

    def day_row(self, day: date) -> int:
        return self._row_of.get(day, -1)

    def day_index(self, day: date) -> QModelIndex:
        row = self.day_row(day)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    def event_index(self, ident: str, column: int = 0) -> QModelIndex:
        return self._index_where(lambda event: event.id == ident, column)

    def event_at(self, index: _Index) -> CalendarEvent | None:
        event: CalendarEvent | None = self._member_at(index)
        return event

    # -- QAbstractItemModel ---------------------------------------------------------------
    COLUMNS: tuple[str, ...] = ("Day",)

    def _members(self) -> list[list[CalendarEvent]]:
        return self._events

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        event = self.event_at(index)
        if event is None:
            return _DAY_FLAGS
        return _MOVABLE_FLAGS if event.movable else _ITEM_FLAGS

    def _value(self, index: _Index, role: int) -> Any:
        if role not in _SERVED_ROLES:
            return None  # views ask for many roles; answering those cheaply keeps them fast
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self._days):
                return None
            return self._day_data(self._days[index.row()], self._events[index.row()], index, role)
        event = self.event_at(index)
        if event is None:
            return None
        return self._event_data(event, index, role)

    def _day_data(
        self, day: date, events: list[CalendarEvent], index: _Index, role: int
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return QLocale().toString(QDate(day), "ddd d MMM")
        if role == Roles.KIND:
            return "day"
        if role == Roles.DATE:
            return day
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _tr("{day}, {n} events").format(
                day=QLocale().toString(QDate(day), QLocale.FormatType.LongFormat), n=len(events)
            )
        if role == Qt.ItemDataRole.FontRole and day == self.cache.today():
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _event_data(self, event: CalendarEvent, index: _Index, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return f"{event.time_text()} {event.title}"
        return _event_data(event, role, index.column())

    # -- drag and drop --------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [STEP_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        for index in indexes:
            event = self.event_at(index)
            if event is not None and event.movable:
                return step_mime(event)
        return None

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        return read_step_mime(data) is not None and self._drop_day(parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        dragged = read_step_mime(data)
        day = self._drop_day(parent)
        if dragged is None or day is None:
            return False
        ident, start = dragged
        local = start.astimezone(self.cache.tz)
        new_start = local_datetime(day, local.hour, local.minute, self.cache.tz)
        if new_start != local:
            self.move_requested.emit(ident, new_start)
        # The store changes, then the model reloads: nothing to insert here.
        return False

    def _drop_day(self, parent: _Index) -> date | None:
        if not parent.isValid():
            return None
        if parent.internalId() == 0:
            return self._days[parent.row()] if 0 <= parent.row() < len(self._days) else None
        event = self.event_at(parent)
        return event.day if event is not None else None


class CalendarModel(_DayTreeModel):
    """Every day of a range (a month grid, a week), each with its events."""


class AgendaModel(_DayTreeModel):
    """The days of a range that have something, each with its events and the drafts' first line.

    Columns: time, what, company, the draft's first line (its subject for an email), status.
    """

    COLUMNS = ("When", "Follow-up", "Company", "Message", "Status")
    TIME, TITLE, COMPANY, DRAFT, STATUS = range(5)

    # Nothing is dragged from or dropped on the agenda: Qt's own flags (enabled, selectable)
    # serve, without a call into Python for every cell the view paints.
    flags = QAbstractItemModel.flags

    def _choose_days(
        self, by_day: dict[date, list[CalendarEvent]]
    ) -> tuple[list[date], list[list[CalendarEvent]]]:
        days = sorted(by_day)
        return days, [by_day[day] for day in days]

    def _day_data(
        self, day: date, events: list[CalendarEvent], index: _Index, role: int
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            text = QLocale().toString(QDate(day), "dddd d MMMM yyyy")
            if day == self.cache.today():
                return _tr("Today, {day}").format(day=text)
            return text
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return super()._day_data(day, events, index, role)

    def _event_data(self, event: CalendarEvent, index: _Index, role: int) -> Any:
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return event.time_text()
            if column == self.TITLE:
                mark = event.status.mark
                return f"{mark} {event.title}" if mark else event.title
            if column == self.COMPANY:
                return event.company
            if column == self.DRAFT:
                return self.cache.draft_line(event)
            if column == self.STATUS:
                return event.status.label if event.is_step else kind_label(INTERVIEW_KIND)
            return None
        if role == Roles.DRAFT:
            return self.cache.draft_line(event)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS and (
            event.status is EventStatus.OVERDUE
        ):
            return QColor(OVERDUE_COLOUR)
        return _event_data(event, role, column)


class TodayModel(QAbstractListModel):
    """Planned steps due today, then the overdue ones (latest first): what to do now.

    Rows are read a batch at a time as the view scrolls (`fetchMore`): a long backlog costs
    nothing until it is looked at. `total` counts them all.
    """

    BATCH = 40  # some screens' worth; each row read costs its step and its interview

    def __init__(self, cache: EventCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self._total = 0
        self._events: list[CalendarEvent] = []

    @property
    def total(self) -> int:
        return self._total

    def reload(self, refresh: bool = True) -> None:
        if refresh:
            self.cache.refresh()
        self.beginResetModel()
        self._total = self.cache.due_count()
        self._events = self.cache.step_events(self.cache.due_rows(0, self.BATCH))
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._events) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        start = len(self._events)
        batch = self.cache.step_events(self.cache.due_rows(start, self.BATCH))
        if not batch:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(batch) - 1)
        self._events.extend(batch)
        self.endInsertRows()

    def event_at(self, index: _Index) -> CalendarEvent | None:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        return self._events[index.row()]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self.event_at(index)
        if event is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            when = (
                event.time_text()
                if event.status is EventStatus.DUE
                else event.start.strftime("%d %b")
            )
            return f"{event.status.mark} {when}  {event.title} · {event.company}"
        if role == Qt.ItemDataRole.FontRole:
            return None  # everything here is due: bold would say nothing
        return _event_data(event, role)


class PipelineModel(_TwoLevelModel):
    """Interviews grouped by where they stand: waiting, replied, offer, rejected, closed."""

    COLUMNS = ("Company", "Role", "Interviewed", "Next follow-up")
    COMPANY, ROLE, DATE, NEXT = range(4)

    loaded = Signal()
    """The groups were (re)filled."""

    BACKGROUND_FROM = 300
    """From this many interviews on, the pipeline is read off the UI thread."""

    def __init__(self, cache: EventCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self._entries: list[PipelineEntry] = []
        self._state = ""
        self._search = ""
        self._states = list(PipelineState)
        self._groups: list[list[PipelineEntry]] = [[] for _ in self._states]
        self._next_titles: dict[str, str] = {}
        self._generation = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _PipelineSignals()  # no parent: it outlives a task still running
        self._signals.read.connect(self._read)
        self._signals.steps.connect(self._steps_read)
        self._signals.ahead.connect(self._read_ahead)
        self._stop = threading.Event()
        self.read_ahead_done = False
        self.loading = False
        self._held = self._pending = False

    def hold(self) -> None:
        """Start no reading off the UI thread until `release()`: while the window is being
        shown, a thread decoding interviews would compete with it for Python's lock."""
        self._held = True

    def release(self) -> None:
        self._held = False
        if self._pending:
            self._pending = False
            self._start_reading()

    def reload(self, refresh: bool = True) -> None:
        if refresh:
            self.cache.refresh()
        self._generation += 1
        if self.cache.interview_count >= self.BACKGROUND_FROM:
            self.loading = True
            if self._held:
                self._pending = True
            else:
                self._start_reading()
            return
        self._fill(self.cache.pipeline())

    def _start_reading(self) -> None:
        self._stop.set()  # a reading still on its way stops reading steps ahead
        self._stop = threading.Event()
        self._pool.start(_PipelineTask(
            self.cache.store, self.cache.tz, self._generation, self._signals, self._stop,
            read_ahead=not self.read_ahead_done,
        ))

    def wait(self) -> None:
        """Until a reading off the UI thread is done (for tests and benchmarks)."""
        self._pool.waitForDone()

    def stop(self) -> None:
        """Stop reading steps ahead and wait for the thread (the end of the app)."""
        self._stop.set()
        self._pool.waitForDone()

    def _steps_read(self, generation: int, steps: object) -> None:
        if generation == self._generation and isinstance(steps, dict):
            self.cache.adopt_steps(steps)

    def _read_ahead(self, generation: int) -> None:
        if generation == self._generation:
            self.read_ahead_done = True

    def _read(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a later reload is on its way
        self.loading = False
        if isinstance(result, tuple):
            entries, stored = result
            self.cache.adopt_interviews(stored)  # the calendar need not read them again
            self._fill(entries)
        else:
            self._fill(self.cache.pipeline())

    def _fill(self, entries: list[PipelineEntry]) -> None:
        self._entries = sorted(entries, key=lambda e: e.interview.start, reverse=True)
        self._show()
        self.loaded.emit()

    # -- filtering (here, not in a proxy: a proxy asks this model about every row, twice) --
    @property
    def state(self) -> str:
        return self._state

    @property
    def search(self) -> str:
        return self._search

    def set_state(self, state: str) -> None:
        """Keep only the group of `state` ("" for every group)."""
        if state != self._state:
            self._state = state
            self._show()

    def set_search(self, text: str) -> None:
        """Keep the interviews whose company, role, interviewers or topics hold `text` (in any
        case); while a search is on, groups with none of them are left out."""
        needle = text.strip().casefold()
        if needle != self._search:
            self._search = needle
            self._show()

    def _show(self) -> None:
        states = [s for s in PipelineState if not self._state or s.value == self._state]
        groups: list[list[PipelineEntry]] = [[] for _ in states]
        row_of = {state: row for row, state in enumerate(states)}
        needle = self._search
        for entry in self._entries:  # newest interview first
            row = row_of.get(entry.state)
            if row is not None and (not needle or needle in entry.search_text.casefold()):
                groups[row].append(entry)
        if needle:
            kept = [row for row, group in enumerate(groups) if group]
            states, groups = [states[row] for row in kept], [groups[row] for row in kept]
        self.beginResetModel()
        self._states, self._groups = states, groups
        self._next_titles = {}
        self.endResetModel()

    def entry_at(self, index: _Index) -> PipelineEntry | None:
        entry: PipelineEntry | None = self._member_at(index)
        return entry

    def state_row(self, state: PipelineState) -> int:
        """The row of the group of `state`, -1 while it is filtered out."""
        return self._states.index(state) if state in self._states else -1

    def interview_index(self, interview_id: str) -> QModelIndex:
        return self._index_where(lambda entry: entry.interview.id == interview_id)

    def _members(self) -> list[list[PipelineEntry]]:
        return self._groups

    # flags(): Qt's own answer (enabled and selectable), without a call into Python per cell.

    def _value(self, index: _Index, role: int) -> Any:
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self._states):
                return None
            state = self._states[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return f"{state.label} ({len(self._groups[index.row()])})"
            if role == Roles.KIND:
                return "group"
            if role == Roles.STATUS:
                return state.value
            if role == Roles.SEARCH:
                return ""
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        entry = self.entry_at(index)
        if entry is None:
            return None
        iv = entry.interview
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COMPANY:
                return iv.company
            if column == self.ROLE:
                return iv.role
            if column == self.DATE:
                return iv.start.astimezone(self.cache.tz).strftime("%d %b %Y")
            if column == self.NEXT:
                return self._next_text(entry)
            return None
        if role == Roles.KIND:
            return INTERVIEW_KIND
        if role in (Roles.ID, Roles.INTERVIEW_ID):
            return iv.id
        if role == Roles.STATUS:
            return entry.state.value
        if role == Roles.SEARCH:
            return entry.search_text
        if role == Roles.START:
            return iv.start.astimezone(self.cache.tz)
        if role == Qt.ItemDataRole.ToolTipRole:
            people = ", ".join(p.name for p in iv.interviewers)
            return f"{iv.company} — {iv.role}\n{people}\n{entry.state.label}"
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.COMPANY:
            return _tr("{company}, {role}, {state}").format(
                company=iv.company, role=iv.role, state=entry.state.label
            )
        return None

    def _next_text(self, entry: PipelineEntry) -> str:
        if not entry.next_step_id or entry.next_start is None:
            return ""
        title = self._next_titles.get(entry.next_step_id)
        if title is None:
            stored = self.cache.stored_steps([entry.next_step_id]).get(entry.next_step_id)
            title = stored.step.title if stored is not None else ""
            self._next_titles[entry.next_step_id] = title
        return f"{entry.next_start.strftime('%d %b')} · {title}"

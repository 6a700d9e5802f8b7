"""The pipeline model: applications (the latest round of each, with its rounds) grouped by
where they stand, filtered by state and search.

From `PipelineModel.BACKGROUND_FROM` interviews on it is read off the UI thread, by a task
that then reads every step ahead for the calendar to keep.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFont

from followthrough.core import shown_dates
from followthrough.store import Store
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import INTERVIEW_KIND, tr
from followthrough.ui.calendar.item_model import Index, Roles, TwoLevelModel
from followthrough.ui.calendar.pipeline import PipelineEntry, PipelineState, pipeline_entries


def _newest_first(entries: list[PipelineEntry]) -> list[PipelineEntry]:
    return sorted(entries, key=lambda e: e.interview.start, reverse=True)


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
    SHOWN_WAIT_S = 2.0
    """How long the steps read ahead wait for the window to show the pipeline (`shown`):
    read meanwhile, they competed with it for Python's lock."""

    def __init__(self, store: Store, tz: ZoneInfo, generation: int, signals: _PipelineSignals,
                 stop: threading.Event, read_ahead: bool, shown: threading.Event) -> None:
        super().__init__()
        self.folder, self.library = store.path.parent, store.library
        self.tz, self.generation, self.signals, self.stop = tz, generation, signals, stop
        self.read_ahead, self.shown = read_ahead, shown

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
                # Sorted here, not on the UI thread (which sorts again: no time when sorted).
                entries = _newest_first(pipeline_entries(stored, rows, self.tz))
                result: object = (entries, stored)
            except Exception as error:
                self._emit(self.signals.read, str(error))
                return
            self._emit(self.signals.read, result)
            if not self.read_ahead:
                return
            self.shown.wait(self.SHOWN_WAIT_S)
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


class PipelineModel(TwoLevelModel):
    """Interviews grouped by where they stand: waiting, replied, offer, rejected, closed."""

    COLUMNS = ("Company", "Role", "Interviewed", "Next follow-up")
    COMPANY, ROLE, DATE, NEXT = range(4)

    loaded = Signal()
    """The groups were (re)filled."""

    BACKGROUND_FROM = 300
    """From this many interviews on, the pipeline is read off the UI thread."""
    AHEAD_AFTER_MS = 100  # from a reading's delivery to the steps' read-ahead: its repaint first

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
        self._shown = threading.Event()
        self.read_ahead_done = False
        self.loading = False
        self._holds = 0  # hold() calls not yet released
        self._pending = self._soon = False

    def hold(self) -> None:
        """Start no reading off the UI thread until as many `release()`s: while the window is
        being shown or repainted, a thread decoding interviews would compete with it for
        Python's lock."""
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)
        if self._pending and not self._holds:
            self._pending = False
            self._start_reading()

    def reload(self, refresh: bool = True) -> None:
        if refresh:
            self.cache.refresh()
        self._generation += 1
        if self.cache.interview_count >= self.BACKGROUND_FROM:
            self.loading = True
            if self._holds:
                self._pending = True
            elif not self._soon:
                # Once the window has repainted what changed (its paint is already queued):
                # a thread decoding interviews would compete with that paint for Python's
                # lock. Reloads in the same turn start one reading.
                self._soon = True
                QTimer.singleShot(0, self, self._start_soon)
            return
        self._fill(self.cache.pipeline())

    def _start_soon(self) -> None:
        if self._soon:
            self._soon = False
            self._start_reading()

    def _start_reading(self) -> None:
        self._stop.set()  # a reading still on its way stops reading steps ahead
        self._shown.set()
        self._stop, self._shown = threading.Event(), threading.Event()
        self._pool.start(_PipelineTask(
            self.cache.store, self.cache.tz, self._generation, self._signals, self._stop,
            read_ahead=not self.read_ahead_done, shown=self._shown,
        ))

    def wait(self) -> None:
        """Until a reading off the UI thread is done (for tests and benchmarks; the steps read
        ahead need not wait for a paint that cannot come while this waits)."""
        self._start_soon()
        self._shown.set()
        self._pool.waitForDone()

    def stop(self) -> None:
        """Stop reading steps ahead and wait for the thread (the end of the app)."""
        self._soon = False
        self._stop.set()
        self._shown.set()
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
        # The steps read ahead go on once the window has painted the pipeline: the view lays
        # out its rows (all of them, the groups being open) on a zero timer, then paints.
        QTimer.singleShot(self.AHEAD_AFTER_MS, self, self._shown.set)

    def _fill(self, entries: list[PipelineEntry]) -> None:
        self._entries = _newest_first(entries)
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
        if not self._same_rows(states, groups):
            self.beginResetModel()
            self._states, self._groups = states, groups
            self._next_titles = {}
            self.endResetModel()

    def _same_rows(self, states: list[PipelineState], groups: list[list[PipelineEntry]]) -> bool:
        """Take `groups` as they are when they hold the same applications in the same rows:
        only the rows whose values changed are repainted. A reset has the tree lay out every
        row again (a thousand calls into Python at a thousand interviews) and forget which
        groups are open; most changes (a step done, a time moved) leave the rows in place."""
        old = self._groups
        if states != self._states or [len(g) for g in groups] != [len(g) for g in old]:
            return False
        changed: list[tuple[int, int, int]] = []  # group row, first and last changed rows
        for row, (new_group, old_group) in enumerate(zip(groups, old, strict=True)):
            rows = [i for i, (a, b) in enumerate(zip(new_group, old_group, strict=True)) if a != b]
            if any(new_group[i].interview.id != old_group[i].interview.id for i in rows):
                return False  # another application in that row
            if rows:
                changed.append((row, rows[0], rows[-1]))
        self._groups = groups
        if changed:
            self._cells.clear()
            self._next_titles = {}
            last = len(self.COLUMNS) - 1
            for row, first, end in changed:
                parent = self.index(row, 0)
                self.dataChanged.emit(self.index(first, 0, parent), self.index(end, last, parent))
        return True

    def entry_at(self, index: Index) -> PipelineEntry | None:
        entry: PipelineEntry | None = self._member_at(index)
        return entry

    def state_row(self, state: PipelineState) -> int:
        """The row of the group of `state`, -1 while it is filtered out."""
        return self._states.index(state) if state in self._states else -1

    def interview_index(self, interview_id: str) -> QModelIndex:
        """The row of the application `interview_id` is a round of."""
        return self._index_where(lambda entry: interview_id in entry.round_ids)

    def _members(self) -> list[list[PipelineEntry]]:
        return self._groups

    # flags(): Qt's own answer (enabled and selectable), without a call into Python per cell.

    def _value(self, index: Index, role: int) -> Any:
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
                if len(entry.rounds) > 1:
                    return tr("{role} · round {n} of {count}").format(
                        role=iv.role, n=iv.round, count=len(entry.rounds)
                    )
                return iv.role
            if column == self.DATE:
                return shown_dates.day(iv.start.astimezone(self.cache.tz), named=False)
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
            rounds = "".join(
                "\n" + tr("Round {n}: {day}").format(
                    n=r.round, day=shown_dates.day(r.start.astimezone(self.cache.tz), named=False)
                )
                for r in entry.rounds if len(entry.rounds) > 1
            )
            return f"{iv.company} — {iv.role}\n{people}\n{entry.state.label}{rounds}"
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.COMPANY:
            return tr("{company}, {role}, {state}").format(
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
        return f"{shown_dates.day(entry.next_start, year=False, named=False)} · {title}"

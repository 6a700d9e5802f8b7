"""CalDAV sync from the window: the Sync action, an interval timer, and the status it shows.

Syncs run on a worker thread with a store connection of their own (SQLite connections are not
shared between threads), one at a time; the window only hears the outcome, through signals
delivered on the UI thread:

* `finished(lines)` after every account synced, with the report's lines (the window reloads:
  the calendar may have brought changes);
* `failed(message)` with the one-sentence reason (nothing confirmed before is lost; the next
  sync carries on);
* `confirm_deletes(account, count, total)` when a sync stopped before deleting more than half
  of the events: the window asks, then calls `sync_now(allow_deletes=True)`.

`attach(window)` adds the Sync action (toolbar, menu, Ctrl+Shift+S) and a status-bar label.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from followthrough.ical.export import Exporter


class _Worker(QThread):
    """Runs one round of syncs (every account with a calendar, or the one named)."""

    done = Signal(list)  # report lines
    problem = Signal(str)
    deletes = Signal(str, int, int)

    def __init__(self, controller: SyncController, allow_deletes: bool) -> None:
        super().__init__(controller)
        self.controller = controller
        self.allow_deletes = allow_deletes

    def run(self) -> None:
        from followthrough.sync import accounts
        from followthrough.sync.engine import MassDeleteError, sync

        try:
            store, exporter = self.controller._worker_store()
            chosen = [a for a in accounts.list_accounts(store) if a.calendar_url]
            lines: list[str] = []
            for account in chosen:
                try:
                    report = sync(
                        store, account, exporter=exporter, allow_deletes=self.allow_deletes
                    )
                except MassDeleteError as error:
                    self.deletes.emit(account.name, error.count, error.total)
                    return
                if len(chosen) > 1:
                    lines.append(f"{account.name}:")
                lines += report.lines()
            self.done.emit(lines)
        except (ValidationError, StoreError, OSError) as error:
            # AccountError and SyncError are ValidationErrors: already one sentence.
            self.problem.emit(str(error))
        except Exception as error:  # a bug must not end the thread silently
            logging.getLogger(__name__).exception("The sync stopped on an unexpected error")
            self.problem.emit(
                f"The sync stopped on an unexpected error ({type(error).__name__}: {error}); "
                "nothing confirmed before is lost."
            )


class SyncController(QObject):
    """Starts syncs on request and on a timer, never two at once, never on the UI thread."""

    started = Signal()
    finished = Signal(list)  # the report's lines
    failed = Signal(str)
    confirm_deletes = Signal(str, int, int)  # account, events to delete, events synced
    status_changed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.data_dir: Path = store.path.parent
        self._worker: _Worker | None = None
        self._ending: list[_Worker] = []  # threads that reported and are returning
        self._own: tuple[Store, Exporter] | None = None
        self._own_lock = threading.Lock()
        self.last_synced: datetime | None = None
        self.last_error = ""
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._on_timer)
        self.apply_interval()

    # -- what the window asks ------------------------------------------------------------------

    def has_accounts(self) -> bool:
        from followthrough.sync.accounts import list_accounts

        try:
            return any(a.calendar_url for a in list_accounts(self.store))
        except (ValidationError, StoreError):
            return False

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def sync_now(self, *, allow_deletes: bool = False) -> bool:
        """Start a sync; False when one is running or no account has a calendar."""
        if self._worker is not None:
            return False
        for ended in [w for w in self._ending if w.isFinished()]:
            self._ending.remove(ended)
            ended.deleteLater()
        if not self.has_accounts():
            self.status_changed.emit(
                self.tr("No calendar to sync with: add a CalDAV account in Settings.")
            )
            return False
        worker = _Worker(self, allow_deletes)
        worker.done.connect(self._on_done)
        worker.problem.connect(self._on_problem)
        worker.deletes.connect(self._on_deletes)
        self._worker = worker
        self.started.emit()
        self.status_changed.emit(self.tr("Syncing…"))
        worker.start()
        return True

    def apply_interval(self, minutes: int | None = None) -> None:
        """Sync every `minutes` (the setting when None); 0 stops the timer."""
        if minutes is None:
            minutes = self.store.settings().sync_interval
        if minutes <= 0:
            self.timer.stop()
        else:
            self.timer.start(minutes * 60_000)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the running sync's thread ends (for shutdown and tests)."""
        return all(w.wait(msecs) for w in [*self._ending, *filter(None, [self._worker])])

    def shutdown(self) -> None:
        self.timer.stop()
        self.wait()
        with self._own_lock:
            if self._own is not None:
                self._own[0].close()
                self._own = None

    # -- the worker's own store --------------------------------------------------------------

    def _worker_store(self) -> tuple[Store, Exporter]:
        from followthrough.ical.export import Exporter

        with self._own_lock:
            if self._own is None:
                store, _warnings = open_store(self.data_dir)
                self._own = (store, Exporter(store))
            return self._own

    # -- outcomes, on the UI thread ------------------------------------------------------------

    def _on_timer(self) -> None:
        if self.has_accounts():
            self.sync_now()

    def _on_done(self, lines: list[str]) -> None:
        self._release()
        self.last_synced = datetime.now()
        self.last_error = ""
        self.status_changed.emit(self.tr("Synced at %s") % self.last_synced.strftime("%H:%M"))
        self.finished.emit(lines)

    def _on_problem(self, message: str) -> None:
        self._release()
        self.last_error = message
        self.status_changed.emit(self.tr("Sync failed: %s") % message)
        self.failed.emit(message)

    def _on_deletes(self, account: str, count: int, total: int) -> None:
        self._release()
        self.status_changed.emit(self.tr("Sync stopped: it would delete most events."))
        self.confirm_deletes.emit(account, count, total)

    def _release(self) -> None:
        """The running sync has reported: another may start (its thread is ending)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            self._ending.append(worker)  # deleted once its thread has ended


def attach(window: QMainWindow, controller: SyncController, reload: Any = None) -> QAction:
    """Give `window` the Sync action and a status label wired to `controller`."""
    from followthrough.ui.icons import icon

    action = QAction(icon("sync"), window.tr("&Sync now"), window)
    action.setShortcut(QKeySequence("Ctrl+Shift+S"))
    action.setStatusTip(window.tr("Send your changes to the calendar and take its changes"))
    action.triggered.connect(lambda: controller.sync_now())
    menu = window.menuBar().addMenu(window.tr("&Calendar"))
    menu.addAction(action)
    label = QLabel(window)
    label.setAccessibleName(window.tr("Sync status"))
    window.statusBar().addPermanentWidget(label)
    controller.status_changed.connect(label.setText)
    controller.started.connect(lambda: action.setEnabled(False))
    controller.finished.connect(lambda _lines: action.setEnabled(True))
    controller.failed.connect(lambda _message: action.setEnabled(True))
    controller.confirm_deletes.connect(lambda *_args: action.setEnabled(True))
    if reload is not None:
        controller.finished.connect(lambda _lines: reload())

    def ask(account: str, count: int, total: int) -> None:
        answer = QMessageBox.question(
            window,
            window.tr("Delete events?"),
            window.tr(
                "Syncing with %s would delete %d of the %d synced events, more than half of "
                "them. Nothing was deleted yet. Delete them and go on?"
            )
            % (account, count, total),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            controller.sync_now(allow_deletes=True)

    controller.confirm_deletes.connect(ask)
    return action

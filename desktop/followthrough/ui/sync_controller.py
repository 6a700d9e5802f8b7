"""CalDAV sync from the window: the Sync action, an interval timer, and the status it shows.

Syncs run on a worker thread (ui.background, with one store connection kept for them: SQLite
connections are not shared between threads), one at a time; the window only hears the
outcome, through signals delivered on the UI thread:

* `finished(lines)` after every account synced, with the report's lines (the window reloads:
  the calendar may have brought changes);
* `failed(message)` with the one-sentence reason (nothing confirmed before is lost; the next
  sync carries on);
* `confirm_deletes(account, count, total)` when a sync stopped before deleting more than half
  of the events: the window asks, then calls `sync_now(allow_deletes=True)`.

`status_changed(text)` says what the status-bar label shows, how a long sync is getting on
included ("Listing the calendar… (10 s)", from the sync's thread: delivered on the UI thread).
`attach(window)` adds the Sync action (toolbar, menu, Ctrl+Shift+S) and a status-bar label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow

from followthrough.core.model import ValidationError
from followthrough.core.shown_dates import time_of_day
from followthrough.store import Store, StoreError
from followthrough.ui.background import Background

if TYPE_CHECKING:
    from followthrough.ical.export import Exporter


@dataclass(frozen=True)
class _Stopped:
    """A sync stopped before deleting most of an account's events."""

    account: str
    count: int
    total: int


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
        # One connection for every sync, kept with its exporter: an unchanged event's bytes
        # are not rebuilt at each sync.
        self.jobs = Background(store.path.parent, self, keep_store=True)
        self._exporter: Exporter | None = None
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
        return self.jobs.busy

    def sync_now(self, *, allow_deletes: bool = False) -> bool:
        """Start a sync; False when one is running or no account has a calendar."""
        if self.jobs.busy:
            return False
        if not self.has_accounts():
            self.status_changed.emit(
                self.tr("No calendar to sync with: add a CalDAV account in Settings.")
            )
            return False
        self.started.emit()
        self.status_changed.emit(self.tr("Syncing…"))
        return self.jobs.run(
            lambda store: self._sync_all(store, allow_deletes), self._on_result, self._on_problem
        )

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
        return self.jobs.wait(msecs)

    def shutdown(self) -> None:
        self.timer.stop()
        self.jobs.close()

    # -- on the worker thread ----------------------------------------------------------------

    def _sync_all(self, store: Store, allow_deletes: bool) -> list[str] | _Stopped:
        """Every account with a calendar, in turn; the report's lines."""
        from followthrough.ical.export import Exporter
        from followthrough.sync import accounts
        from followthrough.sync.engine import sync
        from followthrough.sync.errors import MassDeleteError

        if self._exporter is None or self._exporter.store is not store:
            self._exporter = Exporter(store)
        chosen = [a for a in accounts.list_accounts(store) if a.calendar_url]
        lines: list[str] = []
        for account in chosen:
            try:
                report = sync(
                    store,
                    account,
                    exporter=self._exporter,
                    allow_deletes=allow_deletes,
                    progress=self.status_changed.emit,  # queued to the UI thread's label
                )
            except MassDeleteError as error:
                return _Stopped(account.name, error.count, error.total)
            if len(chosen) > 1:
                lines.append(f"{account.name}:")
            lines += report.lines()
        return lines

    # -- outcomes, on the UI thread ------------------------------------------------------------

    def _on_timer(self) -> None:
        if self.has_accounts():
            self.sync_now()

    def _on_result(self, result: list[str] | _Stopped) -> None:
        if isinstance(result, _Stopped):
            self.status_changed.emit(self.tr("Sync stopped: it would delete most events."))
            self.confirm_deletes.emit(result.account, result.count, result.total)
            return
        self.last_synced = datetime.now()
        self.last_error = ""
        self.status_changed.emit(self.tr("Synced at %s") % time_of_day(self.last_synced))
        self.finished.emit(result)

    def _on_problem(self, message: str) -> None:
        # AccountError and SyncError are ValidationErrors: already one sentence.
        self.last_error = message
        self.status_changed.emit(self.tr("Sync failed: %s") % message)
        self.failed.emit(message)


def report_failures(window: Any, controller: SyncController) -> None:
    """A failed sync in `window`'s problems banner (`show_problem`), with Retry."""
    from followthrough.ui.hints import for_window

    controller.failed.connect(
        lambda message: window.show_problem(
            window.tr("Sync failed: ") + for_window(message), retry=lambda: controller.sync_now()
        )
    )


def attach(window: QMainWindow, controller: SyncController, reload: Any = None) -> QAction:
    """Give `window` the Sync action and a status label wired to `controller`; the main
    window holds its watch for changes while the sync runs (see MainWindow.hold_watch)."""
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
    hold = getattr(window, "hold_watch", None)
    if hold is not None:  # the main window: no reload at each of the sync's own writes
        controller.started.connect(lambda: hold(True))
        for ended in (controller.finished, controller.failed, controller.confirm_deletes):
            ended.connect(lambda *_args: hold(False))

    def ask(account: str, count: int, total: int) -> None:
        from PySide6.QtWidgets import QMessageBox  # rarely needed: not loaded at start-up

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

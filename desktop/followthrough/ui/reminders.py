"""Reminders: a follow-up that comes due is announced once, in the tray or in the window.

Every minute (and at start) the planned steps whose time has come are looked up in the store's
step index (cheap: no step is decoded unless it is new). Each one is announced once per run of
the app: by a tray notification where the desktop has a tray (clicking it opens the message
editor for that step), else by the `notice` signal, which the window shows in itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from followthrough.core.model import StepStatus
from followthrough.store import Store, utc_text

CHECK_EVERY_MS = 60_000


class Reminders(QObject):
    notice = Signal(str, str)  # text, step id (the first one due): shown in the window
    open_step = Signal(str)  # the user clicked a tray notification: open this step's editor

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        use_tray: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.clock = clock
        self.announced: set[str] = set()
        self._last_step = ""
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        if use_tray:
            icon = QIcon.fromTheme("appointment-soon")
            from PySide6.QtWidgets import QApplication

            app = QApplication.instance()
            if isinstance(app, QApplication) and not app.windowIcon().isNull():
                icon = app.windowIcon()
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(self.tr("Followthrough"))
            self.tray.messageClicked.connect(self._clicked)
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(CHECK_EVERY_MS)

    def due(self) -> list[str]:
        """Ids of the planned steps whose time has come and that were not announced yet."""
        now = utc_text(self.clock())
        return [
            step_id
            for step_id, _iid, _seq, _mod, _status, start in self.store.step_index(
                status=StepStatus.PLANNED.value
            )
            if start <= now and step_id not in self.announced
        ]

    def check(self) -> list[str]:
        """Announce what came due since the last check; returns the step ids announced."""
        fresh = self.due()
        if not fresh:
            return []
        self.announced.update(fresh)
        steps = self.store.stored_steps(fresh)
        first = steps[fresh[0]].step
        company = self.store.interview(first.interview_id).company
        if len(fresh) == 1:
            text = self.tr("Due now: %s (%s)") % (first.title, company)
        else:
            text = self.tr("%d follow-ups are due, first: %s (%s)") % (
                len(fresh),
                first.title,
                company,
            )
        self._last_step = first.id
        if self.tray is not None:
            self.tray.showMessage(self.tr("Follow-up due"), text)
        else:
            self.notice.emit(text, first.id)
        return fresh

    def _clicked(self) -> None:
        if self._last_step:
            self.open_step.emit(self._last_step)

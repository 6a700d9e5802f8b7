"""Mail checks from the window: Calendar > Check mail, a timer (the mail-interval setting),
IMAP IDLE while the window is open where the server offers it, and the status they show.

Every check runs on a worker thread (ui.background, with a store connection of its own),
one at a time; an IDLE watcher holds its own connection on a thread of its own and only says
"new mail" (the check itself runs as any other). The window hears the outcome through
signals delivered on the UI thread:

* `finished(lines)` after every account was checked (the window reloads: a reply may have
  cancelled chasers);
* `failed(message)` with the one-sentence reason (what was read before is kept);
* `status_changed(text)`: "Mail checked at 14:05" for the status bar.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from followthrough.core.model import ValidationError
from followthrough.core.shown_dates import time_of_day
from followthrough.store import Store, StoreError
from followthrough.ui.background import Background

IDLE_RETRY_MS = 60_000  # after a watcher lost its connection, when it tries again


class _IdleWatcher(QThread):
    """Waits on one account's INBOX with IMAP IDLE; emits `new_mail` when the server tells."""

    new_mail = Signal()

    def __init__(self, data_dir: Any, name: str, parent: QObject) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = name
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    def run(self) -> None:
        from followthrough.mail.accounts import mail_password
        from followthrough.mail.imap import IDLE_RENEW, signed_in
        from followthrough.store import open_store

        while not self._stop:
            try:
                store, _ = open_store(self.data_dir)
                try:
                    account, password = mail_password(store, self.name)
                finally:
                    store.close()
                with signed_in(account, password) as session:
                    if not session.offers("IDLE"):
                        return
                    while not self._stop:
                        if session.wait_for_mail("INBOX", lambda: self._stop, IDLE_RENEW):
                            self.new_mail.emit()
            except (ValidationError, StoreError, OSError):
                for _ in range(IDLE_RETRY_MS // 500):  # the next try, unless stopped first
                    if self._stop:
                        return
                    self.msleep(500)


class MailController(QObject):
    """Starts mail checks on request, on a timer and on IDLE news; never two at once."""

    started = Signal()
    finished = Signal(list)
    failed = Signal(str)
    status_changed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.jobs = Background(store.path.parent, self)
        self.last_checked: datetime | None = None
        self.last_error = ""
        self._again = False  # new mail came while a check ran: check once more after it
        self._closed = False
        self.watchers: dict[str, _IdleWatcher] = {}
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check_now)
        self.apply_interval()

    def has_accounts(self) -> bool:
        from followthrough.mail.accounts import list_mail_accounts

        try:
            return bool(list_mail_accounts(self.store))
        except (ValidationError, StoreError):
            return False

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def check_now(self) -> bool:
        """Start a check of every account; False when one runs (it is checked again after)
        or no account is set up."""
        if self._closed or self.store.closed:  # news from a watcher after shutdown
            return False
        if self.jobs.busy:
            self._again = True
            return False
        if not self.has_accounts():
            self.status_changed.emit(self.tr("No mail account: add one in Settings > Mail."))
            return False
        from followthrough.mail.check import check_all

        self.started.emit()
        self.status_changed.emit(self.tr("Checking mail…"))
        return self.jobs.run(check_all, self._on_result, self._on_problem)

    def apply_interval(self, minutes: int | None = None) -> None:
        """Check every `minutes` (the setting when None); 0 stops the timer."""
        if minutes is None:
            minutes = self.store.settings().mail_interval
        if minutes <= 0:
            self.timer.stop()
        else:
            self.timer.start(minutes * 60_000)

    def take_back(self, message_id: str, verdict: str) -> str:
        """Undo what a message logged ("undone" or "not-reply"); '' or the problem."""
        from followthrough.mail.state import take_back

        try:
            take_back(self.store, message_id, verdict)
        except (ValidationError, StoreError) as error:
            return str(error)
        return ""

    def wait(self, msecs: int = 30_000) -> bool:
        return self.jobs.wait(msecs)

    def shutdown(self) -> None:
        self._closed = True
        self.timer.stop()
        for watcher in self.watchers.values():
            watcher.stop()
        for watcher in self.watchers.values():
            watcher.wait(5000)
        self.jobs.close()

    # -- outcomes, on the UI thread ------------------------------------------------------------

    def _on_result(self, reports: list[Any]) -> None:
        self.last_checked = datetime.now()
        self.last_error = ""
        self.status_changed.emit(
            self.tr("Mail checked at %s") % time_of_day(self.last_checked)
        )
        lines = [line for report in reports for line in report.lines()]
        self._watch([report.account for report in reports if report.idle])
        self.finished.emit(lines)
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.check_now)

    def _on_problem(self, message: str) -> None:
        self.last_error = message
        self.status_changed.emit(self.tr("Mail check failed: %s") % message)
        self.failed.emit(message)

    def _watch(self, names: list[str]) -> None:
        """An IDLE watcher for each account that offers it (and none for the others)."""
        for name in [n for n in self.watchers if n not in names]:
            self.watchers.pop(name).stop()
        for name in names:
            if name not in self.watchers:
                watcher = _IdleWatcher(self.store.path.parent, name, self)
                watcher.new_mail.connect(self.check_now)
                self.watchers[name] = watcher
                watcher.start()

"""What the mail checks found, in Today ("Reply from Ana Diaz: Re: Thank you"), each with
Undo and "Not a reply", and a suggested next step when the subject hints at one (a next
round, a new date, an offer, a rejection): a suggestion only, never taken by itself.

`attach(window, controller)` puts the list under Today, Calendar > Check mail in the menu and
the time of the last check in the status bar.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.text import shown
from followthrough.store import Store
from followthrough.ui.hints import for_window
from followthrough.ui.mail_controller import MailController

SHOWN_FOR = timedelta(days=7)  # how long a finding stays in Today
MAX_SHOWN = 5


class MailFound(QWidget):
    """The findings of the last days, newest first, with what the user can do about each."""

    changed = Signal()  # the user took one back: the window reloads
    suggestion = Signal(str, str)  # hint (offer, rejection, next-round, new-date), interview id

    def __init__(self, store: Store, controller: MailController, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.controller = controller
        self.setAccessibleName(self.tr("Found in your mail"))
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 4, 0, 0)
        self.problem = ""
        self.reload()

    def reload(self) -> None:
        from followthrough.mail.state import recent
        from followthrough.store.records import utc_now

        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        found = recent(self.store, utc_now() - SHOWN_FOR, MAX_SHOWN)
        self.setVisible(bool(found))
        if found:
            # Only then: the mail checker's module brings ssl and the keyring (90 ms).
            from followthrough.mail.check import describe

            heading = QLabel(self.tr("Found in your mail"), self)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self.rows.addWidget(heading)
        for each in found:
            self.rows.addWidget(self._row(each, shown(describe(each))))

    def _row(self, found: Any, text: str) -> QWidget:
        row = QWidget(self)
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(text, row)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        buttons = QHBoxLayout()
        undo = QPushButton(self.tr("Undo"), row)
        undo.setAccessibleName(self.tr("Undo: {what}").format(what=text))
        undo.clicked.connect(lambda: self.take_back(found.message_id, "undone"))
        buttons.addWidget(undo)
        if found.kind == "reply":
            wrong = QPushButton(self.tr("Not a reply"), row)
            wrong.setAccessibleName(self.tr("Not a reply: {what}").format(what=text))
            wrong.clicked.connect(lambda: self.take_back(found.message_id, "not-reply"))
            buttons.addWidget(wrong)
        suggested = {
            "offer": self.tr("Log the offer…"),
            "rejection": self.tr("Log the outcome…"),
            "next-round": self.tr("Plan the next round…"),
            "new-date": self.tr("Log a new date…"),
        }.get(found.hint)
        if suggested:
            suggest = QPushButton(suggested, row)
            suggest.clicked.connect(
                lambda: self.suggestion.emit(found.hint, found.interview_id)
            )
            buttons.addWidget(suggest)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return row

    def take_back(self, message_id: str, verdict: str) -> None:
        self.problem = self.controller.take_back(message_id, verdict)
        self.reload()
        self.changed.emit()


def attach(window: QMainWindow, controller: MailController, store: Store) -> MailFound:
    """Give `window` Calendar > Check mail, the mail status label and the findings in Today."""
    action = QAction(window.tr("Check &mail"), window)
    action.setShortcut(QKeySequence("Ctrl+Shift+M"))
    action.setStatusTip(window.tr("Look for replies and sent follow-ups in your mail"))
    action.triggered.connect(lambda: controller.check_now())
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    calendar = next((m for m in menus if m.title().replace("&", "") == window.tr("Calendar")), None)
    (calendar or window.menuBar().addMenu(window.tr("&Calendar"))).addAction(action)
    label = QLabel(window)
    label.setAccessibleName(window.tr("Mail status"))
    window.statusBar().addPermanentWidget(label)
    controller.status_changed.connect(label.setText)
    controller.started.connect(lambda: action.setEnabled(False))
    found = MailFound(store, controller, window.side_panel)
    # Under Today's list, in the side panel.
    window.side_panel.today_view.parentWidget().layout().addWidget(found)

    def ended() -> None:
        action.setEnabled(True)
        found.reload()

    controller.finished.connect(lambda _lines: ended())
    controller.failed.connect(lambda _message: action.setEnabled(True))
    controller.failed.connect(
        lambda message: window.show_problem(window.tr("Mail check failed: ") + for_window(message))
    )
    controller.finished.connect(lambda _lines: window.reload())
    found.changed.connect(window.reload)
    found.suggestion.connect(lambda hint, iid: _suggest(window, hint, iid))
    window.mail_action = action
    window.mail_found = found
    return found


def _suggest(window: Any, hint: str, interview_id: str) -> None:
    """Open what the suggestion names; the user decides there."""
    if hint in ("offer", "rejection"):
        window.log_outcome(interview_id)
    elif hint == "new-date":
        window.log_delay(interview_id)
    else:
        window.edit_interview(interview_id)

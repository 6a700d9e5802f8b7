"""The Settings dialog: who you are, when you work (holidays, hours, time zone), your default
playbook, your CalDAV calendars and how to send email; one tab per page module.

Every value is checked by the same code as `followthrough config set` (core.settings), so the
dialog and the command line accept and refuse the same things; a refused value is named in the
dialog and nothing is saved. Accounts and passwords go through sync.accounts and compose.smtp,
on a background thread (they talk to servers); passwords only ever reach the keyring.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.core.settings import Settings
from followthrough.store import Store
from followthrough.ui.background import Background
from followthrough.ui.choices import choose_data
from followthrough.ui.settings.calendar_accounts import CalendarAccountsPage
from followthrough.ui.settings.email_sending import EmailSendingPage
from followthrough.ui.settings.mail_accounts import MailAccountsPage
from followthrough.ui.settings.working_time import WorkingTimePage
from followthrough.ui.settings.you import YouPage


class SettingsDialog(
    YouPage, WorkingTimePage, CalendarAccountsPage, EmailSendingPage, MailAccountsPage, QDialog
):
    """The settings, in tabs; OK and Apply save what changed, after checking all of it."""

    saved = Signal()  # settings were written (the window re-reads and re-plans)
    accounts_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.smtp_context: Any = None  # an ssl.SSLContext to verify the mail server with
        self.background = Background(store.path.parent, self)
        self.setWindowTitle(self.tr("Settings"))
        self.resize(620, 480)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.fields: dict[str, QWidget] = {}
        self._you_tab()
        self._work_tab()
        self._calendar_tab()
        self._email_tab()
        self._mail_tab()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Problem"))
        self.message.setStyleSheet("color: palette(highlighted-text); background: #b3261e;")
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply,
            self,
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        apply_button.clicked.connect(self.apply)
        layout.addWidget(self.buttons)
        self.background.busy_changed.connect(self._busy)
        self._marked = ""  # the field a refused value is marked on, until it is fixed
        self.load()
        for widget in self.fields.values():
            for signal in ("textChanged", "toggled", "timeChanged", "valueChanged",
                           "currentIndexChanged", "editTextChanged"):  # fmt: skip
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(self._recheck)

    # -- the pages' fields ------------------------------------------------------------------

    def _line(self, key: str, form: QFormLayout, label: str, hint: str = "") -> QLineEdit:
        field = QLineEdit(self)
        field.setAccessibleName(label)
        if hint:
            field.setPlaceholderText(hint)
        form.addRow(label, field)
        self.fields[key] = field
        return field

    def _every(self, key: str, layout: QVBoxLayout, label: str) -> QSpinBox:
        """A field of minutes between two runs of something (0: only when the user asks)."""
        form = QFormLayout()
        interval = QSpinBox(self)
        interval.setRange(0, 1440)
        interval.setSuffix(self.tr(" min"))
        interval.setSpecialValueText(self.tr("only when I ask"))
        interval.setAccessibleName(label)
        form.addRow(label, interval)
        layout.addLayout(form)
        self.fields[key] = interval
        return interval

    # -- values ----------------------------------------------------------------------------------

    def load(self) -> None:
        """Show the stored settings and accounts."""
        settings = self.store.settings()
        for key, widget in self.fields.items():
            text = settings.get(key)
            if isinstance(widget, QLineEdit):
                widget.setText(text)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(text == "yes")
            elif isinstance(widget, QTimeEdit):
                widget.setTime(QTime.fromString(text, "HH:mm"))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(text or 0))
            elif isinstance(widget, QComboBox):
                if key == "country":
                    choose_data(widget, text)  # an alias the list does not show (USA) is kept
                    self._fill_regions()
                elif widget.isEditable():
                    index = widget.findText(text, Qt.MatchFlag.MatchExactly)
                    if index >= 0:
                        widget.setCurrentIndex(index)
                    else:
                        widget.setEditText(text)
                else:
                    widget.setCurrentIndex(max(widget.findData(text), 0))
        self.load_accounts()
        self.load_mail_accounts()

    def values(self) -> dict[str, str]:
        """Each setting's text, as `config set` takes it."""
        out: dict[str, str] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                out[key] = widget.text()
            elif isinstance(widget, QCheckBox):
                out[key] = "yes" if widget.isChecked() else "no"
            elif isinstance(widget, QTimeEdit):
                clock: time = widget.time().toPython()  # type: ignore[assignment]
                out[key] = clock.strftime("%H:%M")
            elif isinstance(widget, QSpinBox):
                out[key] = "" if key == "smtp-port" and widget.value() == 0 else str(widget.value())
            elif isinstance(widget, QComboBox):
                out[key] = (
                    widget.currentText()
                    if widget.isEditable() and not widget.property("chosen_by_name")
                    else str(widget.currentData() or "")
                )
        return out

    def apply(self) -> bool:
        """Check every changed value, then save them all; False (nothing saved) on a problem."""
        current = self.store.settings()
        wanted = self.values()
        changed = [k for k in Settings.names() if k in wanted and wanted[k] != current.get(k)]
        if not changed:
            self._problem("")
            return True
        problem, key = self.check()
        if problem:
            self._problem(problem)
            self._mark(key)
            return False
        for key in changed:
            self.store.set_setting(key, wanted[key])
        self._problem("")
        self.saved.emit()
        return True

    def check(self) -> tuple[str, str]:
        """(the first problem of the values shown, the key of its field); ("", "") when
        every changed value is fine. Nothing is saved."""
        current = self.store.settings()
        wanted = self.values()
        checked = current
        for key in (k for k in Settings.names() if k in wanted and wanted[k] != current.get(k)):
            try:
                checked = checked.with_value(key, wanted[key])
            except ValidationError as error:
                return str(error), key
        return "", ""

    def _mark(self, key: str) -> None:
        """Mark the field of `key` as refused ("": unmark the one marked)."""
        if self._marked in self.fields:
            self.fields[self._marked].setStyleSheet("")
        self._marked = key
        if key in self.fields:
            self.fields[key].setStyleSheet("border: 2px solid #b3261e;")
            self.fields[key].setToolTip(self.message.text())

    def _recheck(self) -> None:
        """A field changed: a refused value fixed takes its mark and its message away."""
        if not self._marked:
            return
        problem, key = self.check()
        if self._marked in self.fields:
            self.fields[self._marked].setToolTip("")
        self._problem(problem)
        self._mark(key)

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def _problem(self, text: str) -> None:
        from followthrough.ui.hints import for_window

        self.message.setText(for_window(text))  # the fields by name, never a flag
        self.message.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        for button in (self.add_button, self.choose_button, self.remove_button,
                       self.mail_add_button, self.mail_remove_button):  # fmt: skip
            button.setEnabled(not busy)
        self.smtp_password_button.setEnabled(not busy)
        if busy:
            self._problem("")

    def done(self, result: int) -> None:
        self.background.wait()
        super().done(result)

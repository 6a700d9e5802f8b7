"""The Add account form of Settings > Calendar: what a new CalDAV account needs."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)


@dataclass(frozen=True)
class NewAccount:
    """What the Add account form gives."""

    name: str
    preset: str  # a preset id, or "" for any CalDAV server
    url: str
    username: str
    secret: str


class AccountForm(QDialog):
    """Name, service, address, user and password of a CalDAV account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from followthrough.sync.presets import PRESETS

        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a CalDAV account"))
        form = QFormLayout(self)
        self.name = QLineEdit("calendar", self)
        self.preset = QComboBox(self)
        self.preset.addItem(self.tr("Other CalDAV server"), "")
        for known in PRESETS.values():
            self.preset.addItem(known.name, known.id)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://cloud.example.org")
        self.username = QLineEdit(self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.problem = QLabel(self)  # why the last try failed, and what to fix
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Problem"))
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        for label, field, name in (
            (self.tr("Name"), self.name, "Account name"),
            (self.tr("Service"), self.preset, "Service"),
            (self.tr("Server address"), self.url, "Server address"),
            (self.tr("User name"), self.username, "User name"),
            (self.tr("Password or token"), self.secret, "Password or token"),
        ):
            field.setAccessibleName(self.tr(name))
            form.addRow(label, field)
        form.addRow(self.note)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.preset.currentIndexChanged.connect(self._show_note)
        self._show_note()

    def _show_note(self) -> None:
        from followthrough.sync.presets import PRESETS
        from followthrough.ui.hints import for_window

        chosen = PRESETS.get(str(self.preset.currentData() or ""))
        self.note.setText(
            for_window(chosen.note) if chosen else self.tr("Give the server's CalDAV address.")
        )

    def fill(self, typed: NewAccount, problem: str) -> None:
        """The form again as the user typed it (the password too), with why the account
        could not be added, and the field to fix focused."""
        from followthrough.ui.hints import for_window

        self.name.setText(typed.name)
        self.preset.setCurrentIndex(max(0, self.preset.findData(typed.preset)))
        self.url.setText(typed.url)
        self.username.setText(typed.username)
        self.secret.setText(typed.secret)
        self.problem.setText(for_window(problem))
        self.problem.setVisible(bool(problem))
        self.field_to_fix(problem).setFocus()

    def field_to_fix(self, problem: str) -> QWidget:
        """The field a problem is about, as well as its words tell."""
        words = problem.lower()
        for field, hints in (
            (self.secret, ("password", "token", "keyring")),
            (self.username, ("user",)),
            (self.name, ("account name", "already an account")),
        ):
            if any(hint in words for hint in hints):
                return field
        return self.url  # the address, the server, its certificate

    def value(self) -> NewAccount:
        return NewAccount(
            self.name.text().strip(),
            str(self.preset.currentData() or ""),
            self.url.text().strip(),
            self.username.text().strip(),
            self.secret.text(),
        )

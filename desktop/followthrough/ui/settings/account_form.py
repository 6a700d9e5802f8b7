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

        chosen = PRESETS.get(str(self.preset.currentData() or ""))
        self.note.setText(chosen.note if chosen else self.tr("Give the server's CalDAV address."))

    def value(self) -> NewAccount:
        return NewAccount(
            self.name.text().strip(),
            str(self.preset.currentData() or ""),
            self.url.text().strip(),
            self.username.text().strip(),
            self.secret.text(),
        )

"""Settings > Mail: the IMAP accounts Followthrough reads (add, with signing in checked on the
server first; remove) and how often to check. The accounts go through followthrough.mail, on
a background thread (they talk to servers); passwords only ever reach the keyring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.store import Store


@dataclass(frozen=True)
class NewMailAccount:
    """What the Add mail account form gives."""

    name: str
    preset: str
    host: str
    port: int
    security: str
    username: str
    password: str
    fingerprint: str = ""


class MailAccountForm(QDialog):
    """Name, service, server, security, user and password of an IMAP account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from followthrough.mail.presets import presets

        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a mail account"))
        form = QFormLayout(self)
        self.name = QLineEdit("inbox", self)
        self.preset = QComboBox(self)
        for known in presets().values():
            self.preset.addItem(known.name, known.id)
        self.host = QLineEdit(self)
        self.host.setPlaceholderText("imap.example.com")
        self.security = QComboBox(self)
        self.security.addItem(self.tr("SSL (port 993)"), "ssl")
        self.security.addItem(self.tr("STARTTLS (port 143)"), "starttls")
        self.port = QSpinBox(self)
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("usual"))
        self.username = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.fingerprint = QLineEdit(self)
        self.fingerprint.setPlaceholderText(self.tr("only for a server with its own certificate"))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        for label, field in (
            (self.tr("Name"), self.name),
            (self.tr("Service"), self.preset),
            (self.tr("IMAP server"), self.host),
            (self.tr("Security"), self.security),
            (self.tr("Port"), self.port),
            (self.tr("User name"), self.username),
            (self.tr("Password"), self.password),
            (self.tr("Trusted certificate (SHA-256)"), self.fingerprint),
        ):
            field.setAccessibleName(label)
            form.addRow(label, field)
        form.addRow(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.preset.currentIndexChanged.connect(self._show_preset)
        self._show_preset()

    def _show_preset(self) -> None:
        from followthrough.mail.presets import presets

        chosen = presets().get(str(self.preset.currentData() or ""))
        if chosen is None:
            return
        self.note.setText(chosen.note)
        self.host.setText(chosen.host)
        self.security.setCurrentIndex(max(self.security.findData(chosen.security), 0))
        # A service that takes no password over IMAP cannot be added: say so, ask nothing.
        usable = chosen.sign_in != "oauth"
        for field in (self.host, self.security, self.port, self.username, self.password):
            field.setEnabled(usable)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(usable)

    def value(self) -> NewMailAccount:
        return NewMailAccount(
            self.name.text().strip(),
            str(self.preset.currentData() or ""),
            self.host.text().strip(),
            self.port.value(),
            str(self.security.currentData() or "ssl"),
            self.username.text().strip(),
            self.password.text(),
            self.fingerprint.text().strip(),
        )


class MailAccountsPage:
    """The Mail tab of SettingsDialog (mixed into it), and what its buttons do."""

    def _mail_tab(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Followthrough can watch your inbox: a reply from the employer stops the "
                    "reminders to chase them, and a thank-you you sent from your mail program "
                    "marks its follow-up done. It reads only the sender, recipients, date and "
                    "subject of new messages, never their text, and never changes anything in "
                    "your mailbox. Passwords are kept in your system keyring only."
                ),
                page,
                wordWrap=True,
            )
        )
        self.mail_accounts = QTableWidget(0, 3, page)
        self.mail_accounts.setHorizontalHeaderLabels(
            [self.tr("Account"), self.tr("User"), self.tr("Server")]
        )
        self.mail_accounts.setAccessibleName(self.tr("Mail accounts"))
        self.mail_accounts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mail_accounts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.mail_accounts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mail_accounts.verticalHeader().hide()
        self.mail_accounts.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch
        )
        layout.addWidget(self.mail_accounts)
        row = QHBoxLayout()
        self.mail_add_button = QPushButton(self.tr("Add mail account…"), page)
        self.mail_remove_button = QPushButton(self.tr("Remove"), page)
        row.addWidget(self.mail_add_button)
        row.addWidget(self.mail_remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.mail_add_button.clicked.connect(self._ask_new_mail_account)
        self.mail_remove_button.clicked.connect(self._ask_remove_mail)
        self._every("mail-interval", layout, self.tr("Check mail every"))
        self.tabs.addTab(page, self.tr("Mail"))

    def load_mail_accounts(self) -> None:
        from followthrough.mail.accounts import list_mail_accounts

        listed = list_mail_accounts(self.store)
        self.mail_accounts.setRowCount(len(listed))
        for row, account in enumerate(listed):
            for column, text in enumerate((account.name, account.username, account.where)):
                self.mail_accounts.setItem(row, column, QTableWidgetItem(text))
        if listed and not self.mail_accounts.selectedItems():
            self.mail_accounts.selectRow(0)

    def selected_mail_account(self) -> str:
        items = self.mail_accounts.selectedItems()
        return items[0].text() if items else ""

    def add_mail_account(self, new: NewMailAccount, context: Any = None) -> bool:
        """Sign in on the server, then save the account (off the UI thread)."""
        from followthrough.mail.accounts import new_mail_account
        from followthrough.mail.check import add_mail_account
        from followthrough.sync.accounts import require_keyring

        try:
            account = new_mail_account(
                new.name, username=new.username, host=new.host, port=new.port,
                security=new.security, preset_id=new.preset, trusted_fingerprint=new.fingerprint,
            )  # fmt: skip
            require_keyring()
        except ValidationError as error:
            self._problem(str(error))
            return False

        def job(store: Store) -> Any:
            return add_mail_account(store, account, new.password, context=context)[0]

        return self.background.run(job, self._mail_account_saved, self._problem)

    def _mail_account_saved(self, _account: Any) -> None:
        self.load_mail_accounts()
        self.accounts_changed.emit()

    def remove_mail_account(self, name: str) -> None:
        from followthrough.mail.accounts import remove_mail_account

        notes = remove_mail_account(self.store, name)
        self.load_mail_accounts()
        self.accounts_changed.emit()
        self._problem(" ".join(notes))

    def _ask_new_mail_account(self) -> None:
        form = MailAccountForm(self)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.add_mail_account(form.value())

    def _ask_remove_mail(self) -> None:
        name = self.selected_mail_account()
        if not name:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove mail account"),
            self.tr(
                "Stop reading the mail account %s and forget its saved password? What it found "
                "stays logged."
            )
            % name,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_mail_account(name)

"""Settings: who you are, when you work (holidays, hours, time zone), your default playbook,
your CalDAV calendars and how to send email.

Every value is checked by the same code as `followthrough config set` (core.settings), so the
dialog and the command line accept and refuse the same things; a refused value is named in the
dialog and nothing is saved. Accounts and passwords go through sync.accounts and compose.smtp,
on a background thread (they talk to servers); passwords only ever reach the keyring.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import time
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.core.settings import Settings, country_codes, subdivisions
from followthrough.store import Store
from followthrough.ui.background import Background

DEFAULT_CALENDAR = "Interview follow-ups"


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
        from followthrough.sync.accounts import PRESETS

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
        from followthrough.sync.accounts import PRESETS

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


class SettingsDialog(QDialog):
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
        self.load()

    # -- tabs ------------------------------------------------------------------------------------

    def _line(self, key: str, form: QFormLayout, label: str, hint: str = "") -> QLineEdit:
        field = QLineEdit(self)
        field.setAccessibleName(label)
        if hint:
            field.setPlaceholderText(hint)
        form.addRow(label, field)
        self.fields[key] = field
        return field

    def _you_tab(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(QLabel(self.tr("Your messages are signed and sent with these."), page))
        self._line("my-name", form, self.tr("Your name"), "Sam Doe")
        self._line("my-email", form, self.tr("Your email"), "sam@example.com")
        self._line("my-phone", form, self.tr("Your phone"), "+1 212 555 0100")
        self.tabs.addTab(page, self.tr("You"))

    def _work_tab(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        country = QComboBox(page)
        country.setAccessibleName(self.tr("Country for public holidays"))
        country.addItem(self.tr("(none: no public holidays)"), "")
        for code in sorted(country_codes(include_aliases=False)):
            country.addItem(code, code)
        form.addRow(self.tr("Country (holidays)"), country)
        region = QComboBox(page)
        region.setAccessibleName(self.tr("Region for public holidays"))
        form.addRow(self.tr("Region"), region)
        country.currentIndexChanged.connect(self._fill_regions)
        zone = QComboBox(page)
        zone.setEditable(True)
        zone.setAccessibleName(self.tr("Time zone"))
        names = sorted(zoneinfo.available_timezones())
        zone.addItems(names)
        completer = QCompleter(QStringListModel(names, zone), zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        zone.setCompleter(completer)
        form.addRow(self.tr("Time zone"), zone)
        start, end = QTimeEdit(page), QTimeEdit(page)
        for edit, name in ((start, "Working day starts"), (end, "Working day ends")):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(self.tr(name))
        form.addRow(self.tr("Working day starts"), start)
        form.addRow(self.tr("Working day ends"), end)
        playbook = QComboBox(page)
        playbook.setAccessibleName(self.tr("Default playbook"))
        for book in sorted(self.store.library.playbooks.values(), key=lambda b: b.name):
            playbook.addItem(book.name, book.id)
        form.addRow(self.tr("Default playbook"), playbook)
        optional = QCheckBox(self.tr("Plan the optional steps (a handwritten note, ...)"), page)
        form.addRow("", optional)
        self.fields.update(
            {
                "country": country,
                "subdivision": region,
                "timezone": zone,
                "work-start": start,
                "work-end": end,
                "playbook": playbook,
                "optional-steps": optional,
            }
        )
        self.tabs.addTab(page, self.tr("Working time"))

    def _calendar_tab(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Followthrough keeps your follow-ups in a CalDAV calendar (Nextcloud, "
                    "Fastmail, iCloud, Radicale, Baïkal, Google) and takes back what you change "
                    "there. Passwords are kept in your system keyring only."
                ),
                page,
                wordWrap=True,
            )
        )
        self.accounts = QTableWidget(0, 4, page)
        self.accounts.setHorizontalHeaderLabels(
            [self.tr("Account"), self.tr("User"), self.tr("Server"), self.tr("Calendar")]
        )
        self.accounts.setAccessibleName(self.tr("CalDAV accounts"))
        self.accounts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.accounts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.accounts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.accounts.verticalHeader().hide()
        self.accounts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.accounts)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add account…"), page)
        self.choose_button = QPushButton(self.tr("Choose calendar…"), page)
        self.remove_button = QPushButton(self.tr("Remove"), page)
        for button in (self.add_button, self.choose_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(self._ask_new_account)
        self.choose_button.clicked.connect(self._ask_calendar)
        self.remove_button.clicked.connect(self._ask_remove)
        form = QFormLayout()
        interval = QSpinBox(page)
        interval.setRange(0, 1440)
        interval.setSuffix(self.tr(" min"))
        interval.setSpecialValueText(self.tr("only when I ask"))
        interval.setAccessibleName(self.tr("Sync every"))
        form.addRow(self.tr("Sync every"), interval)
        layout.addLayout(form)
        self.fields["sync-interval"] = interval
        self.tabs.addTab(page, self.tr("Calendar"))

    def _email_tab(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(
            QLabel(
                self.tr(
                    "To send messages from the editor without a mail app, give your mail "
                    "server. Only encrypted connections are used."
                ),
                page,
                wordWrap=True,
            )
        )
        self._line("smtp-host", form, self.tr("SMTP server"), "smtp.example.com")
        port = QSpinBox(page)
        port.setRange(0, 65535)
        port.setSpecialValueText(self.tr("usual (465 or 587)"))
        port.setAccessibleName(self.tr("SMTP port"))
        form.addRow(self.tr("Port"), port)
        security = QComboBox(page)
        security.setAccessibleName(self.tr("SMTP security"))
        security.addItem(self.tr("STARTTLS (usually port 587)"), "starttls")
        security.addItem(self.tr("SSL/TLS (usually port 465)"), "ssl")
        form.addRow(self.tr("Security"), security)
        self._line("smtp-username", form, self.tr("User name"), self.tr("(your email)"))
        self.fields.update({"smtp-port": port, "smtp-security": security})
        row = QHBoxLayout()
        self.smtp_password_button = QPushButton(self.tr("Set password…"), page)
        self.smtp_password_button.clicked.connect(self._ask_smtp_password)
        row.addWidget(self.smtp_password_button)
        row.addStretch(1)
        form.addRow("", row)
        self.tabs.addTab(page, self.tr("Email sending"))

    # -- values ----------------------------------------------------------------------------------

    def _fill_regions(self) -> None:
        region = self.fields["subdivision"]
        assert isinstance(region, QComboBox)
        keep = region.currentData()
        region.clear()
        region.addItem(self.tr("(whole country)"), "")
        code = self.fields["country"]
        assert isinstance(code, QComboBox)
        for sub in sorted(subdivisions(str(code.currentData() or ""))):
            region.addItem(sub, sub)
        index = region.findData(keep)
        region.setCurrentIndex(max(index, 0))

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
                    if text and widget.findData(text) < 0:
                        widget.addItem(text, text)  # an alias the list does not show (USA)
                    widget.setCurrentIndex(max(widget.findData(text), 0))
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
                    if widget.isEditable()
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
        checked = current
        try:
            for key in changed:
                checked = checked.with_value(key, wanted[key])
        except ValidationError as error:
            self._problem(str(error))
            return False
        for key in changed:
            self.store.set_setting(key, wanted[key])
        self._problem("")
        self.saved.emit()
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def _problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _busy(self, busy: bool) -> None:
        for button in (self.add_button, self.choose_button, self.remove_button):
            button.setEnabled(not busy)
        self.smtp_password_button.setEnabled(not busy)
        if busy:
            self._problem("")

    # -- accounts --------------------------------------------------------------------------------

    def load_accounts(self) -> None:
        from followthrough.sync.accounts import list_accounts

        listed = list_accounts(self.store)
        self.accounts.setRowCount(len(listed))
        for row, account in enumerate(listed):
            calendar = account.calendar_name if account.calendar_url else self.tr("(not chosen)")
            for column, text in enumerate((account.name, account.username, account.url, calendar)):
                self.accounts.setItem(row, column, QTableWidgetItem(text))
        if listed and not self.accounts.selectedItems():
            self.accounts.selectRow(0)

    def selected_account(self) -> str:
        items = self.accounts.selectedItems()
        return items[0].text() if items else ""

    def add_account(self, new: NewAccount, calendar: str = DEFAULT_CALENDAR) -> bool:
        """Check the login on the server, save the account, then make it sync with
        `calendar` (found by name, else created); all off the UI thread."""
        from followthrough.sync import accounts

        try:
            account = accounts.new_account(
                new.name, username=new.username, url=new.url, preset_id=new.preset
            )
            accounts.require_keyring(account.auth)
        except ValidationError as error:
            self._problem(str(error))
            return False

        def job(store: Store) -> Any:
            added = accounts.add_account(store, account, new.secret)
            try:
                return accounts.use_calendar(store, added.name, create=calendar).account
            except ValidationError as error:
                return f"{added.name} was added, but its calendar could not be chosen: {error}"

        return self.background.run(job, self._account_saved, self._problem)

    def _account_saved(self, result: Any) -> None:
        self.load_accounts()
        self.accounts_changed.emit()
        if isinstance(result, str):
            self._problem(result)

    def choose_calendar(self, name: str, path: str | None, create: str | None) -> bool:
        from followthrough.sync import accounts

        def job(store: Store) -> Any:
            return accounts.use_calendar(store, name, path=path, create=create).account

        return self.background.run(job, self._account_saved, self._problem)

    def remove_account(self, name: str) -> None:
        from followthrough.sync import accounts

        notes = accounts.remove_account(self.store, name)
        self.load_accounts()
        self.accounts_changed.emit()
        self._problem(" ".join(notes))

    def _ask_new_account(self) -> None:
        form = AccountForm(self)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.add_account(form.value())

    def _ask_calendar(self) -> None:
        from followthrough.sync import accounts

        name = self.selected_account()
        if not name:
            self._problem(self.tr("Choose an account first."))
            return

        def found(calendars: Any) -> None:
            create = self.tr("Create “%s”") % DEFAULT_CALENDAR
            labels = [f"{c.name} ({c.path})" for c in calendars if c.supports_events]
            choice, ok = QInputDialog.getItem(
                self, self.tr("Calendar"), self.tr("Sync with:"), [*labels, create], 0, False
            )
            if not ok:
                return
            if choice == create:
                self.choose_calendar(name, None, DEFAULT_CALENDAR)
            else:
                picked = [c for c in calendars if c.supports_events][labels.index(choice)]
                self.choose_calendar(name, picked.url, None)

        self.background.run(
            lambda store: accounts.discover_calendars(store, name), found, self._problem
        )

    def _ask_remove(self) -> None:
        name = self.selected_account()
        if not name:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove account"),
            self.tr(
                "Forget the account %s and its saved password? The events already in its "
                "calendar stay there."
            )
            % name,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_account(name)

    # -- SMTP password -------------------------------------------------------------------------

    def set_smtp_password(self, password: str, save: bool = True) -> bool:
        """Check the password with the mail server, then keep it in the keyring."""
        from followthrough.compose import smtp

        if not self.apply():
            return False
        config = smtp.smtp_config(self.store.settings())
        if config is None:
            self._problem(self.tr("Give the SMTP server and your email first."))
            return False

        def job(_store: Store) -> Any:
            smtp.verify(config, password, context=self.smtp_context)
            if save:
                smtp.save_smtp_password(config, password)
            return None

        def done(_result: Any) -> None:
            self.message.hide()
            QMessageBox.information(
                self, self.tr("Email sending"), self.tr("The mail server accepted the password.")
            )

        return self.background.run(job, done, self._problem)

    def _ask_smtp_password(self) -> None:
        password, ok = QInputDialog.getText(
            self,
            self.tr("SMTP password"),
            self.tr("Password for the mail server (kept in your system keyring):"),
            QLineEdit.EchoMode.Password,
        )
        if ok and password:
            self.set_smtp_password(password)

    def done(self, result: int) -> None:
        self.background.wait()
        super().done(result)


"""Settings > Calendar: the CalDAV accounts (add, with the login checked on the server;
choose the calendar; remove) and how often to sync. The accounts go through sync.accounts,
on a background thread (they talk to servers); passwords only ever reach the keyring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.store import Store
from followthrough.ui.settings.account_form import AccountForm, NewAccount

DEFAULT_CALENDAR = "Interview follow-ups"


class CalendarAccountsPage:
    """The Calendar tab of SettingsDialog (mixed into it), and what its buttons do."""

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
        self._every("sync-interval", layout, self.tr("Sync every"))
        self.tabs.addTab(page, self.tr("Calendar"))

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

    def add_account(
        self, new: NewAccount, calendar: str = DEFAULT_CALENDAR,
        on_failure: Callable[[str], object] | None = None,
    ) -> bool:
        """Check the login on the server, save the account, then make it sync with
        `calendar` (found by name, else created); all off the UI thread. A failure is told,
        and handed to `on_failure` (the form asks again, with what was typed)."""
        from followthrough.sync import accounts, calendars, connection

        def failed(message: str) -> None:
            self._problem(message)
            if on_failure is not None:
                on_failure(message)

        try:
            account = accounts.new_account(
                new.name, username=new.username, url=new.url, preset_id=new.preset
            )
            accounts.require_keyring(account.auth)
        except ValidationError as error:
            failed(str(error))
            return False

        def job(store: Store) -> Any:
            added = connection.add_account(store, account, new.secret)
            try:
                return calendars.use_calendar(store, added.name, create=calendar).account
            except ValidationError as error:
                return f"{added.name} was added, but its calendar could not be chosen: {error}"

        return self.background.run(job, self._account_saved, failed)

    def _account_saved(self, result: Any) -> None:
        self.load_accounts()
        self.accounts_changed.emit()
        if isinstance(result, str):
            self._problem(result)

    def choose_calendar(self, name: str, path: str | None, create: str | None) -> bool:
        from followthrough.sync import calendars

        def job(store: Store) -> Any:
            return calendars.use_calendar(store, name, path=path, create=create).account

        return self.background.run(job, self._account_saved, self._problem)

    def remove_account(self, name: str) -> None:
        from followthrough.sync import accounts

        notes = accounts.remove_account(self.store, name)
        self.load_accounts()
        self.accounts_changed.emit()
        self._problem(" ".join(notes))

    def _ask_new_account(self, typed: NewAccount | None = None, problem: str = "") -> None:
        """The Add account form; when the account could not be added, the form again with
        everything typed kept, saying what to fix."""
        from PySide6.QtCore import QTimer

        form = AccountForm(self)
        if isinstance(typed, NewAccount):  # not clicked(bool)'s flag
            form.fill(typed, problem)
        if form.exec() == QDialog.DialogCode.Accepted:
            new = form.value()
            self.add_account(new, on_failure=lambda message: QTimer.singleShot(
                0, lambda: self._ask_new_account(new, message)
            ))

    def _ask_calendar(self) -> None:
        from followthrough.sync.calendars import discover_calendars

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
            lambda store: discover_calendars(store, name), found, self._problem
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

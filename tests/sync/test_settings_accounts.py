"""Settings > Calendar against real CalDAV servers (Radicale and sabre/dav): add (login checked),
choose, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytestqt.qtbot import QtBot

from followthrough.store import Store
from followthrough.sync.accounts import list_accounts
from followthrough.ui.settings.account_form import NewAccount
from followthrough.ui.settings.dialog import SettingsDialog

if TYPE_CHECKING:
    from conftest import DavServer, MemoryKeyring, RadicaleServer


def test_add_choose_and_remove_an_account(
    qtbot: QtBot, store: Store, dav: DavServer, memory_keyring: MemoryKeyring
) -> None:
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    user, password = dav.new_user()

    assert dialog.add_account(NewAccount("home", "", dav.url, user, "wrong"))
    qtbot.waitUntil(lambda: not dialog.background.busy, timeout=20_000)
    assert "refused the user name or password" in dialog.message.text()
    assert list_accounts(store) == [] and memory_keyring.secrets == {}

    with qtbot.waitSignal(dialog.accounts_changed, timeout=20_000):
        assert dialog.add_account(NewAccount("home", "", dav.url, user, password))
    (account,) = list_accounts(store)
    assert account.calendar_name == "Interview follow-ups"
    assert dialog.accounts.rowCount() == 1
    assert dialog.accounts.item(0, 3).text() == "Interview follow-ups"
    assert password in memory_keyring.secrets.values()

    with qtbot.waitSignal(dialog.accounts_changed, timeout=20_000):
        assert dialog.choose_calendar("home", None, "Job search")
    assert list_accounts(store)[0].calendar_name == "Job search"

    dialog.accounts.selectRow(0)
    assert dialog.selected_account() == "home"
    dialog.remove_account("home")
    assert list_accounts(store) == [] and dialog.accounts.rowCount() == 0
    assert memory_keyring.secrets == {}


def test_no_keyring_refuses_before_asking_the_server(
    qtbot: QtBot, store: Store, radicale: RadicaleServer, no_keyring: None
) -> None:
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    user, password = radicale.new_user()
    assert not dialog.add_account(NewAccount("home", "", radicale.url, user, password))
    assert "keyring" in dialog.message.text()
    assert list_accounts(store) == []

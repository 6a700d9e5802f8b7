"""The Settings dialog: the same checks as `config set`, nothing saved on a refused value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QTimeEdit
from pytestqt.qtbot import QtBot

from followthrough.store import Store, open_store
from followthrough.ui.settings.dialog import SettingsDialog


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[Store]:
    opened, _ = open_store(isolated_data_dir)
    yield opened
    opened.close()


@pytest.fixture
def dialog(qtbot: QtBot, store: Store) -> SettingsDialog:
    made = SettingsDialog(store)
    qtbot.addWidget(made)
    return made


def field(dialog: SettingsDialog, key: str) -> object:
    return dialog.fields[key]


def test_it_shows_the_stored_settings(qtbot: QtBot, store: Store) -> None:
    store.set_setting("my-name", "Sam Doe")
    store.set_setting("country", "US")
    store.set_setting("subdivision", "NY")
    store.set_setting("work-start", "08:30")
    store.set_setting("smtp-security", "ssl")
    store.set_setting("sync-interval", "30")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    name = field(dialog, "my-name")
    assert isinstance(name, QLineEdit) and name.text() == "Sam Doe"
    region = field(dialog, "subdivision")
    assert isinstance(region, QComboBox) and region.currentData() == "NY"
    start = field(dialog, "work-start")
    assert isinstance(start, QTimeEdit) and start.time() == QTime(8, 30)
    security = field(dialog, "smtp-security")
    assert isinstance(security, QComboBox) and security.currentData() == "ssl"
    interval = field(dialog, "sync-interval")
    assert isinstance(interval, QSpinBox) and interval.value() == 30
    assert dialog.values() == {k: store.settings().get(k) for k in dialog.values()}


def test_changes_are_checked_then_saved(dialog: SettingsDialog, store: Store) -> None:
    saved: list[bool] = []
    dialog.saved.connect(lambda: saved.append(True))
    name, email = field(dialog, "my-name"), field(dialog, "my-email")
    assert isinstance(name, QLineEdit) and isinstance(email, QLineEdit)
    name.setText("Sam Doe")
    email.setText("sam@example.com")
    zone = field(dialog, "timezone")
    assert isinstance(zone, QComboBox)
    zone.setCurrentText("Africa/Johannesburg")
    optional = field(dialog, "optional-steps")
    assert isinstance(optional, QCheckBox)
    optional.setChecked(False)
    assert dialog.apply()
    settings = store.settings()
    assert (settings.my_name, settings.my_email) == ("Sam Doe", "sam@example.com")
    assert settings.timezone == "Africa/Johannesburg" and settings.optional_steps is False
    assert saved == [True] and dialog.message.isHidden()


def test_a_refused_value_is_named_and_nothing_is_saved(
    dialog: SettingsDialog, store: Store
) -> None:
    name, email = field(dialog, "my-name"), field(dialog, "my-email")
    assert isinstance(name, QLineEdit) and isinstance(email, QLineEdit)
    name.setText("Sam Doe")
    email.setText("not an address")
    assert not dialog.apply()
    assert not dialog.message.isHidden() and "not an address" in dialog.message.text()
    assert store.settings().my_name == ""  # the valid change waits for the whole form
    start, end = field(dialog, "work-start"), field(dialog, "work-end")
    assert isinstance(start, QTimeEdit) and isinstance(end, QTimeEdit)
    email.setText("sam@example.com")
    start.setTime(QTime(18, 0))
    end.setTime(QTime(9, 0))
    assert not dialog.apply() and "must end after it starts" in dialog.message.text()
    assert store.settings().my_email == ""


def test_the_other_addresses_are_checked_as_config_set_checks_them(
    dialog: SettingsDialog, store: Store
) -> None:
    aliases = field(dialog, "aliases")
    assert isinstance(aliases, QLineEdit)
    aliases.setText("sam@work.example, nobody")
    assert not dialog.apply() and "'nobody' is not a valid email address." in dialog.message.text()
    assert store.settings().aliases == ()
    aliases.setText("sam@work.example; Sam.Doe@old.example")
    assert dialog.apply() and dialog.message.isHidden()
    assert store.settings().aliases == ("sam@work.example", "Sam.Doe@old.example")
    assert store.settings().my_addresses == {"sam@work.example", "sam.doe@old.example"}
    dialog.load()
    assert aliases.text() == "sam@work.example, Sam.Doe@old.example"


def test_regions_follow_the_country(dialog: SettingsDialog, store: Store) -> None:
    country, region = field(dialog, "country"), field(dialog, "subdivision")
    assert isinstance(country, QComboBox) and isinstance(region, QComboBox)
    country.setCurrentIndex(country.findData("DE"))
    regions = [region.itemData(i) for i in range(region.count())]
    assert regions[0] == "" and "BY" in regions
    region.setCurrentIndex(region.findData("BY"))
    assert dialog.apply()
    assert (store.settings().country, store.settings().subdivision) == ("DE", "BY")
    country.setCurrentIndex(country.findData("FR"))
    assert region.currentData() == ""  # Bavaria is not a French region


def test_smtp_and_sync_settings(dialog: SettingsDialog, store: Store) -> None:
    host, port = field(dialog, "smtp-host"), field(dialog, "smtp-port")
    security, interval = field(dialog, "smtp-security"), field(dialog, "sync-interval")
    assert isinstance(host, QLineEdit) and isinstance(port, QSpinBox)
    assert isinstance(security, QComboBox) and isinstance(interval, QSpinBox)
    host.setText("SMTP.Example.com")
    port.setValue(465)
    security.setCurrentIndex(security.findData("ssl"))
    interval.setValue(0)
    assert dialog.apply()
    settings = store.settings()
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == (
        "smtp.example.com",
        465,
        "ssl",
    )
    assert settings.sync_interval == 0
    assert interval.text() == "only when I ask"


def test_smtp_password_is_checked_with_the_server_then_kept_in_the_keyring(
    qtbot: QtBot,
    dialog: SettingsDialog,
    store: Store,
    start_server: object,
    authority: object,
    memory_keyring: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from followthrough.compose import smtp
    from smtp_server import PASSWORD

    server = start_server("starttls")  # type: ignore[operator]
    for key, value in server.settings().items():
        store.set_setting(key, value)
    dialog.load()
    dialog.smtp_context = authority.client_context()  # type: ignore[attr-defined]
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    assert dialog.set_smtp_password("wrong")
    qtbot.waitUntil(lambda: not dialog.background.busy, timeout=20_000)
    assert "refused" in dialog.message.text() and "wrong" not in dialog.message.text()
    config = smtp.smtp_config(store.settings())
    assert config is not None and smtp.smtp_password(config) is None
    assert dialog.set_smtp_password(PASSWORD)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert smtp.smtp_password(config) == PASSWORD
    assert told == ["The mail server accepted the password."]


def test_the_window_gets_a_settings_action(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMainWindow

    from followthrough.ui.settings.action import attach

    window = QMainWindow()
    qtbot.addWidget(window)
    saved: list[bool] = []
    shown: list[SettingsDialog] = []

    def fake_exec(self: SettingsDialog) -> int:
        shown.append(self)
        name = self.fields["my-name"]
        assert isinstance(name, QLineEdit)
        name.setText("Sam Doe")
        self._ok()
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    action = attach(window, store, lambda: saved.append(True))
    assert "Ctrl+," in [k.toString() for k in action.shortcuts()]
    action.trigger()
    assert shown and saved == [True] and store.settings().my_name == "Sam Doe"


def test_the_recipients_hours_and_spreading_are_set_here(
    dialog: SettingsDialog, store: Store
) -> None:
    their_start, their_end = field(dialog, "recipient-start"), field(dialog, "recipient-end")
    spread = field(dialog, "spread-steps")
    assert isinstance(their_start, QTimeEdit) and isinstance(their_end, QTimeEdit)
    assert isinstance(spread, QCheckBox)
    assert (their_start.time(), their_end.time(), spread.isChecked()) == (
        QTime(9, 0), QTime(17, 0), True
    )
    their_start.setTime(QTime(10, 0))
    their_end.setTime(QTime(8, 0))
    assert not dialog.apply() and "must end after it starts" in dialog.message.text()
    assert store.settings().recipient_start == time(9, 0)  # nothing saved
    their_end.setTime(QTime(16, 30))
    spread.setChecked(False)
    assert dialog.apply() and dialog.message.isHidden()
    settings = store.settings()
    assert (settings.recipient_start, settings.recipient_end) == (time(10, 0), time(16, 30))
    assert settings.spread_steps is False

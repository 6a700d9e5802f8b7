"""Settings in words: countries and regions by their names (found by typing part of one),
hints that name the dialog's fields (never a command-line flag), a failed account check that
keeps what was typed, and a problem that goes as soon as it is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
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


def _combo(dialog: SettingsDialog, key: str) -> QComboBox:
    found = dialog.fields[key]
    assert isinstance(found, QComboBox)
    return found


def test_countries_and_regions_are_shown_by_name(dialog: SettingsDialog, store: Store) -> None:
    country, region = _combo(dialog, "country"), _combo(dialog, "subdivision")
    texts = [country.itemText(i) for i in range(1, country.count())]
    assert "United States" in texts and "Germany" in texts and "South Africa" in texts
    assert not any(len(text) <= 3 and text.isupper() for text in texts)  # no bare codes
    assert texts == sorted(texts)
    country.setCurrentIndex(country.findData("US"))
    assert country.currentText() == "United States"
    regions = [region.itemText(i) for i in range(region.count())]
    assert "California" in regions and "New York" in regions and "CA" not in regions
    region.setCurrentIndex(region.findText("California"))
    assert dialog.apply()
    assert (store.settings().country, store.settings().subdivision) == ("US", "CA")


def test_a_country_is_found_by_typing_part_of_its_name(
    qtbot: QtBot, dialog: SettingsDialog, store: Store
) -> None:
    country = _combo(dialog, "country")
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    country.setFocus()
    line = country.lineEdit()
    assert isinstance(line, QLineEdit)
    line.selectAll()
    QTest.keyClicks(line, "zealand")
    completer = country.completer()
    assert completer.completionCount() >= 1
    assert completer.currentCompletion() == "New Zealand"
    line.setText("new zealand")
    line.editingFinished.emit()
    assert country.currentData() == "NZ" and country.currentText() == "New Zealand"
    line.setText("Atlantis")  # names no country: back to the one chosen
    line.editingFinished.emit()
    assert country.currentData() == "NZ" and country.currentText() == "New Zealand"
    assert dialog.values()["country"] == "NZ"
    assert dialog.apply() and store.settings().country == "NZ"


def test_hints_name_the_fields_never_a_command_line_flag(
    qtbot: QtBot, dialog: SettingsDialog
) -> None:
    from followthrough.sync.presets import PRESETS
    from followthrough.ui.settings.account_form import AccountForm, NewAccount

    form = AccountForm(dialog)
    qtbot.addWidget(form)
    for index in range(form.preset.count()):
        form.preset.setCurrentIndex(index)
        assert "--" not in form.note.text(), form.preset.currentText()
    assert len(PRESETS) + 1 == form.preset.count()
    # The problems the sync layer words for both the command line and the window.
    assert not dialog.add_account(NewAccount("home", "", "", "sam", "secret"))
    said = dialog.message.text()
    assert said.startswith("Give the server's address") and "Server address" in said
    assert "--" not in said
    assert not dialog.add_account(NewAccount("home", "", "https://dav.example.org", "", "x"))
    assert "User name" in dialog.message.text() and "--" not in dialog.message.text()


def test_a_failed_account_check_keeps_everything_typed_and_says_what_to_fix(
    qtbot: QtBot, dialog: SettingsDialog, monkeypatch: pytest.MonkeyPatch,
    memory_keyring: object,
) -> None:  # fmt: skip
    import socket

    from followthrough.ui.settings.account_form import AccountForm

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    typed = {"name": "work", "url": f"http://127.0.0.1:{port}/dav/", "username": "sam",
             "secret": "s3cret!"}  # fmt: skip
    forms: list[dict[str, str]] = []

    def exec_(form: AccountForm) -> int:
        forms.append({
            "name": form.name.text(), "url": form.url.text(), "username": form.username.text(),
            "secret": form.secret.text(), "problem": form.problem.text(),
            "focus": next(k for k in ("name", "url", "username", "secret")
                          if getattr(form, k) is form.field_to_fix(form.problem.text())),
        })  # fmt: skip
        if len(forms) > 1:
            return AccountForm.DialogCode.Rejected
        for key, text in typed.items():
            getattr(form, key).setText(text)
        return AccountForm.DialogCode.Accepted

    monkeypatch.setattr(AccountForm, "exec", exec_)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: len(forms) == 2, timeout=20_000)
    again = forms[1]
    assert {k: again[k] for k in typed} == typed  # nothing typed is lost, the password kept
    assert again["problem"] and "--" not in again["problem"]
    assert again["focus"] == "url"  # nothing answers at that address: the address to fix


def test_an_error_mark_goes_as_soon_as_the_field_is_fixed(
    dialog: SettingsDialog, store: Store
) -> None:
    email = dialog.fields["my-email"]
    assert isinstance(email, QLineEdit)
    email.setText("not an address")
    assert not dialog.apply()
    assert not dialog.message.isHidden()
    assert "b3261e" in email.styleSheet() and "not an address" in email.toolTip()
    email.setText("sam@example")  # still wrong: still marked, the message says why
    assert "b3261e" in email.styleSheet() and not dialog.message.isHidden()
    assert "sam@example" in dialog.message.text()
    email.setText("sam@example.com")  # fixed: mark and message gone before any Apply
    assert email.styleSheet() == "" and email.toolTip() == ""
    assert dialog.message.isHidden()
    assert store.settings().my_email == ""  # nothing saved until Apply or OK

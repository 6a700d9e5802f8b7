"""The Help menu (every keyboard shortcut, About) and the window's keyboard: where the focus
starts, Delete (with Undo)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from calendar_data import add_interview, make_store
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from window_helpers import clocked_window

from followthrough.store import Store
from followthrough.ui.help_menu import ShortcutsDialog


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    yield store
    store.close()


_window = clocked_window


def _text(key: QKeySequence | QKeySequence.StandardKey | str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def test_help_lists_every_shortcut_and_about(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followthrough.ui.sync_controller import SyncController, attach

    window = _window(qtbot, store)
    syncer = SyncController(store, window)
    attach(window, syncer)  # a menu added after Help: Help stays the last one
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert menus[-1].title() == "&Help"
    texts = [a.text() for a in menus[-1].actions()]
    assert texts == ["&Keyboard shortcuts", "&About Followthrough"]
    keys_action = menus[-1].actions()[0]
    assert keys_action.shortcut() == QKeySequence(Qt.Key.Key_F1)
    keys_action.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    rows = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    listed = {keys for keys, _what in rows}
    # Every action's shortcut, the ones added after the menu (Sync) included.
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            assert any(_text(key) in keys for keys in listed), action.text()
    assert ("Ctrl+Shift+S", "Sync now") in rows
    assert (_text(QKeySequence.StandardKey.Delete), "Delete interview") in rows
    assert any(keys.startswith("Alt+Left") for keys in listed)
    assert any(keys.startswith("Alt+Up") for keys in listed)
    assert any(keys == "Enter" for keys in listed)
    assert not any("&" in what.replace("&&", "") for _keys, what in rows)
    dialog.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: shown.append(text))
    menus[-1].actions()[1].trigger()
    (about,) = shown
    assert about.startswith("Followthrough 0.") and "follow-ups" in about
    syncer.shutdown()


def test_the_first_focus_lands_in_the_calendar(qtbot: QtBot, store: Store) -> None:
    add_interview(store)
    window = _window(qtbot, store)
    focused = window.focusWidget()
    assert focused is window.calendar.focusProxy() or window.calendar.isAncestorOf(focused)


def test_on_the_first_run_the_focus_is_on_add_an_interview(qtbot: QtBot, store: Store) -> None:
    window = _window(qtbot, store)
    assert window.focusWidget() is window.empty_state.add_button


def test_delete_deletes_the_selected_interview_and_undo_brings_it_back(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.calendar.select_event("interview", interview.id)
    window.calendar.setFocus()
    QTest.keyClick(window.calendar.focusProxy(), Qt.Key.Key_Delete)
    assert store.interviews() == []
    assert "Deleted the interview at Acme" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    (back,) = store.interviews()
    assert back.id == interview.id

"""Shared by the message editor's tests: editors opened as the window opens them.

Imported as `from editor_helpers import ...` (pytest puts tests/ui on sys.path).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import shiboken6
from pytestqt.qtbot import QtBot

from followthrough.store import Store, open_store
from followthrough.ui.editor.window import MessageEditor

Open = Callable[..., MessageEditor]


def johannesburg_store(folder: Path) -> Store:
    """The editor tests' store: the user, Sam Park, lives in Johannesburg (South Africa)."""
    opened, _ = open_store(folder)
    for key, value in (("timezone", "Africa/Johannesburg"), ("country", "ZA"),
                       ("my-name", "Sam Park")):  # fmt: skip
        opened.set_setting(key, value)
    return opened


def editor_opener(qtbot: QtBot, store: Store) -> Iterator[Open]:
    """For a fixture to yield from: opens editors (on `store`, or the store given), and closes
    the ones still open after the test."""
    opened: list[MessageEditor] = []

    def open_(step_id: str, on: Store | None = None) -> MessageEditor:
        editor = MessageEditor.open(on or store, step_id)
        opened.append(editor)
        qtbot.waitExposed(editor)
        return editor

    yield open_
    for editor in opened:
        if shiboken6.isValid(editor):
            editor.close()

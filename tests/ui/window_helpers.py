"""Shared by the UI tests that drive the main window: the window, shown, on a given store.

Imported as `from window_helpers import ...` (pytest puts tests/ui on sys.path).
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from followthrough.store import Store
from followthrough.ui.main_window import MainWindow


def clocked_window(qtbot: QtBot, store: Store) -> MainWindow:
    """The main window on `store`, its clock on calendar_data's day, shown and exposed."""
    from calendar_data import clock

    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def shown_window(qtbot: QtBot, store: Store) -> MainWindow:
    """The main window on `store`, shown; qtbot closes it after the test."""
    window = MainWindow(store, [])
    qtbot.addWidget(window)
    window.show()
    return window

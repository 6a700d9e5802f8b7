"""The window opens as it was left: size, panels, the chosen view (per data folder and per
screen configuration)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from window_helpers import shown_window

from followthrough.store import Store
from followthrough.ui.calendar.widget import MONTH, WEEK
from followthrough.ui.window_memory import FILE
from one_interview import store_with_acme


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with store_with_acme(tmp_path / "data") as opened:
        yield opened


def test_size_panels_and_view_are_remembered(qtbot: QtBot, store: Store) -> None:
    first = shown_window(qtbot, store)
    assert first.calendar.current_view == MONTH and first.side_dock.isVisible()
    first.removeDockWidget(first.detail_dock)  # the panels side by side again, as a user may
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.detail_dock)
    first.detail_dock.show()
    assert first.detail_dock.isVisible()
    first.resize(700, 520)  # within the offscreen screen (800x600): kept on screen
    size = (first.width(), first.height())
    assert size != (1280, 760)
    first.calendar.set_view(WEEK)
    first.detail_dock.hide()
    first.close()
    assert (store.path.parent / FILE).is_file()

    again = shown_window(qtbot, store)
    assert (again.width(), again.height()) == size
    assert again.calendar.current_view == WEEK
    assert not again.detail_dock.isVisible() and again.side_dock.isVisible()


def test_a_new_data_folder_opens_the_default_way_on_the_screen(
    qtbot: QtBot, store: Store
) -> None:
    window = shown_window(qtbot, store)
    assert window.calendar.current_view == MONTH
    free = window.screen().availableGeometry()  # offscreen: 800x600, less than 1280x760
    assert window.width() <= free.width() and window.height() <= free.height()
    assert (window.width(), window.height()) != (1280, 760)
    assert free.contains(window.geometry().center())


def test_a_window_not_shown_yet_keeps_room_for_its_title_bar(qtbot: QtBot) -> None:
    """Before it is shown a window has no frame: fitted to the screen's free area as if it had
    none, its title bar pushed the status bar off a 1024x700 screen."""
    from PySide6.QtWidgets import QWidget

    from followthrough.ui.window_memory import FRAME_GUESS, fit_and_centre

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(3000, 2000)
    free = fit_and_centre(widget)
    assert free is not None
    assert widget.width() <= free.width() - FRAME_GUESS[0]
    assert widget.height() <= free.height() - FRAME_GUESS[1]
    assert free.contains(widget.geometry())


def test_a_damaged_memory_is_ignored(qtbot: QtBot, store: Store) -> None:
    (store.path.parent / FILE).write_bytes(b"\x00\xff not settings [[[ view=nonsense")
    window = shown_window(qtbot, store)
    assert window.calendar.current_view == MONTH

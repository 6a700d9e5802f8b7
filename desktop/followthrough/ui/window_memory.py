"""The window as the user left it: its size and place, its panels, the chosen view.

Kept in the data folder (`window.ini`, beside the store, so that each data folder opens as it
was left) and per screen configuration: a laptop opens its own way on its own screen and its
own way docked to a monitor, and a place on a screen that is gone is never restored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

FILE = "window.ini"


def _screens() -> str:
    """A name for the screens as they are now: each one's geometry, in order."""
    parts = []
    for screen in QGuiApplication.screens():
        box = screen.geometry()
        parts.append(f"{box.width()}x{box.height()}+{box.x()}+{box.y()}")
    return "_".join(parts) or "none"


def _settings(window: Any) -> QSettings:
    return QSettings(str(window.store.path.parent / FILE), QSettings.Format.IniFormat)


def restore(window: Any, views: tuple[str, ...]) -> None:
    """Give `window` (a MainWindow) the size, place, panels and view it was closed with."""
    settings = _settings(window)
    settings.beginGroup(_screens())
    geometry = settings.value("geometry")
    state = settings.value("state")
    settings.endGroup()
    if geometry is None or not window.restoreGeometry(geometry):
        _fit_on_screen(window)
    if state is not None:
        window.restoreState(state)
    view = settings.value("view")
    if isinstance(view, str) and view in views and view != window.calendar.current_view:
        window.calendar.set_view(view)


def _fit_on_screen(window: Any) -> None:
    """The window's first size, but never larger than the screen's free area, centred on it
    (a 1024x700 laptop screen shows all of a window made for 1280x760)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    window.resize(min(window.width(), free.width()), min(window.height(), free.height()))
    frame = window.frameGeometry()
    frame.moveCenter(free.center())
    window.move(frame.topLeft())


def save(window: Any) -> None:
    """Remember `window`'s size, place, panels (per screen configuration) and view."""
    settings = _settings(window)
    settings.beginGroup(_screens())
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("state", window.saveState())
    settings.endGroup()
    settings.setValue("view", window.calendar.current_view)
    settings.sync()

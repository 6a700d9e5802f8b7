"""The window as the user left it: its size and place, its panels, the chosen view.

Kept in the data folder (`window.ini`, beside the store, so that each data folder opens as it
was left) and per screen configuration: a laptop opens its own way on its own screen and its
own way docked to a monitor, and a place on a screen that is gone is never restored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FILE = "window.ini"
NARROW = 1280  # px: on a screen narrower than this the two panels share the left side, as tabs
# A window not shown yet has no frame: its title bar and borders are taken to be this wide and
# tall (px) until the window manager says (a 1024x700 screen then shows the status bar too).
FRAME_GUESS = (16, 48)


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


def fit_and_centre(window: QWidget, centre: QPoint | None = None) -> QRect | None:
    """Make `window` no larger than its screen's free area, centred on `centre` (by default
    the screen's centre) and wholly on that screen; return that free area (None: no screen)."""
    screen = (QGuiApplication.screenAt(centre) if centre is not None else None) or (
        window.screen() or QGuiApplication.primaryScreen()
    )
    if screen is None:
        return None
    free = screen.availableGeometry()
    frame = window.frameGeometry()  # the title bar and borders too, once the window is shown
    extra_width, extra_height = frame.width() - window.width(), frame.height() - window.height()
    if not window.isVisible() and not (extra_width or extra_height):
        extra_width, extra_height = FRAME_GUESS
    window.resize(
        min(window.width(), free.width() - extra_width),
        min(window.height(), free.height() - extra_height),
    )
    frame = window.frameGeometry()
    frame.moveCenter(centre if centre is not None else free.center())
    x = min(max(frame.left(), free.left()), free.right() + 1 - frame.width())
    y = min(max(frame.top(), free.top()), free.bottom() + 1 - frame.height())
    window.move(x, y)
    return free


def _fit_on_screen(window: Any) -> None:
    """The window's first size, but never larger than the screen's free area, centred on it
    (a 1024x700 laptop screen shows all of a window made for 1280x760); on a narrow screen
    the overview and the details are tabs on the left, leaving the width to the calendar."""
    from followthrough.ui.first_paint import after_first_paint

    free = fit_and_centre(window)
    if free is not None and free.width() < NARROW:  # Details comes forward on a selection
        window.tabifyDockWidget(window.side_dock, window.detail_dock)
        window.side_dock.raise_()
    # Once on screen its frame is known: with a taller title bar than guessed it fits again.
    after_first_paint(window, lambda: _keep_on_screen(window))


def _keep_on_screen(window: QWidget) -> None:
    screen = window.screen()
    if screen is not None and not screen.availableGeometry().contains(window.frameGeometry()):
        fit_and_centre(window)


def save(window: Any) -> None:
    """Remember `window`'s size, place, panels (per screen configuration) and view."""
    settings = _settings(window)
    settings.beginGroup(_screens())
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("state", window.saveState())
    settings.endGroup()
    settings.setValue("view", window.calendar.current_view)
    settings.sync()

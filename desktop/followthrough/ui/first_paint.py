"""Work that waits for a window's first paint: what the user sees first comes first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A window that is never painted (never shown, no screen) still gets its work done after this.
FIRST_PAINT_TIMEOUT_MS = 10_000


def after_first_paint(window: Any, ready: Callable[[], None]) -> None:
    """Call `ready` once `window` has been painted the first time and the event loop is idle.

    The window's own paint event comes first in a paint pass, which paints its children in
    the same turn of the loop; a zero timer started then runs when that pass is over.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__(window)
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.done:
                self.finish()
            return False

        def finish(self) -> None:
            if self.done:
                return
            self.done = True
            window.removeEventFilter(self)
            QTimer.singleShot(0, ready)

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    # Tied to the watcher: a window closed before then takes the timer with it.
    QTimer.singleShot(FIRST_PAINT_TIMEOUT_MS, watcher, watcher.finish)

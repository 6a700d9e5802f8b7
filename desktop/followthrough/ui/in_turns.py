"""Work shown in parts, each in a turn of the event loop of its own.

A change saved elsewhere (another process, the window's own sync or import) can be large: an
import of a thousand interviews into an empty window fills the calendar, brings up both side
panels and swaps the first-run page for the calendar. Done at once, the reading and the repaint
of all of it held the window for over 100 ms. `InTurns` runs the parts one after another with
TURN_MS between them, so that each part is painted, and input and timers are answered, before
the next one starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

TURN_MS = 10  # between two parts: a real wait, so the event loop runs its paint and timers


class InTurns(QObject):
    """Runs a sequence of parts, one per turn; a new run replaces what is left of the last.

    A run's `done` comes a turn after its last part, or at once when the run is cancelled or
    replaced: what a run holds back (a reading off the UI thread) is always let go.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._left: list[Callable[[], None]] = []
        self._done: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TURN_MS)
        self._timer.timeout.connect(self._next)

    @property
    def busy(self) -> bool:
        """Whether parts of a run, or its `done`, are still to come."""
        return bool(self._left) or self._done is not None

    def run(
        self, parts: Sequence[Callable[[], None]], done: Callable[[], None] | None = None
    ) -> None:
        """The first part now, the others each TURN_MS after the one before, then `done`."""
        self.cancel()
        self._left = list(parts)
        self._done = done
        self._next()

    def cancel(self) -> None:
        """Drop what is left of the run (what replaces it shows everything anyway); its
        `done` now."""
        self._left = []
        self._timer.stop()
        self._finish()

    def _next(self) -> None:
        if not self._left:
            self._finish()
            return
        self._left.pop(0)()
        self._timer.start()  # the next part, or `done` a turn after the last one

    def _finish(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            done()

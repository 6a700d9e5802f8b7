"""Files and links the operating system asks the running app to open (QFileOpenEvent).

On macOS a double-clicked `.ics` file, "Open With" in Finder, or a `followthrough://` link
clicked in Calendar reaches the app as a QFileOpenEvent sent to the QApplication, not as a
command-line argument; the app's Info.plist (packaging/macos/Info.plist) declares both. The
router, installed as an event filter on the QApplication, hands each one to the main window's
`open_request`, which opens the link or imports the file like any other.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent


class FileOpenRouter(QObject):
    """Routes QFileOpenEvents (a file or a URL) to a target, e.g. `MainWindow.open_request`.

    Events that come before the window exists (macOS sends the file that launched the app
    right at start-up) wait, in order, until `set_target` names where they go.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[str] = []
        self._target: Callable[[str], None] | None = None

    def set_target(self, target: Callable[[str], None]) -> None:
        """Send the waiting items to `target`, then every later one as it comes."""
        self._target = target
        waiting, self.pending = self.pending, []
        for text in waiting:
            target(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        # A local file comes as a path; a followthrough:// link only as a URL.
        text = event.file() or event.url().toString()
        if not text:
            return False
        if self._target is None:
            self.pending.append(text)
        else:
            self._target(text)
        return True

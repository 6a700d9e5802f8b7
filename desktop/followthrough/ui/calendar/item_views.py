"""Tree and list views that open their current item on Enter, as a double-click does."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListView, QTreeView


class ActivatesOnEnter:
    """Mixed into an item view (before it): Enter on the current item emits `enter_pressed`.

    So that the keyboard opens an item as a double-click does, whatever the platform's
    `activated` says; other keys, and Enter with nothing current, go to the view.
    """

    enter_pressed = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()  # type: ignore[attr-defined]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self.enter_pressed.emit(current)
            return
        super().keyPressEvent(event)  # type: ignore[misc]


class EnterTree(ActivatesOnEnter, QTreeView):
    """A tree view that opens its current item on Enter as well as on double-click."""


class EnterList(ActivatesOnEnter, QListView):
    """A list view that opens its current item on Enter as well as on a click."""

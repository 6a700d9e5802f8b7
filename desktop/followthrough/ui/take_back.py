"""Taking a change back from the main window: Undo and Redo (Ctrl+Z, Ctrl+Shift+Z) over the
store's one undo log, which `followthrough undo` and `redo` share, so what the command line,
the message editor or this window changed is taken back the same way; and showing the
follow-ups the plan cancelled, so that one can be moved or reopened to bring it back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from followthrough.core.model import ValidationError
from followthrough.store import StoreError
from followthrough.store.changes import Change
from followthrough.ui.calendar.widget import LIST


class TakeBack:
    """Undo, Redo and Show cancelled follow-ups of MainWindow (mixed into it)."""

    def _add_undo_actions(self, menu: QMenu) -> None:
        self.undo_action = self._action(
            menu, self.tr("&Undo"), self.undo, QKeySequence.StandardKey.Undo
        )
        self.redo_action = self._action(
            menu, self.tr("&Redo"), self.redo, QKeySequence.StandardKey.Redo
        )
        keys = [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
        if QKeySequence("Ctrl+Shift+Z") not in keys:
            keys.append(QKeySequence("Ctrl+Shift+Z"))
        self.redo_action.setShortcuts(keys)
        self.undo_button.clicked.connect(self.undo)
        self.statusBar().messageChanged.connect(self._message_changed)

    def _add_show_cancelled(self, menu: QMenu) -> QAction:
        action = menu.addAction(self.tr("Show &cancelled follow-ups"))
        action.setCheckable(True)
        action.setToolTip(self.tr("Show them to move or reopen one, which brings it back"))
        action.toggled.connect(self.show_cancelled)
        self.show_cancelled_action = action
        return action

    def show_cancelled(self, show: bool) -> None:
        """Show the follow-ups the plan cancelled in the calendar and the list, or hide them."""
        self.calendar.set_show_cancelled(show)
        if LIST in self.calendar.views:  # else the List takes it when it is made
            self.plan_view.plan_model.show_cancelled = show  # read again by reload, when shown
        self.reload()

    def _update_undo(self) -> None:
        """Name what Undo and Redo would do (the log may have grown in another process)."""
        for action, change, plain, named in (
            (self.undo_action, self.store.next_undo(), self.tr("&Undo"), self.tr("&Undo {what}")),
            (self.redo_action, self.store.next_redo(), self.tr("&Redo"), self.tr("&Redo {what}")),
        ):
            action.setEnabled(change is not None)
            action.setText(named.format(what=change.what.replace("&", "&&")) if change else plain)

    def _offer_undo(self, text: str, timeout: int = 8000) -> None:
        """Say what was done, with an Undo button beside it while it is said."""
        self.statusBar().showMessage(text, timeout)
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo: {text}").format(text=text))
        self.undo_button.show()

    def _message_changed(self, text: str) -> None:
        if not text:
            self.undo_button.hide()

    def undo(self) -> None:
        self._take_back(self.store.undo, self.tr("Undone: {what}."))

    def redo(self) -> None:
        self._take_back(self.store.redo, self.tr("Redone: {what}."))

    def _take_back(self, step: Callable[[], Change], done: str) -> None:
        self.undo_button.hide()
        try:
            change = step()
        except (ValidationError, StoreError) as error:
            self.reload()
            self._warn(self.tr("Nothing was changed"), str(error))
            return
        self.cache.refresh()
        moved_to = ""
        if self._selected_event() is None:  # what was selected went with the change
            self._selected = ("interview", change.interview_id)
            moved_to = change.interview_id
            if self._selected_event() is None:  # the interview too
                self._selected, moved_to = ("", ""), ""
        self.reload(refresh=False)
        if moved_to:
            self.calendar.select_event("interview", moved_to)
        self.statusBar().showMessage(done.format(what=change.what), 8000)

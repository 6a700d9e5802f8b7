"""The interviews, from the main window: add one (or a sample to explore), edit one (its
follow-ups are planned again), delete one (Undo brings it back, see take_back); Delete with
one of its follow-ups selected asks first, offering to skip only that follow-up."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog

from followthrough.core.model import ValidationError
from followthrough.store import StoreError


class InterviewActions:
    """New, edit and delete of MainWindow (mixed into it)."""

    def new_interview(self) -> None:
        from followthrough.ui.interview_dialog import InterviewDialog

        dialog = InterviewDialog.for_store(self.store, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._add_interview(dialog.interview())

    def _add_interview(self, interview: Any) -> None:
        try:
            added = self.store.add_interview(interview)
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not added"), str(error))
            return
        self._show_added(added)

    def _show_added(self, interview: Any) -> None:
        self._selected = ("interview", interview.id)
        self.reload()
        self.calendar.select_event("interview", interview.id)
        self.side_panel.select_interview(interview.id)
        self.statusBar().showMessage(
            self.tr("Added the interview at {company} and its follow-ups.").format(
                company=interview.company
            ),
            8000,
        )

    def add_sample(self) -> None:
        from followthrough.ui.samples import add_sample_interview

        self._show_added(add_sample_interview(self.store, self.cache.now()))

    def edit_interview(self, interview_id: str) -> None:
        from followthrough.ui.interview_dialog import InterviewDialog

        if not interview_id:
            return
        try:
            interview = self.store.interview(interview_id)
        except ValidationError as error:
            self._warn(self.tr("Interview not found"), str(error))
            return
        dialog = InterviewDialog.for_store(self.store, interview, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.store.update_interview(dialog.interview())
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not saved"), str(error))
            return
        self.reload()
        self._offer_undo(self.tr("Saved; its follow-ups were planned again."))

    def delete_selected(self) -> None:
        """Edit > Delete interview (the Delete key): the selected interview at once, Undo
        bringing it back. With one of its follow-ups selected the user may mean only that
        one, so it asks first: delete the whole interview, skip the follow-up, or cancel."""
        event = self._selected_event()
        if event is None:
            return
        if not event.is_step:
            self.delete_interview(event.interview_id)
            return
        answer = self._ask_delete_from_step(event)
        if answer == "delete":
            self.delete_interview(event.interview_id)
        elif answer == "skip":
            self.skip_step(event.id)  # undoable, as from the Follow-up menu

    def _ask_delete_from_step(self, event: Any) -> str:
        """"delete", "skip" (the follow-up `event` only) or "" (cancelled, the default)."""
        from PySide6.QtWidgets import QMessageBox

        try:
            company = self.store.interview(event.interview_id).company
            count = len(self.store.steps(event.interview_id))
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not deleted"), str(error))
            return ""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete the interview?"),
                          self.tr("Delete the whole interview at {company} and its {n} "
                                  "follow-ups?").format(company=company, n=count)
                          if count != 1 else
                          self.tr("Delete the whole interview at {company} and its "
                                  "follow-up?").format(company=company),
                          QMessageBox.StandardButton.NoButton, self)
        delete = box.addButton(self.tr("Delete interview"), QMessageBox.ButtonRole.DestructiveRole)
        skip = None
        if event.status.open:
            box.setInformativeText(self.tr("To drop only this follow-up, skip it."))
            skip = box.addButton(self.tr("Skip this follow-up"), QMessageBox.ButtonRole.ActionRole)
        else:  # done, skipped or cancelled already: only the interview is left to delete
            box.setInformativeText(self.tr("Undo brings the interview back."))
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is delete:
            return "delete"
        return "skip" if skip is not None and clicked is skip else ""

    def delete_interview(self, interview_id: str) -> None:
        """Delete an interview and its plan; Undo (Ctrl+Z) brings both back."""
        if not interview_id:
            return
        try:
            company = self.store.interview(interview_id).company
            self.store.delete_interview(interview_id)
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not deleted"), str(error))
            return
        self._selected = ("", "")
        self.reload()
        self._offer_undo(
            self.tr("Deleted the interview at {company}.").format(company=company), 0
        )

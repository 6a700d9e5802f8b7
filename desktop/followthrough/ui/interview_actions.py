"""The interviews, from the main window: add one (or a sample to explore), edit one (its
follow-ups are planned again), delete one (Undo brings it back, see take_back)."""

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

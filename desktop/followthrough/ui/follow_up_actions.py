"""What the user records from the main window about a follow-up or its interview: skip,
reopen or move a step; log a reply, a delay or the outcome. Each goes through the store,
which re-plans; a problem is told in the window's banner, never raised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QDialog

from followthrough.core.model import Activity, ActivityKind, ValidationError
from followthrough.store import StoreError
from followthrough.ui.detail_panel import DelayDialog, MoveDialog, OutcomeDialog


class FollowUpActions:
    """The Follow-up menu's records of MainWindow (mixed into it), but opening the message and
    Mark done, which go through the editor."""

    def _now(self) -> datetime:
        """When something is recorded: the wall clock, as the editor records it too."""
        return datetime.now(self.cache.tz).replace(microsecond=0)

    def _record(self, interview_id: str, activity: Activity, done: str) -> bool:
        """Log what happened, re-plan, show it; a problem is told, not raised."""
        try:
            self.store.record(interview_id, activity)
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("That change was not saved"), str(error))
            return False
        self.reload()
        self.statusBar().showMessage(done, 8000)
        return True

    def _step(self, step_id: str) -> Any:
        try:
            return self.store.step(step_id).step
        except ValidationError as error:
            self._warn(self.tr("Follow-up not found"), str(error))
            return None

    def skip_step(self, step_id: str) -> None:
        step = self._step(step_id)
        if step is not None:
            self._record(step.interview_id, Activity(ActivityKind.SKIP, self._now(), step=step.key),
                         self.tr("Skipped: {title}.").format(title=step.title))

    def reopen_step(self, step_id: str) -> None:
        step = self._step(step_id)
        if step is not None:
            self._record(step.interview_id,
                         Activity(ActivityKind.REOPEN, self._now(), step=step.key),
                         self.tr("Reopened: {title}.").format(title=step.title))

    def move_step(self, step_id: str, start: datetime) -> None:
        """The user dragged a step (or moved it with Alt+arrows): its time is theirs now."""
        step = self._step(step_id)
        if step is None:
            return
        local = start.astimezone(self.cache.tz)
        if self._record(
            step.interview_id,
            Activity(ActivityKind.MOVE, self._now(), step=step.key, to=start),
            self.tr("Moved {title} to {when}.").format(
                title=step.title, when=local.strftime("%a %d %b %H:%M")
            ),
        ):
            self._selected = ("step", step_id)
            self.calendar.select_event("step", step_id)
            self.detail_panel.show_item("step", step_id)

    def ask_move(self, step_id: str) -> None:
        """Move a step by typing its new time (the keyboard's way besides Alt+arrows)."""
        step = self._step(step_id)
        if step is None:
            return
        dialog = MoveDialog(step.start.astimezone(self.cache.tz), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.move_step(step_id, dialog.start())

    def log_reply(self, interview_id: str) -> None:
        if not interview_id:
            return
        before = self.cache.open_steps(interview_id)
        if self._record(interview_id, Activity(ActivityKind.REPLY, self._now()),
                        self.tr("Reply logged.")):
            cancelled = before - self.cache.open_steps(interview_id)
            if cancelled > 0:
                self.statusBar().showMessage(
                    self.tr("Reply logged: {n} follow-ups no longer needed.").format(n=cancelled),
                    8000,
                )

    def log_delay(self, interview_id: str) -> None:
        if not interview_id:
            return
        interview = self.store.interview(interview_id)
        earliest = max(self.cache.today(), interview.start.astimezone(self.cache.tz).date())
        dialog = DelayDialog(earliest, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            activity = dialog.activity(self._now())
            self._record(interview_id, activity, self.tr("Delay logged: decision by {day}.").format(
                day=activity.until.isoformat() if activity.until else ""
            ))

    def log_outcome(self, interview_id: str) -> None:
        if not interview_id:
            return
        dialog = OutcomeDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._record(interview_id, dialog.activity(self._now()), self.tr("Outcome logged."))

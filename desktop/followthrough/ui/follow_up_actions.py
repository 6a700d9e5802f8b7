"""What the user records from the main window about a follow-up or its interview: skip,
reopen or move a step (a cancelled one too, which brings it back); log a reply (what it said:
an answer, a next round, a new date, an offer or a rejection), a delay or the outcome; reopen
an interview the employer cancelled. Each goes through the store, which re-plans and keeps it
for Undo; a problem is told in the window's banner, never raised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QDialog

from followthrough.core.actions import NEXT_ROUND, decision_change, placement_note
from followthrough.core.model import Activity, ActivityKind, ValidationError
from followthrough.store import StoreError
from followthrough.ui.date_fields import shown_day, shown_moment
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
        self._offer_undo(done)
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
        from followthrough.core.workdays import WorkCalendar

        local = start.astimezone(self.cache.tz)
        when = shown_moment(local)  # the window's one form: "Thu 3 Dec 16:00"
        # Allowed, but said: a weekend, a public holiday, outside working hours.
        note = placement_note(start, start + (step.end - step.start),
                              WorkCalendar(self.store.settings()))
        if self._record(
            step.interview_id,
            Activity(ActivityKind.MOVE, self._now(), step=step.key, to=start),
            self.tr("Moved {title} to {when}, {note}.").format(title=step.title, when=when,
                                                              note=note)
            if note else self.tr("Moved {title} to {when}.").format(title=step.title, when=when),
        ):
            self._selected = ("step", step_id)
            self.calendar.select_event("step", step_id)
            self.detail_panel.show_item("step", step_id)

    def ask_move(self, step_id: str) -> None:
        """Move a step by typing its new time (the keyboard's way besides Alt+arrows)."""
        step = self._step(step_id)
        if step is None:
            return
        earliest = self.store.interview(step.interview_id).end  # nothing before it
        dialog = MoveDialog(step.start.astimezone(self.cache.tz), self, earliest)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.move_step(step_id, dialog.start())

    def log_reply(self, interview_id: str) -> None:
        """Ask when they answered, what they said and which it was; record it as such."""
        from followthrough.ui.reply_dialog import ReplyDialog

        if not interview_id:
            return
        interview = self.store.interview(interview_id)
        dialog = ReplyDialog(interview, self.store.activities(interview_id), self._now(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        activity = dialog.activity()
        before = self.cache.open_steps(interview_id)
        if activity.kind is ActivityKind.DELAY:
            self._record(interview_id, activity, self._delay_logged(interview_id, activity))
        elif activity.kind is ActivityKind.OUTCOME:
            self._record(interview_id, activity, self.tr("Outcome logged."))
        elif activity.how == NEXT_ROUND and activity.until is not None:
            self.next_round_logged(interview_id, activity)
        elif self._record(interview_id, activity, self.tr("Reply logged.")):
            cancelled = before - self.cache.open_steps(interview_id)
            if cancelled > 0:
                self._offer_undo(
                    self.tr("Reply logged: {n} follow-ups no longer needed.").format(n=cancelled)
                )

    def next_round_logged(self, interview_id: str, reply: Activity) -> None:
        """They announced another round on `reply.until`: the reply is recorded (it stops this
        round's chasers) and the application's next round is added on that day, at this
        round's time of day, with its own follow-ups; one Undo takes back both. The new
        round is selected, to be edited (its time, its interviewers)."""
        try:
            upcoming = self.store.add_next_round(interview_id, reply)
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The next round was not added"), str(error))
            return
        self._selected = ("interview", upcoming.id)
        self.reload()
        self.calendar.select_event("interview", upcoming.id)
        self.side_panel.select_interview(upcoming.id)
        self._offer_undo(
            self.tr("Reply logged: round {n} added on {day}; edit it to set its time.").format(
                n=upcoming.round,
                day=shown_day(upcoming.start.date()),
            )
        )

    def _delay_logged(self, interview_id: str, delay: Activity) -> str:
        """"Delay logged: decision now by 8 Jan, was 16 Dec." (as it will be once recorded)."""
        interview = self.store.interview(interview_id)
        decided, was = decision_change(interview, [*self.store.activities(interview_id), delay])
        day = shown_day(decided or delay.until or self._now().date())
        if was is None:
            return self.tr("Delay logged: decision now by {day}.").format(day=day)
        return self.tr("Delay logged: decision now by {day}, was {was}.").format(
            day=day, was=shown_day(was)
        )

    def log_delay(self, interview_id: str) -> None:
        if not interview_id:
            return
        interview = self.store.interview(interview_id)
        earliest = max(self.cache.today(), interview.start.astimezone(self.cache.tz).date())
        dialog = DelayDialog(earliest, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            activity = dialog.activity(self._now())
            self._record(interview_id, activity, self._delay_logged(interview_id, activity))

    def reopen_interview(self, interview_id: str) -> None:
        """Take back the employer's cancellation: the interview's follow-ups are planned again
        (closing it instead is logging an outcome)."""
        if not interview_id:
            return
        try:
            self.store.reopen_cancelled(interview_id, self._now())
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not reopened"), str(error))
            return
        self.reload()
        self.statusBar().showMessage(
            self.tr("Reopened the interview: its follow-ups are planned again."), 8000
        )

    def log_outcome(self, interview_id: str) -> None:
        if not interview_id:
            return
        dialog = OutcomeDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._record(interview_id, dialog.activity(self._now()), self.tr("Outcome logged."))

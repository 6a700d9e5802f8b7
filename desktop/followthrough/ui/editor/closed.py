"""A step no longer to do (done, skipped or cancelled), as the editor shows it: read-only, with
what was sent (the text `finish_step` kept, read as the details panel reads it), when and how it
was done or why it was not, and where to reopen it. Nothing in the window acts on it again but
Copy; Reopen is the main window's (Follow-up > Reopen, the details, the list's menu)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from followthrough.core.model import StepStatus
from followthrough.core.shown_dates import day_time


class ClosedStep:
    """The read-only face of MessageEditor (mixed into it) for a step that is not planned."""

    def closed(self) -> bool:
        """Whether the step is done, skipped or cancelled: nothing is to be sent or recorded."""
        return self.step.status is not StepStatus.PLANNED

    def closed_sentence(self) -> str:
        """"Sent by email on Thu 3 Dec 2026, 09:12 (SMTP)." or why it was not done, then where
        to reopen it."""
        from followthrough.ui.history import done_text

        step = self.step
        if step.status is StepStatus.DONE:
            # A done step's start is when it was done (the planner puts it there).
            text = done_text(step.done_how, day_time(step.start.astimezone(self._zone())))
            return " ".join(part for part in (
                text[:1].upper() + text[1:] + ".",
                self.tr("Below is what was sent.") if self.body() else "",
                self.tr("To send it again, reopen it in the main window: Follow-up > Reopen, "
                        "or Reopen in the details."),
            ) if part)
        status = (self.tr("Skipped.") if step.status is StepStatus.SKIPPED
                  else self.tr("Cancelled."))
        reason = step.status_reason.strip()
        if reason and not reason.endswith("."):
            reason += "."
        return " ".join(part for part in (
            status,
            reason,
            self.tr("Nothing is sent for it. To write it after all, reopen it in the main "
                    "window: Follow-up > Reopen, or Reopen in the details."),
        ) if part)

    def _show_read_only(self) -> None:
        """No typing, no saving, and no button that would send or record it again: Copy and
        Close stay."""
        self._finished = True  # nothing autosaves over what was sent
        self._save_timer.stop()
        for edit in (self.to_name_edit, self.to_address_edit, self.subject_edit, self.body_edit):
            edit.setReadOnly(True)
        keep = {self.close_button, getattr(self, "copy_button", None)}
        for button in self.findChildren(QPushButton):
            if button not in keep:
                button.setEnabled(False)
                button.hide()
        after_call = getattr(self, "after_call_label", None)
        if after_call is not None:
            after_call.hide()
        for widget in (self.missing_title, self.missing_label, self.hints_title,
                       self.hints_label, self.template_label):
            widget.hide()  # what the template still asks for: nothing is to be written
        self.side_scroll.hide()  # all it holds is that: the text takes the whole width
        self.primary_button = getattr(self, "copy_button", None) or self.close_button
        self.primary_button.setDefault(True)
        if self.step.status is StepStatus.DONE and not self.body():
            self.body_edit.setPlaceholderText(
                self.tr("It was marked done without its text: nothing of what was sent is kept.")
            )

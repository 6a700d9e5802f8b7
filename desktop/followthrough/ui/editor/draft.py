"""The editor's text: the user's saved draft, else the step's template; autosaved as they
type (never kept unsaved for long), reset to the template on request, and read back as the
message (subject, body, the markers left, the email)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtGui import QTextCursor

from followthrough.core.messages import Draft
from followthrough.core.model import StepChannel, StepStatus, ValidationError
from followthrough.store import StoreError
from followthrough.store.drafts import (
    discard_draft,
    load_draft,
    save_draft,
    step_draft,
    templates_for,
)
from followthrough.ui.date_fields import shown_moment
from followthrough.ui.editor.placeholders import MARKER_RE

AUTOSAVE_MS = 300  # a pause in typing this long saves the draft
AUTOSAVE_MAX_MS = 600  # and typing never keeps unsaved text longer than this


class DraftText:
    """The text part of MessageEditor (mixed into it): load, read, autosave and reset."""

    def _template_draft(self) -> tuple[Draft, str]:
        try:
            return step_draft(self.store, self.step, templates_for(self.store)), ""
        except ValidationError as error:  # a broken or missing template: the user can write
            empty = Draft(
                subject="",
                body="",
                channel=self.step.channel,
                to_name=self.interview.interviewers[0].name if self.interview.interviewers else "",
                to_address="",
                missing=(str(error),),
                hints=(),
                template_path=Path(),
            )
            return empty, str(error)

    def _load_text(self) -> None:
        saved = None
        try:
            saved = load_draft(self.store, self.step.id)
        except sqlite3.Error as error:
            self.show_error(self.tr("Your saved draft could not be read: {e}").format(e=error))
        self._loading = True
        try:
            self.to_name_edit.setText(self.draft.to_name)
            self.to_address_edit.setText(self.draft.to_address)
            if saved is not None:
                self.subject_edit.setText(saved.subject)
                self.body_edit.setPlainText(saved.body)
                when = saved.updated.astimezone(self._zone())
                self.saved_label.setText(
                    self.tr("Your draft of {when}").format(when=shown_moment(when))
                )
            elif self.step.status is StepStatus.DONE:  # done without its text: none was kept
                self.subject_edit.clear()
                self.body_edit.clear()
            else:
                self.subject_edit.setText(self.draft.subject)
                self.body_edit.setPlainText(self.draft.body)
        finally:
            self._loading = False
        self.reset_button.setEnabled(saved is not None)
        self.body_edit.moveCursor(QTextCursor.MoveOperation.Start)
        self.body_edit.setFocus()

    def subject(self) -> str:
        return self.subject_edit.text() if self.step.channel is StepChannel.EMAIL else ""

    def body(self) -> str:
        return self.body_edit.toPlainText()

    def message_text(self) -> str:
        """Subject and body as one text (the body alone for channels without a subject)."""
        subject = self.subject()
        body = self.body()
        return f"Subject: {subject}\n\n{body}" if subject else body

    def markers_left(self) -> list[str]:
        """The ``[placeholder]`` markers still in the subject or the body, in order, once each."""
        found = MARKER_RE.findall(self.subject() + "\n" + self.body())
        return list(dict.fromkeys(found))

    def _email(self, *, unsent: bool):  # -> EmailMessage
        from followthrough.compose.eml import email_message

        settings = self.store.settings()
        return email_message(
            self.to_name_edit.text(),
            self.to_address_edit.text(),
            self.subject(),
            self.body(),
            settings.my_name,
            settings.my_email,
            unsent=unsent,
        )

    # -- autosave ----------------------------------------------------------------------------

    def _text_changed(self) -> None:
        if self._loading or self._finished:
            return
        self._dirty = True
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        # Debounce, but never keep typed text unsaved longer than AUTOSAVE_MAX_MS.
        left_ms = int((self._dirty_since - now) * 1000) + AUTOSAVE_MAX_MS
        self._save_timer.start(max(0, min(AUTOSAVE_MS, left_ms)))
        self.saved_label.setText(self.tr("Editing…"))

    def save_now(self) -> bool:
        """Save the text as this step's draft now (Ctrl+S); False when it could not be."""
        self._save_timer.stop()
        if self._finished:
            return True
        if not self._dirty:
            if self.sender() is not self._save_timer:
                self.saved_label.setText(self.tr("Nothing new to save."))
            return True
        try:
            saved = save_draft(self.store, self.step.id, self.subject_edit.text(), self.body())
        except (ValidationError, StoreError, sqlite3.Error) as error:
            self.show_error(self.tr("Your text could not be saved: {e}").format(e=error))
            return False
        self._dirty = False
        self._dirty_since = None
        self.reset_button.setEnabled(True)
        self.saved_label.setText(
            self.tr("Draft saved {time}").format(
                time=saved.updated.astimezone(self._zone()).strftime("%H:%M:%S")
            )
        )
        return True

    def reset_to_template(self) -> None:
        """Replace the text with the template's draft and forget the saved one (undoable)."""
        self._save_timer.stop()
        self.draft, problem = self._template_draft()
        self._loading = True
        try:
            cursor = QTextCursor(self.body_edit.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(self.draft.body)  # one step on the undo stack
            self.subject_edit.setText(self.draft.subject)
        finally:
            self._loading = False
        try:
            discard_draft(self.store, self.step.id)
        except (StoreError, sqlite3.Error) as error:
            self.show_error(self.tr("The saved draft could not be removed: {e}").format(e=error))
        self._dirty = False
        self._dirty_since = None
        self.reset_button.setEnabled(False)
        self.saved_label.setText(self.tr("Back to the template"))
        self._update_header()
        if problem:
            self.show_error(problem)

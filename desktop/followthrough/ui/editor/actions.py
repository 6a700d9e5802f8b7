"""The ways a message leaves the editor, by channel, and the recording of the step: open it
in the mail program (``mailto:``) or as an ``.eml`` draft, copy it, call (``tel:``) and log
the call, print the card or save it as a PDF; then mark the step done."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from followthrough.core.model import (
    Activity,
    ActivityKind,
    StepChannel,
    ValidationError,
)
from followthrough.store import StoreError
from followthrough.store.drafts import finish_step
from followthrough.ui.date_fields import shown_moment
from followthrough.ui.editor.card import card_layout, paint_card, write_card_pdf

_FILE_NAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def _how_name(channel: StepChannel) -> str:
    return {
        StepChannel.EMAIL: "email",
        StepChannel.PHONE: "phone",
        StepChannel.LETTER: "letter",
        StepChannel.NETWORK: "network",
    }[channel]


class MessageActions:
    """The action buttons of MessageEditor (mixed into it), but Send (see `sending`)."""

    def _open_url(self, url: QUrl, what: str) -> bool:
        if not QDesktopServices.openUrl(url):
            self.show_error(
                self.tr("No program on this computer opens {what}; use Copy instead.").format(
                    what=what
                )
            )
            return False
        return True

    def open_in_mail_app(self) -> None:
        """Hand the message to the default mail program as a ``mailto:`` link."""
        from followthrough.core.mailto import mailto_url

        try:
            url = mailto_url(self.to_address_edit.text(), self.subject(), self.body())
        except ValueError as error:
            self.show_error(str(error))
            return
        if self._open_url(QUrl.fromEncoded(url.encode("ascii")), self.tr("mailto: links")):
            self._how = "email (mail app)"
            self.show_status(
                self.tr("Opened in your mail program. Once it is sent, click Mark as sent.")
            )

    def _default_file(self, suffix: str) -> str:
        from followthrough.ui.export_dialog import start_folder

        folder = start_folder(self.store)  # the last folder chosen, else the documents folder
        name = _FILE_NAME_UNSAFE.sub(" ", f"{self.step.title} - {self.interview.company}")
        return str(Path(folder) / f"{name.strip()[:100]}{suffix}")

    def _ask_save_path(self, caption: str, suffix: str, file_filter: str) -> Path | None:
        """A file to write, asked for in a save dialog (None if cancelled); it ends in
        `suffix` even when the user typed a name without it."""
        path, _ = QFileDialog.getSaveFileName(
            self, caption, self._default_file(suffix), file_filter
        )
        if not path:
            return None
        from followthrough.ui.export_dialog import remember_folder

        remember_folder(self.store, Path(path))
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        return target

    def save_eml(self) -> None:
        """Save the message as an ``.eml`` draft (X-Unsent: 1) and open it in the mail program."""
        from followthrough.compose.eml import write_eml

        try:
            message = self._email(unsent=True)
        except ValidationError as error:
            self.show_error(str(error))
            return
        if not self._unfinished_is_fine():
            self.show_status(self.tr("Not saved: fill in what is missing first."))
            return
        target = self._ask_save_path(
            self.tr("Save the message as a draft"), ".eml", self.tr("Email drafts (*.eml)")
        )
        if target is None:
            return
        try:
            write_eml(target, message)
        except ValidationError as error:
            self.show_error(str(error))
            return
        from followthrough.mail.state import remember_sent

        remember_sent(self.store, str(message["Message-ID"]), self.step)  # replies name it
        self._how = "email (.eml)"
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        self.show_status(
            (
                self.tr("Saved {name} and opened it in your mail program.")
                if opened
                else self.tr("Saved {name}; open it with your mail program.")
            ).format(name=target.name)
            + " "
            + self.tr("Once it is sent, click Mark as sent.")
        )

    def _unfinished_is_fine(self) -> bool:
        """Whether to go on with a draft still unfinished: the placeholders left ("[your
        name]") and a missing recipient address, asked about first; True when none is."""
        from PySide6.QtWidgets import QMessageBox

        missing = self.markers_left()
        if not self.to_address_edit.text().strip():
            missing.append(self.tr("their email address"))
        if not missing:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Save an unfinished draft?"),
            self.tr("Still to fill in: {missing}. Save the draft anyway?").format(
                missing=", ".join(missing)
            ),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Save

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.message_text())
        if self.closed():  # what was sent, copied again: nothing is left to mark
            self.show_status(self.tr("Copied."))
            return
        self._how = "copied"
        done = (
            self.tr("Mark as sent")
            if self.step.channel is StepChannel.EMAIL
            else self.tr("Mark done")
        )
        self.show_status(
            self.tr("Copied. Paste it where you send it, then click {done}.").format(done=done)
        )

    def call(self) -> None:
        from followthrough.compose.tel import tel_url

        try:
            url = tel_url(self.to_address_edit.text())
        except ValidationError as error:
            self.show_error(str(error))
            return
        if self._open_url(QUrl(url), self.tr("phone (tel:) links")):
            self.show_status(
                self.tr("Calling {number}. Afterwards, log how it went.").format(
                    number=self.to_address_edit.text().strip()
                )
            )

    def log_reached(self) -> None:
        self._finish("phone: reached")

    def log_voicemail(self) -> None:
        self._finish("phone: voicemail")

    def log_no_answer(self) -> None:
        """Nobody answered: move the call to the same time on the next working day after the
        later of now and when it was planned (a call not due yet never moves earlier)."""
        from followthrough.core.actions import retry_call
        from followthrough.core.workdays import WorkCalendar

        settings = self.store.settings()
        tz = settings.zone
        now = datetime.now(tz).replace(microsecond=0)
        to = retry_call(self.step.start, now, WorkCalendar(settings))
        try:
            self.store.record(
                self.interview.id,
                Activity(ActivityKind.MOVE, now, step=self.step.key, to=to),
                label=f"log no answer on {self.step.title}",
            )
        except (ValidationError, StoreError, sqlite3.Error) as error:
            self.show_error(str(error))
            return
        self._reload_step()
        self.step_changed.emit(self.step.id)
        self.show_status(
            self.tr(
                "No answer: the call moves to {when}, the same time on the next working day."
            ).format(when=shown_moment(self.step.start.astimezone(tz)))
        )

    def _reload_step(self) -> None:
        self.step = self.store.step(self.step.id).step
        self.interview = self.store.interview(self.step.interview_id)
        self._update_header()

    def mark_done(self) -> None:
        """Record the step as done, the way the message left, and close the window."""
        self._finish(self._how or _how_name(self.step.channel))

    def _finish(self, how: str) -> None:
        try:
            finish_step(self.store, self.step, how, sent=(self.subject(), self.body()))
        except (ValidationError, StoreError, sqlite3.Error) as error:
            self.show_error(str(error))
            return
        self._finished = True
        self._dirty = False
        self._save_timer.stop()
        self.step_changed.emit(self.step.id)
        self.close()

    def envelope(self) -> str:
        """A letter's envelope side: the recipient's name as in the To field, then the postal
        address recorded on the interview; "" without an address."""
        address = self.draft.postal_address
        if not address:
            return ""
        return "\n".join(line for line in (self.to_name_edit.text().strip(), address) if line)

    def print_card(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(card_layout())
        printer.setDocName(self.step.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print the card"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        try:
            paint_card(printer, self.body(), self.envelope())
        except ValidationError as error:
            self.show_error(str(error))
            return
        self._how = "letter (printed)"
        self.show_status(self.tr("Sent to the printer. Once it is posted, click Mark done."))

    def save_pdf(self) -> None:
        target = self._ask_save_path(
            self.tr("Save the card as a PDF"), ".pdf", self.tr("PDF files (*.pdf)")
        )
        if target is None:
            return
        try:
            write_card_pdf(target, self.body(), self.step.title, self.envelope())
        except (ValidationError, OSError) as error:
            self.show_error(str(error))
            return
        self.show_status(
            self.tr("Saved the card as {name}. Once it is posted, click Mark done.").format(
                name=target.name
            )
        )

"""Sending an email by SMTP from the editor: off the UI thread, asking for the password
when none is saved (and offering to keep the one typed), the window busy meanwhile."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QPushButton

from followthrough.core.model import StepStatus, ValidationError
from followthrough.store.drafts import load_draft


class SendSignals(QObject):
    done = Signal(str)  # "" when sent, else the sentence that says why not


class _SendTask(QRunnable):
    """Sends one message through SMTP in a worker thread; reports by a queued signal.

    `signals` belongs to the window (a child QObject), so it lives and dies in the UI thread
    whatever becomes of this task.
    """

    def __init__(
        self, signals: SendSignals, config: object, message: object, password: str,
        timeout: float,
    ) -> None:  # fmt: skip
        super().__init__()
        self.setAutoDelete(True)
        self.signals = signals
        self._job = (config, message, password, timeout)

    def run(self) -> None:
        from followthrough.compose.smtp import send_message

        config, message, password, timeout = self._job
        self._job = (config, message, "", timeout)
        try:
            send_message(config, message, password, timeout=timeout)  # type: ignore[arg-type]
        except ValidationError as error:  # SmtpError too: one sentence, never the password
            text = str(error)  # SmtpError has no password in it; this is a second guard
            self.signals.done.emit(text.replace(password, "•••") if len(password) > 3 else text)
        except Exception as error:  # anything else is reported, not raised
            self.signals.done.emit(
                f"The message could not be sent ({type(error).__name__}); nothing was recorded."
            )
        else:
            self.signals.done.emit("")


class SmtpSending:
    """The Send button of MessageEditor (mixed into it): set up from the settings, and sending."""

    smtp_timeout = 20.0

    def _configure_send_button(self) -> None:
        assert self.send_button is not None
        try:
            config = self._smtp_config()
        except ValidationError as error:
            self.send_button.setEnabled(False)
            self.send_button.setToolTip(
                self.tr("Sending is not set up correctly: {problem}").format(problem=error)
            )
            return
        if config is None:
            self.send_button.setEnabled(False)
            self.send_button.setToolTip(
                self.tr(
                    "To send from here, give your mail server, your address and its password "
                    "in Settings > Email sending."
                )
            )
        else:
            self.send_button.setEnabled(True)
            self.send_button.setToolTip(
                self.tr("Send now through {server} as {sender}.").format(
                    server=config.describe(), sender=config.from_address
                )
            )

    def _smtp_config(self):  # -> SmtpConfig | None
        from followthrough.compose.smtp import smtp_config

        return smtp_config(self.store.settings())

    def send(self) -> None:
        """Send by SMTP in a worker thread; asks for the password when none is saved."""
        from followthrough.compose.smtp import smtp_password

        if self._sending:
            return
        try:
            config = self._smtp_config()
        except ValidationError as error:
            self.show_error(str(error))
            return
        if config is None:
            self.show_error(
                self.tr(
                    "Sending is not set up: give your mail server and address in Settings > "
                    "Email sending, or use Open in mail app."
                )
            )
            return
        left = self.markers_left()
        if left:
            self.show_error(
                self.tr("Fill in {markers} first (or delete it): it is still in the message.")
                .format(markers=", ".join(left))
            )  # fmt: skip
            return
        if not self.to_address_edit.text().strip():
            self.show_error(self.tr("Add the recipient's email address first."))
            return
        try:
            message = self._email(unsent=False)
        except ValidationError as error:
            self.show_error(str(error))
            return
        try:
            password = smtp_password(config)
        except Exception:  # a locked or broken keyring: ask instead
            password = None
        typed = False
        if not password:
            text, ok = QInputDialog.getText(
                self,
                self.tr("Mail server password"),
                self.tr("Password of {user} at {server}:").format(
                    user=config.username, server=config.describe()
                ),
                QLineEdit.EchoMode.Password,
            )
            if not ok or not text:
                self.show_status(self.tr("Not sent."))
                return
            password, typed = text, True
        self._start_sending(config, message, password, typed)

    def _start_sending(self, config: object, message: object, password: str, typed: bool) -> None:
        self._sending = True
        self._sent_id = str(message["Message-ID"])  # type: ignore[index]
        self._typed_password = (config, password) if typed else None
        self._set_busy(True)
        self.show_status(self.tr("Sending…"))
        if self._send_signals is None:
            self._send_signals = SendSignals(self)
            self._send_signals.done.connect(self._sending_done)
        task = _SendTask(self._send_signals, config, message, password, self.smtp_timeout)
        QThreadPool.globalInstance().start(task)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for button in self.findChildren(QPushButton):
            if button is not self.close_button:
                button.setEnabled(not busy)
        self.body_edit.setReadOnly(busy)
        self.subject_edit.setReadOnly(busy)
        self.to_address_edit.setReadOnly(busy)
        self.to_name_edit.setReadOnly(busy)
        if not busy:
            self.reset_button.setEnabled(load_draft(self.store, self.step.id) is not None)
            if self.send_button is not None:
                self._configure_send_button()
            self._update_header()

    def _sending_done(self, problem: str) -> None:
        typed, self._typed_password = self._typed_password, None
        self._sending = False
        self._set_busy(False)
        if problem:
            self.show_error(self.tr("Not sent: {problem}").format(problem=problem))
            return
        from followthrough.mail.state import remember_sent

        remember_sent(self.store, self._sent_id, self.step)  # a reply to it names it
        if typed is not None:
            self._offer_to_remember(*typed)
        self._how = "email (SMTP)"
        self.show_status(self.tr("Sent."))
        if self.step.status is StepStatus.PLANNED:
            self.mark_done()

    def _offer_to_remember(self, config: object, password: str) -> None:
        from followthrough.compose.smtp import save_smtp_password
        from followthrough.store.secrets import SecretStoreUnavailable, available

        if not available():
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remember the password?"),
            self.tr(
                "Keep the password in the system keyring, so Followthrough sends without asking "
                "next time?"
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            save_smtp_password(config, password)  # type: ignore[arg-type]
        except (ValidationError, SecretStoreUnavailable) as error:
            self.show_error(str(error))

"""Settings > Email sending: the SMTP server the editor sends through, and its password,
checked with the server and kept in the keyring (through compose.smtp, on a background
thread)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from followthrough.store import Store


class EmailSendingPage:
    """The Email sending tab of SettingsDialog (mixed into it), and its password."""

    def _email_tab(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(
            QLabel(
                self.tr(
                    "To send messages from the editor without a mail app, give your mail "
                    "server. Only encrypted connections are used."
                ),
                page,
                wordWrap=True,
            )
        )
        self._line("smtp-host", form, self.tr("SMTP server"), "smtp.example.com")
        port = QSpinBox(page)
        port.setRange(0, 65535)
        port.setSpecialValueText(self.tr("usual (465 or 587)"))
        port.setAccessibleName(self.tr("SMTP port"))
        form.addRow(self.tr("Port"), port)
        security = QComboBox(page)
        security.setAccessibleName(self.tr("SMTP security"))
        security.addItem(self.tr("STARTTLS (usually port 587)"), "starttls")
        security.addItem(self.tr("SSL/TLS (usually port 465)"), "ssl")
        form.addRow(self.tr("Security"), security)
        self._line("smtp-username", form, self.tr("User name"), self.tr("(your email)"))
        self.fields.update({"smtp-port": port, "smtp-security": security})
        row = QHBoxLayout()
        self.smtp_password_button = QPushButton(self.tr("Set password…"), page)
        self.smtp_password_button.clicked.connect(self._ask_smtp_password)
        row.addWidget(self.smtp_password_button)
        row.addStretch(1)
        form.addRow("", row)
        self.tabs.addTab(page, self.tr("Email sending"))

    def set_smtp_password(self, password: str, save: bool = True) -> bool:
        """Check the password with the mail server, then keep it in the keyring."""
        from followthrough.compose import smtp

        if not self.apply():
            return False
        config = smtp.smtp_config(self.store.settings())
        if config is None:
            self._problem(self.tr("Give the SMTP server and your email first."))
            return False

        def job(_store: Store) -> Any:
            smtp.verify(config, password, context=self.smtp_context)
            if save:
                smtp.save_smtp_password(config, password)
            return None

        def done(_result: Any) -> None:
            self.message.hide()
            QMessageBox.information(
                self, self.tr("Email sending"), self.tr("The mail server accepted the password.")
            )

        return self.background.run(job, done, self._problem)

    def _ask_smtp_password(self) -> None:
        password, ok = QInputDialog.getText(
            self,
            self.tr("SMTP password"),
            self.tr("Password for the mail server (kept in your system keyring):"),
            QLineEdit.EchoMode.Password,
        )
        if ok and password:
            self.set_smtp_password(password)

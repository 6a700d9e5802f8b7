"""Settings > You: the name, email and phone the messages are signed and sent with, and the
other addresses that are you in an invitation."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget


class YouPage:
    """The You tab of SettingsDialog (mixed into it)."""

    def _you_tab(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        form.addRow(QLabel(self.tr("Your messages are signed and sent with these."), page))
        self._line("my-name", form, self.tr("Your name"), "Sam Doe")
        self._line("my-email", form, self.tr("Your email"), "sam@example.com")
        aliases = self._line("aliases", form, self.tr("Your other emails"),
                             "sam@work.example, sam.doe@old.example")
        aliases.setToolTip(self.tr("In an invitation, these are you, not an interviewer"))
        self._line("my-phone", form, self.tr("Your phone"), "+1 212 555 0100")
        self.tabs.addTab(page, self.tr("You"))

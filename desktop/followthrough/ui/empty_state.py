"""What the main window shows before the first interview ("Getting started"): what to do,
and the buttons to add an interview, import an invitation or add a sample to explore."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """What the window shows before the first interview: what to do, and a way to try it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Getting started"))
        heading = QLabel(self.tr("Follow up on every interview, on time"), self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.text = QLabel(
            self.tr(
                "Add an interview you had (or are about to have). Followthrough plans the "
                "thank-you and the follow-ups after it, puts them on this calendar and drafts "
                "each message. You can also drop an employer's invitation (.ics) onto this "
                "window, or import one."
            ),
            self,
        )
        self.text.setWordWrap(True)
        self.text.setMaximumWidth(self.fontMetrics().averageCharWidth() * 72)  # readable lines
        self.add_button = QPushButton(self.tr("Add an interview…"), self)
        self.add_button.setDefault(True)
        self.import_button = QPushButton(self.tr("Import an invitation…"), self)
        self.sample_button = QPushButton(self.tr("Add a sample interview"), self)
        self.sample_button.setToolTip(
            self.tr("A made-up interview with its follow-ups, to explore; delete it later")
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.import_button, self.sample_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(heading, 0, Qt.AlignmentFlag.AlignHCenter)
        # Centred by stretches, not by alignment: a wrapped label needs its width to size.
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.text, 4)
        middle.addStretch(1)
        layout.addLayout(middle)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)

"""Export… from the window: what `followthrough export` offers (everything, the events of a
range of dates, one interview with its follow-ups), then a file; and where file dialogs open.

File dialogs open in the folder the user last chose a file in (kept in the data folder's
window.ini, beside the window's place), else in their documents folder.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import Interview
from followthrough.core.samples import is_sample
from followthrough.ui.date_fields import DateField

_LAST_FOLDER = "files/last-folder"


def _settings(store: Any) -> QSettings:
    from followthrough.ui.window_memory import FILE

    return QSettings(str(store.path.parent / FILE), QSettings.Format.IniFormat)


def start_folder(store: Any) -> Path:
    """Where a file dialog opens: the folder last chosen, else the documents folder."""
    last = _settings(store).value(_LAST_FOLDER)
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(store: Any, chosen: Path) -> None:
    """The next file dialog opens where `chosen` (a file) is."""
    settings = _settings(store)
    settings.setValue(_LAST_FOLDER, str(chosen.parent))
    settings.sync()


class ExportDialog(QDialog):
    """Which events to export: every interview, a range of dates, or one interview."""

    def __init__(
        self, interviews: list[Interview], today: date, selected: str = "",
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export"))
        self.everything = QRadioButton(self.tr("&Every interview and follow-up"), self)
        self.in_range = QRadioButton(self.tr("The events of a &range of dates:"), self)
        self.one = QRadioButton(self.tr("&One interview and its follow-ups:"), self)
        self.choice = QButtonGroup(self)
        for button in (self.everything, self.in_range, self.one):
            self.choice.addButton(button)
        self.start, self.end = DateField(self), DateField(self)
        self.start.setDate(QDate(today))
        self.end.setDate(QDate(today + timedelta(days=30)))
        self.start.setAccessibleName(self.tr("From"))
        self.end.setAccessibleName(self.tr("To"))
        self.interview = QComboBox(self)
        self.interview.setAccessibleName(self.tr("Interview"))
        real = [iv for iv in interviews if not is_sample(iv.id)]  # a sample stays here
        for iv in sorted(real, key=lambda i: i.start, reverse=True):
            day = iv.start.date().isoformat()
            self.interview.addItem(f"{iv.company} — {iv.role} ({day})", iv.id)
        self.one.setEnabled(bool(real))
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Choose a file…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        dates = QHBoxLayout()
        form = QFormLayout()
        form.addRow(self.tr("&From:"), self.start)
        form.addRow(self.tr("&To:"), self.end)
        dates.addSpacing(24)
        dates.addLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.everything)
        layout.addWidget(self.in_range)
        layout.addLayout(dates)
        layout.addWidget(self.one)
        layout.addWidget(self.interview)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        found = self.interview.findData(selected) if selected else -1
        (self.one if found >= 0 else self.everything).setChecked(True)
        self.interview.setCurrentIndex(max(found, 0))
        self.choice.buttonToggled.connect(self._enable)
        self._enable()

    def _enable(self, *_args: object) -> None:
        for field in (self.start, self.end):
            field.setEnabled(self.in_range.isChecked())
        self.interview.setEnabled(self.one.isChecked())

    def selection(self) -> Any:
        """The `ical.export.Selection` chosen."""
        from followthrough.ical.export import Selection

        if self.in_range.isChecked():
            return Selection(start=self.start.date().toPython(), end=self.end.date().toPython())
        if self.one.isChecked():
            return Selection(interview_id=str(self.interview.currentData()))
        return Selection()

    def accept(self) -> None:
        if self.in_range.isChecked() and self.end.date() < self.start.date():
            self.problem.setText(self.tr("The end date is before the start date."))
            self.problem.show()
            return
        super().accept()

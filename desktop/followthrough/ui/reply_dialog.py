"""The Log reply dialog: when the employer answered, what they said in a line, and which of
just an answer, a next round, a new decision date, an offer or a rejection it was; the same
choices as `followthrough reply --at --note --says --on`, recorded the same way
(`core.actions.employer_news`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from followthrough.core.actions import ReplySays, employer_news
from followthrough.core.model import Activity, Interview, ValidationError, local_datetime
from followthrough.ui.date_fields import DateField, DateTimeField
from followthrough.ui.detail_panel import _ActivityDialog

_WITH_DATE = (ReplySays.NEXT_ROUND, ReplySays.NEW_DATE)


class ReplyDialog(_ActivityDialog):
    """Ask what the employer answered; `activity` is what to record (or a ValidationError)."""

    def __init__(
        self,
        interview: Interview,
        history: Sequence[Activity],
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log a reply"))
        self.interview, self.history = interview, tuple(history)
        self.tz = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else ZoneInfo(interview.tz)
        self.when = DateTimeField(self)
        start = interview.start.astimezone(self.tz)
        self.when.setMinimumDateTime(_qt(start))
        self.when.setDateTime(_qt(max(now, start)))
        self.when.setAccessibleName(self.tr("When they answered"))
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("What they said"))
        self.note.setPlaceholderText(self.tr("In a line (optional)"))
        self.says = QComboBox(self)
        self.says.setAccessibleName(self.tr("Which it was"))
        for value, label in (
            (ReplySays.ANSWER, self.tr("Just an answer")),
            (ReplySays.NEXT_ROUND, self.tr("A next round")),
            (ReplySays.NEW_DATE, self.tr("A new decision date")),
            (ReplySays.OFFER, self.tr("An offer")),
            (ReplySays.REJECTION, self.tr("A rejection")),
        ):
            self.says.addItem(label, value.value)
        self.day = DateField(self)
        self.day.setMinimumDate(QDate(now.date()))
        self.day.setDate(QDate(now.date() + timedelta(days=14)))
        self.day.setAccessibleName(self.tr("Date they gave"))
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        self.form.addRow(self.tr("&When:"), self.when)
        self.form.addRow(self.tr("They &said:"), self.note)
        self.form.addRow(self.tr("&It was:"), self.says)
        self.form.addRow(self.tr("&Date:"), self.day)
        self.form.addRow(self.error)
        self._add_buttons()
        self.says.currentIndexChanged.connect(self._says_changed)
        self._says_changed()

    def choice(self) -> ReplySays:
        return ReplySays(str(self.says.currentData()))

    def _says_changed(self) -> None:
        """The date row is for a next round's day or the new decision date only."""
        self.form.setRowVisible(self.day, self.choice() in _WITH_DATE)

    def activity(self, now: datetime | None = None) -> Activity:
        """What to record: `now` is not used (the dialog asks when)."""
        value = self.when.dateTime()
        clock = value.time()
        at = local_datetime(value.date().toPython(), clock.hour(), clock.minute(), self.tz)
        says = self.choice()
        day = self.day.date().toPython() if says in _WITH_DATE else None
        return employer_news(
            self.interview, self.history, says, at, note=self._note_text(), day=day
        )

    def accept(self) -> None:
        """Close only with something that can be recorded; else say why, in the dialog."""
        try:
            self.activity()
        except ValidationError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        super().accept()


def _qt(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.date()), QTime(moment.hour, moment.minute))

"""The window's dates: the fields they are typed in, in one form everywhere (ISO: 2027-01-05,
2027-01-05 09:30), a calendar to pick from, and a date typed whole the way it reads; and the
one form they are shown in, core.shown_dates's ("3 Dec", "Thu 3 Dec, 09:30"), with the
year where a detail is read ("3 Dec 2026").

Qt's own fields skip a section when a separator is typed right after a section that filled
itself: "2027-01-05" typed in became 2027-11-01 (the "-" after 2027 jumped past the month). The
fields here let that separator go, so a date typed digit by digit, separators and all, is the
date typed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QDateTimeEdit, QWidget

from followthrough.core import shown_dates

DATE_FORMAT = "yyyy-MM-dd"
DATE_TIME_FORMAT = "yyyy-MM-dd HH:mm"


def shown_day(day: date, *, year: bool = False) -> str:
    """A day as the window shows it: "3 Dec" ("3 Dec 2026" with its `year`)."""
    return shown_dates.day(day, year=year, named=False)


def shown_moment(moment: datetime) -> str:
    """A day and a time as the window shows them (in `moment`'s own zone): "Thu 3 Dec, 09:30"."""
    return shown_dates.day_time(moment, year=False)


def _passed_already(field: QAbstractSpinBox, event: QKeyEvent) -> bool:
    """Whether `event` types the separator the field just moved past by itself."""
    typed = event.text()
    chords = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
              | Qt.KeyboardModifier.MetaModifier)
    if len(typed) != 1 or typed.isalnum() or event.modifiers() & chords:
        return False
    line = field.lineEdit()
    start = line.selectionStart() if line.hasSelectedText() else line.cursorPosition()
    return start > 0 and line.text()[start - 1] == typed and line.hasSelectedText()


class _Typed:
    """What both fields share: their form, the calendar popup, and a separator typed after a
    section that filled itself being taken as already passed."""

    FORMAT = DATE_FORMAT

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]
        field = cast(QDateTimeEdit, self)
        field.setDisplayFormat(self.FORMAT)
        field.setCalendarPopup(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _passed_already(cast(QDateTimeEdit, self), event):
            event.accept()
            return
        super().keyPressEvent(event)  # type: ignore[misc]


class DateField(_Typed, QDateEdit):
    """A date: 2027-01-05, typed or picked from a calendar."""


class DateTimeField(_Typed, QDateTimeEdit):
    """A day and a time: 2027-01-05 09:30, typed or the day picked from a calendar."""

    FORMAT = DATE_TIME_FORMAT

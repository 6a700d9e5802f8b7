"""Every date field of the window: one form (ISO), and a January date typed in directly, digit
by digit and separators and all (Qt's own field made 2027-01-05 into 2027-11-01)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from calendar_data import NOW, PARIS
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QDialog
from pytestqt.qtbot import QtBot

from followthrough.core.model import Interview, Interviewer
from followthrough.ui.date_fields import DATE_FORMAT, DateField, DateTimeField
from followthrough.ui.detail_panel import DelayDialog, MoveDialog
from followthrough.ui.interview_dialog import InterviewDialog
from followthrough.ui.reply_dialog import ReplyDialog

INTERVIEW = Interview(
    id="abc123", company="Acme", role="Engineer", interviewers=(Interviewer("Ana Diaz"),),
    start=datetime(2026, 11, 23, 14, tzinfo=PARIS), end=datetime(2026, 11, 23, 15, tzinfo=PARIS),
    tz="Europe/Paris",
)


def _type(qtbot: QtBot, field: QDateTimeEdit, text: str) -> str:
    """Tab into `field` (as the user does: its first part selected), type `text`, Tab out."""
    window = field.window()
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    field.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Tab)
    return field.text()


def _dialogs() -> dict[str, Callable[[], tuple[QDialog, QDateTimeEdit]]]:
    def interview(which: str) -> tuple[QDialog, QDateTimeEdit]:
        dialog = InterviewDialog("Europe/Paris", [], today=date(2026, 11, 23))
        dialog.has_decision.setChecked(True)
        return dialog, getattr(dialog, which)

    def reply(which: str) -> tuple[QDialog, QDateTimeEdit]:
        dialog = ReplyDialog(INTERVIEW, [], NOW)
        dialog.says.setCurrentIndex(dialog.says.findData("new-date"))
        return dialog, getattr(dialog, which)

    def delay() -> tuple[QDialog, QDateTimeEdit]:
        dialog = DelayDialog(date(2026, 11, 25))  # the earliest date: January is after it
        return dialog, dialog.date_edit

    def move() -> tuple[QDialog, QDateTimeEdit]:
        dialog = MoveDialog(datetime(2026, 11, 26, 9, tzinfo=PARIS), None, INTERVIEW.end)
        return dialog, dialog.when

    return {
        "interview start": lambda: interview("start"),
        "decision date": lambda: interview("decision"),
        "reply time": lambda: reply("when"),
        "reply date": lambda: reply("day"),
        "delay": delay,
        "move": move,
    }


@pytest.mark.parametrize("name", list(_dialogs()))
def test_every_date_field_takes_a_january_date_typed_in(qtbot: QtBot, name: str) -> None:
    dialog, field = _dialogs()[name]()
    qtbot.addWidget(dialog)
    assert isinstance(field, (DateField, DateTimeField))
    assert field.displayFormat().startswith(DATE_FORMAT)  # one form everywhere
    with_time = field.displayFormat() != DATE_FORMAT
    typed = _type(qtbot, field, "2027-01-05 09:30" if with_time else "2027-01-05")
    assert typed == ("2027-01-05 09:30" if with_time else "2027-01-05")
    assert field.date() == QDate(2027, 1, 5)


def test_short_parts_and_the_end_of_january_too(qtbot: QtBot) -> None:
    dialog = DelayDialog(date(2026, 11, 25))
    qtbot.addWidget(dialog)
    assert _type(qtbot, dialog.date_edit, "2027-1-31") == "2027-01-31"
    assert dialog.activity(NOW).until == date(2027, 1, 31)


def test_dates_are_shown_in_one_form(qtbot: QtBot, tmp_path: object) -> None:
    from pathlib import Path

    from calendar_data import add_interview, make_cache, make_store

    from followthrough.core.model import Activity, ActivityKind
    from followthrough.ui.date_fields import shown_day, shown_moment
    from followthrough.ui.detail_panel import DetailPanel

    store = make_store(Path(str(tmp_path)))
    try:
        acme = add_interview(store, "Acme")
        for until in (date(2026, 12, 16), date(2027, 1, 8)):
            store.record(acme.id, Activity(ActivityKind.DELAY, NOW, until=until))
        panel = DetailPanel(make_cache(store))
        qtbot.addWidget(panel)
        panel.show_item("interview", acme.id)
        assert shown_day(date(2027, 1, 8)) == "8 Jan"
        assert panel.fields["decision"].text() == "8 Jan 2027 (was 16 Dec 2026)"
        assert panel.fields["when"].text().startswith("Mon 23 Nov 2026, ")
        assert "November" not in panel.fields["when"].text()
        history = panel.fields["history"].text().splitlines()
        assert history[-1] == "They moved the decision to 8 Jan on 25 Nov"
        assert shown_moment(datetime(2026, 12, 3, 16, 0, tzinfo=PARIS)) == "Thu 3 Dec, 16:00"
    finally:
        store.close()

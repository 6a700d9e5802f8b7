"""The New / Edit interview dialog: checked as you type, several interviewers, zone picker."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from calendar_data import PARIS, add_interview, make_store
from PySide6.QtCore import QDate, QDateTime, QTime
from pytestqt.qtbot import QtBot

from followthrough.core.model import Channel, Interviewer, Pace
from followthrough.ui.interview_dialog import InterviewDialog

BOOKS = [("standard", "Standard"), ("single-nudge", "Single nudge")]


def _dialog(qtbot: QtBot, **kwargs) -> InterviewDialog:  # type: ignore[no-untyped-def]
    dialog = InterviewDialog("Europe/Paris", BOOKS, today=date(2026, 11, 23), **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _set_cell(dialog: InterviewDialog, row: int, column: int, text: str) -> None:
    dialog.people.item(row, column).setText(text)


def test_new_interview_is_checked_as_you_type(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    assert dialog.windowTitle() == "New interview"
    assert dialog.zone.currentText() == "Europe/Paris"  # the user's zone by default
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.text() == "The company cannot be empty."
    qtbot.keyClicks(dialog.company, "Acme")
    assert dialog.problem.text() == "The role cannot be empty."
    qtbot.keyClicks(dialog.role, "Engineer")
    assert dialog.problem.text() == "The interviewer's name cannot be empty."
    _set_cell(dialog, 0, InterviewDialog.NAME, "Ana Diaz")
    _set_cell(dialog, 0, InterviewDialog.EMAIL, "ana@")
    assert dialog.problem.text() == "'ana@' is not a valid email address."
    assert not dialog.ok_button.isEnabled()
    _set_cell(dialog, 0, InterviewDialog.EMAIL, "ana@acme.example")
    assert dialog.ok_button.isEnabled() and not dialog.problem.isVisible()
    dialog.end.setDateTime(QDateTime(QDate(2026, 11, 23), QTime(9, 0)))
    assert dialog.problem.text() == "The interview ends before it starts."
    dialog.end.setDateTime(QDateTime(QDate(2026, 11, 23), QTime(11, 30)))
    dialog.zone.setEditText("Mars/Olympus")
    assert "Mars/Olympus" in dialog.problem.text() and not dialog.ok_button.isEnabled()
    dialog.zone.setEditText("America/New_York")
    assert dialog.ok_button.isEnabled()
    dialog.topics.setPlainText("streaming\n\nbatch jobs")
    dialog.has_decision.setChecked(True)
    dialog.decision.setDate(QDate(2026, 12, 4))
    dialog.pace.setCurrentIndex(dialog.pace.findData("slow"))
    dialog.playbook.setCurrentIndex(dialog.playbook.findData("single-nudge"))
    dialog.ok_button.click()
    assert dialog.result() == InterviewDialog.DialogCode.Accepted
    interview = dialog.interview()
    assert interview.company == "Acme" and interview.role == "Engineer"
    assert interview.tz == "America/New_York"
    assert interview.start.hour == 10 and interview.end.hour == 11 and interview.end.minute == 30
    assert interview.start.utcoffset() is not None
    assert interview.interviewers == (Interviewer("Ana Diaz", "ana@acme.example", key="p1"),)
    assert interview.topics == ("streaming", "batch jobs")
    assert interview.decision_date == date(2026, 12, 4)
    assert interview.pace is Pace.SLOW and interview.playbook == "single-nudge"


def test_zone_picker_completes_from_iana_names(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    completer = dialog.zone.completer()
    completer.setCompletionPrefix("tokyo")
    assert completer.currentCompletion() == "Asia/Tokyo"
    assert dialog.zone.findText("Pacific/Auckland") >= 0


def test_several_interviewers_can_be_added_and_removed(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.company.setText("Acme")
    dialog.role.setText("Engineer")
    _set_cell(dialog, 0, InterviewDialog.NAME, "Ana Diaz")
    assert not dialog.remove_person.isEnabled()  # one interviewer at least
    dialog.add_person.click()
    assert dialog.people.rowCount() == 2
    assert dialog.problem.text() == "The interviewer's name cannot be empty."
    _set_cell(dialog, 1, InterviewDialog.NAME, "Bo Li")
    _set_cell(dialog, 1, InterviewDialog.TITLE, "CTO")
    _set_cell(dialog, 1, InterviewDialog.PHONE, "+33 1 23 45 67 89")
    assert dialog.ok_button.isEnabled()
    people = dialog.interview().interviewers
    assert [(p.name, p.key) for p in people] == [("Ana Diaz", "p1"), ("Bo Li", "p2")]
    assert people[1].title == "CTO" and people[1].phone == "+33 1 23 45 67 89"
    dialog.people.setCurrentCell(0, 0)
    dialog.remove_person.click()
    assert [(p.name, p.key) for p in dialog.interview().interviewers] == [("Bo Li", "p2")]


def test_moving_the_start_keeps_the_length(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.start.setDateTime(QDateTime(QDate(2026, 11, 24), QTime(14, 0)))
    assert dialog.end.dateTime() == QDateTime(QDate(2026, 11, 24), QTime(15, 0))


def test_edit_keeps_id_keys_and_fields(qtbot: QtBot, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    stored = add_interview(store, end=datetime(2026, 11, 23, 15, 0, tzinfo=PARIS))
    dialog = InterviewDialog.for_store(store, stored)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit interview"
    assert dialog.company.text() == "Acme" and dialog.zone.currentText() == "Europe/Paris"
    assert dialog.start.dateTime() == QDateTime(QDate(2026, 11, 23), QTime(14, 0))
    assert dialog.topics.toPlainText() == "streaming"
    assert dialog.playbook.itemText(0) == "Default (Standard)"
    assert dialog.ok_button.isEnabled()
    dialog.role.setText("Staff engineer")
    dialog.channel.setCurrentIndex(dialog.channel.findData("in-person"))
    edited = dialog.interview()
    assert edited.id == stored.id and edited.created == stored.created
    assert edited.role == "Staff engineer" and edited.channel is Channel.IN_PERSON
    assert edited.interviewers[0].key == stored.interviewers[0].key
    assert edited.start == stored.start and edited.end == stored.end
    store.update_interview(edited)
    assert store.interview(stored.id).role == "Staff engineer"
    store.close()


def test_decision_date_before_the_interview_is_refused(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.company.setText("Acme")
    dialog.role.setText("Engineer")
    _set_cell(dialog, 0, InterviewDialog.NAME, "Ana Diaz")
    assert not dialog.decision.isEnabled()
    dialog.has_decision.setChecked(True)
    assert dialog.decision.isEnabled()
    dialog.decision.setDate(QDate(2026, 11, 1))
    assert dialog.problem.text() == "The decision date is before the interview."


def test_the_employers_country_is_checked_and_defaults_from_the_zone(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.company.setText("Acme")
    dialog.role.setText("Engineer")
    _set_cell(dialog, 0, InterviewDialog.NAME, "Ana Diaz")
    dialog.zone.setEditText("America/New_York")
    # Countries by name: the first choice is the time zone's, named.
    assert dialog.country.itemText(0) == "From the time zone: United States"
    assert dialog.ok_button.isEnabled() and dialog.interview().country == ""
    # Typing any part of a name finds it; what is kept is the code.
    line = dialog.country.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "canada")
    line.editingFinished.emit()
    assert dialog.country.currentText() == "Canada" and dialog.ok_button.isEnabled()
    interview = dialog.interview()
    assert (interview.country, interview.employer_country) == ("CA", "CA")
    # Text that names no country goes back to the one chosen: never a stray code.
    line.selectAll()
    qtbot.keyClicks(line, "xz")
    line.editingFinished.emit()
    assert dialog.country.currentText() == "Canada" and dialog.interview().country == "CA"
    dialog.zone.setEditText("UTC")
    assert dialog.country.itemText(0) == "None from the time zone"

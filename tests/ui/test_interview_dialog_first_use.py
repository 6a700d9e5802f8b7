"""The New interview dialog as first met: no error before anything is typed, the email column
readable at the first size, a new interviewer row being typed in, the main contact marked
and changed."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot
from test_interview_dialog import _dialog, _set_cell

from followthrough.ui.interview_dialog import InterviewDialog


def test_no_error_before_the_user_typed_anything(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    assert not dialog.problem.isVisible() and not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.company, "Acme")
    assert dialog.problem.isVisible() and dialog.problem.text() == "The role cannot be empty."


def test_the_email_column_reads_whole_at_the_default_size(qtbot: QtBot) -> None:
    dialog = InterviewDialog("Europe/Paris", [], today=date(2026, 11, 23))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table, header = dialog.people, dialog.people.horizontalHeader()
    email = InterviewDialog.EMAIL
    right = header.sectionPosition(email) + header.sectionSize(email)
    assert right <= table.viewport().width()  # no scrolling to reach it
    typical = table.fontMetrics().horizontalAdvance("ana.diaz@acme.example")
    assert header.sectionSize(email) > typical + 8
    assert header.sectionSize(InterviewDialog.NAME) > table.fontMetrics().horizontalAdvance(
        "Ana Diaz-Fernández"
    )


def test_a_new_interviewer_row_starts_in_edit_mode(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.add_person.click()
    assert dialog.people.rowCount() == 2
    assert dialog.people.state() == dialog.people.State.EditingState
    assert (dialog.people.currentRow(), dialog.people.currentColumn()) == (1, InterviewDialog.NAME)


def test_the_main_contact_is_marked_and_can_be_changed(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.company.setText("Acme")
    dialog.role.setText("Engineer")
    _set_cell(dialog, 0, InterviewDialog.NAME, "Ana Diaz")
    dialog.add_person.click()
    _set_cell(dialog, 1, InterviewDialog.NAME, "Bo Li")
    _set_cell(dialog, 1, InterviewDialog.EMAIL, "bo@acme.example")
    table = dialog.people
    assert table.verticalHeader().isVisible()
    assert [table.verticalHeaderItem(r).text() for r in range(2)] == ["Main", ""]
    assert "main contact" in table.verticalHeaderItem(0).toolTip()
    table.setCurrentCell(0, InterviewDialog.NAME)
    assert not dialog.main_person.isEnabled()  # already the main contact
    table.setCurrentCell(1, InterviewDialog.NAME)
    assert dialog.main_person.isEnabled()
    dialog.main_person.click()
    people = dialog.interview().interviewers
    assert [(p.name, p.email, p.key) for p in people] == [
        ("Bo Li", "bo@acme.example", "p2"), ("Ana Diaz", "", "p1"),
    ]
    assert [table.verticalHeaderItem(r).text() for r in range(2)] == ["Main", ""]
    assert [dialog.mention_for.itemText(i) for i in range(3)] == ["Everyone", "Bo Li", "Ana Diaz"]
    dialog.add_person.click()  # the new row is not the main contact
    assert [table.verticalHeaderItem(r).text() for r in range(3)] == ["Main", "", ""]

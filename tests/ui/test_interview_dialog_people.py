"""The interview dialog: what to mention to each interviewer (their topics, the points to
clarify addressed to them) and the postal address for the handwritten note."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from calendar_data import PARIS, add_interview, make_store
from pytestqt.qtbot import QtBot
from test_interview_dialog import _dialog, _set_cell

from followthrough.core.model import Interviewer
from followthrough.ui.interview_dialog import InterviewDialog


def _panel(qtbot: QtBot) -> InterviewDialog:
    dialog = _dialog(qtbot)
    dialog.company.setText("Acme")
    dialog.role.setText("Engineer")
    _set_cell(dialog, 0, InterviewDialog.NAME, "Ana Diaz")
    dialog.add_person.click()
    _set_cell(dialog, 1, InterviewDialog.NAME, "Bo Li")
    return dialog


def test_everyone_then_each_interviewer_gets_their_own_topics_and_points(qtbot: QtBot) -> None:
    dialog = _panel(qtbot)
    names = [dialog.mention_for.itemText(i) for i in range(dialog.mention_for.count())]
    assert names == ["Everyone", "Ana Diaz", "Bo Li"]
    assert "main contact" in dialog.mention_note.text()
    dialog.topics.setPlainText("streaming")
    dialog.clarify.setPlainText("my notice period")
    dialog.mention_for.setCurrentIndex(2)  # Bo Li
    assert dialog.topics.toPlainText() == "" and dialog.clarify.toPlainText() == ""
    assert "Bo Li only" in dialog.mention_note.text()
    dialog.topics.setPlainText("on-call\n\nrotas")
    dialog.clarify.setPlainText("the batch migration")
    interview = dialog.interview()  # read while Bo's are in the boxes
    assert interview.topics == ("streaming",) and interview.clarify == ("my notice period",)
    ana, bo = interview.interviewers
    assert (ana.topics, ana.clarify) == ((), ())
    assert (bo.topics, bo.clarify) == (("on-call", "rotas"), ("the batch migration",))
    dialog.mention_for.setCurrentIndex(0)  # back to everyone's: kept as typed
    assert dialog.topics.toPlainText() == "streaming"
    assert dialog.clarify.toPlainText() == "my notice period"
    assert dialog.interview().interviewers[1].topics == ("on-call", "rotas")


def test_a_point_for_one_person_is_checked_like_the_others(qtbot: QtBot) -> None:
    dialog = _panel(qtbot)
    dialog.mention_for.setCurrentIndex(2)
    dialog.clarify.setPlainText("a\x1b[2Jpoint")
    assert dialog.problem.text() == "The point to clarify contains a control character."
    assert not dialog.ok_button.isEnabled()
    dialog.clarify.setPlainText("a point")
    assert dialog.ok_button.isEnabled()


def test_renaming_or_removing_an_interviewer_updates_the_choice(qtbot: QtBot) -> None:
    dialog = _panel(qtbot)
    dialog.mention_for.setCurrentIndex(2)
    dialog.topics.setPlainText("rotas")
    _set_cell(dialog, 1, InterviewDialog.NAME, "Bo Lin")
    assert dialog.mention_for.currentText() == "Bo Lin"  # still Bo's boxes
    assert dialog.topics.toPlainText() == "rotas"
    dialog.people.setCurrentCell(1, 0)
    dialog.remove_person.click()
    assert dialog.mention_for.currentText() == "Everyone"
    assert dialog.topics.toPlainText() == ""
    assert [p.name for p in dialog.interview().interviewers] == ["Ana Diaz"]


def test_edit_shows_each_persons_and_the_postal_address(qtbot: QtBot, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    stored = add_interview(store, end=datetime(2026, 11, 23, 15, 0, tzinfo=PARIS))
    bo = Interviewer("Bo Li", key="p2", topics=("rotas",), clarify=("the migration",))
    stored = replace(stored, interviewers=(*stored.interviewers, bo),
                     postal_address="Acme\n1 rue de la Paix\n75002 Paris")  # fmt: skip
    dialog = InterviewDialog.for_store(store, stored)
    qtbot.addWidget(dialog)
    assert dialog.postal_address.toPlainText() == "Acme\n1 rue de la Paix\n75002 Paris"
    dialog.mention_for.setCurrentIndex(dialog.mention_for.findData("p2"))
    assert dialog.topics.toPlainText() == "rotas"
    assert dialog.clarify.toPlainText() == "the migration"
    edited = dialog.interview()
    assert edited.interviewers[1] == bo and edited.postal_address == stored.postal_address
    store.close()


def test_the_postal_address_is_checked_as_you_type(qtbot: QtBot) -> None:
    dialog = _panel(qtbot)
    dialog.postal_address.setPlainText("Acme\n 1 Loop Street \n\nCape Town")
    assert dialog.interview().postal_address == "Acme\n1 Loop Street\nCape Town"
    dialog.postal_address.setPlainText("1 Loop Street\x07")
    assert dialog.problem.text() == "The postal address contains a control character."
    dialog.postal_address.setPlainText("x" * 501)
    assert dialog.problem.text() == "The postal address is longer than 500 characters."
    dialog.postal_address.setPlainText("\n".join("line" for _ in range(9)))
    assert dialog.problem.text() == "The postal address has more than 8 lines."
    assert not dialog.ok_button.isEnabled()

"""Several rounds, one application, in the window: a reply that announces the next round adds
it (one Undo takes back both), the pipeline shows an application once with its rounds, and an
edited round stays in its application."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from calendar_data import NOW, PARIS, add_interview, clock, make_cache, make_store
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from followthrough.core.actions import NEXT_ROUND, ReplySays
from followthrough.core.model import Activity, ActivityKind, StepStatus
from followthrough.store import Store
from followthrough.ui.calendar.item_model import Roles
from followthrough.ui.calendar.pipeline import PipelineState
from followthrough.ui.calendar.pipeline_model import PipelineModel
from followthrough.ui.interview_dialog import InterviewDialog
from followthrough.ui.main_window import MainWindow
from followthrough.ui.reply_dialog import ReplyDialog


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_store(tmp_path)
    yield opened
    opened.close()


def _next_round_on(day: date) -> object:
    def exec_(dialog: ReplyDialog) -> int:
        dialog.says.setCurrentIndex(dialog.says.findData(ReplySays.NEXT_ROUND.value))
        dialog.day.setDate(QDate(day))
        return QDialog.DialogCode.Accepted

    return exec_


def test_a_reply_with_a_next_round_adds_it_and_one_undo_takes_both_back(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = add_interview(store)
    before = [s.step for s in store.steps()]
    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.calendar.select_event("interview", first.id)
    monkeypatch.setattr(ReplyDialog, "exec", _next_round_on(date(2026, 12, 7)))
    window.reply_action.trigger()
    (application,) = store.applications()
    assert [iv.round for iv in application.rounds] == [1, 2]
    upcoming = application.latest
    assert upcoming.start == datetime(2026, 12, 7, 14, 0, tzinfo=PARIS)
    (reply,) = store.activities(first.id)
    assert (reply.how, reply.until) == (NEXT_ROUND, date(2026, 12, 7))
    chasers = [s.step for s in store.steps(first.id) if s.step.chaser]
    assert chasers and all(s.status is StepStatus.CANCELLED for s in chasers)
    assert any(s.step.kind == "thank-you" for s in store.steps(upcoming.id))
    assert window.statusBar().currentMessage() == (
        "Reply logged: round 2 added on 7 Dec; edit it to set its time."
    )
    assert window.undo_button.isVisible()
    assert window._selected == ("interview", upcoming.id)  # the new round, to edit
    assert window.undo_action.text().startswith("&Undo log a reply: next round (round 2")
    window.undo()
    assert [iv.id for iv in store.interviews()] == [first.id]
    assert store.activities(first.id) == [] and [s.step for s in store.steps()] == before
    window.redo()
    assert {iv.id for iv in store.interviews()} == {first.id, upcoming.id}


def test_the_pipeline_shows_an_application_once_with_its_rounds(
    qtmodeltester: Any, store: Store
) -> None:
    first = add_interview(store, "Acme")
    week = timedelta(days=7)
    second = store.add_interview(
        replace(first, id="", start=first.start + week, end=first.end + week), first.id
    )
    add_interview(store, "Globex")
    store.record(first.id, Activity(ActivityKind.REPLY, NOW, how=NEXT_ROUND))
    model = PipelineModel(make_cache(store))
    model.reload()
    qtmodeltester.check(model)
    group = model.index(model.state_row(PipelineState.WAITING), 0)
    rows = [
        (model.index(r, 0, group).data(), model.index(r, PipelineModel.ROLE, group).data())
        for r in range(model.rowCount(group))
    ]
    assert sorted(rows) == [("Acme", "Engineer · round 2 of 2"), ("Globex", "Engineer")]
    replied = model.index(model.state_row(PipelineState.REPLIED), 0)
    assert model.rowCount(replied) == 0  # round 1's reply: the application is at round 2
    for round_id in (first.id, second.id):  # either round finds the application's row
        assert model.interview_index(round_id).data(Roles.ID) == second.id
    tip = model.interview_index(first.id).data(Qt.ItemDataRole.ToolTipRole)
    assert "Round 1: 23 Nov 2026" in tip and "Round 2: 30 Nov 2026" in tip


def test_an_edited_round_stays_in_its_application(qtbot: QtBot, store: Store) -> None:
    first = add_interview(store)
    week = timedelta(days=7)
    second = store.add_interview(
        replace(first, id="", start=first.start + week, end=first.end + week), first.id
    )
    dialog = InterviewDialog.for_store(store, second)
    qtbot.addWidget(dialog)
    dialog.role.setText("Staff engineer")
    store.update_interview(dialog.interview())
    assert store.interview(second.id).application == first.id

"""Delete (Edit > Delete interview) with a follow-up selected in the calendar: it asks first,
as the user may mean only that follow-up: delete the whole interview (Undo brings it back),
skip only this follow-up, or cancel (the default). With the interview itself selected it
deletes at once, as before (tests/ui/test_help_and_keys.py).

The question is answered as the user would: a timer clicks a button of the box once it shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from calendar_data import add_interview, make_store
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from window_helpers import clocked_window

from followthrough.core.model import Interview, Step, StepStatus
from followthrough.store import Store
from followthrough.ui.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    yield store
    store.close()


def _open_step(store: Store, interview: Interview) -> Step:
    return next(s.step for s in store.steps(interview.id) if s.step.status is StepStatus.PLANNED)


def _window_on(qtbot: QtBot, store: Store, kind: str, ident: str) -> MainWindow:
    window = clocked_window(qtbot, store)
    window.calendar.select_event(kind, ident)
    assert window._selected == (kind, ident)
    return window


def _press_delete_answering(
    qtbot: QtBot, window: MainWindow, button: str | None
) -> list[QMessageBox]:
    """Press Delete in the calendar; click `button` of the question that shows (None: close it
    with Escape). Returns the boxes that showed."""
    shown: list[QMessageBox] = []
    tries = [100]  # a second at most: a question that never comes is the test's failure

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] -= 1
            if tries[0] > 0:
                QTimer.singleShot(10, answer)
            return
        shown.append(box)
        if button is None:
            QTest.keyClick(box, Qt.Key.Key_Escape)
            return
        (chosen,) = [b for b in box.buttons() if b.text().replace("&", "") == button]
        chosen.click()

    window.activateWindow()  # the Delete shortcut is the window's
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.calendar.setFocus()
    QTimer.singleShot(0, answer)
    QTest.keyClick(window.calendar.focusProxy(), Qt.Key.Key_Delete)
    tries[0] = 0  # answered (exec returned) or never asked: stop looking
    return shown


def test_delete_on_a_follow_up_asks_and_cancel_deletes_nothing(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    step = _open_step(store, interview)
    count = len(store.steps(interview.id))
    before = store.activities(interview.id)
    window = _window_on(qtbot, store, "step", step.id)
    (box,) = _press_delete_answering(qtbot, window, "Cancel")
    assert box.text() == f"Delete the whole interview at Acme and its {count} follow-ups?"
    assert box.informativeText() == "To drop only this follow-up, skip it."
    names = [b.text().replace("&", "") for b in box.buttons()]
    assert sorted(names) == ["Cancel", "Delete interview", "Skip this follow-up"]
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert [iv.id for iv in store.interviews()] == [interview.id]
    assert store.activities(interview.id) == before
    assert store.step(step.id).step.status is StepStatus.PLANNED
    # Escape is Cancel too.
    assert len(_press_delete_answering(qtbot, window, None)) == 1
    assert [iv.id for iv in store.interviews()] == [interview.id]
    assert store.activities(interview.id) == before


def test_skip_this_follow_up_skips_only_it_and_undo_takes_it_back(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    step = _open_step(store, interview)
    others = {s.step.id: s.step.status for s in store.steps(interview.id) if s.step.id != step.id}
    window = _window_on(qtbot, store, "step", step.id)
    assert len(_press_delete_answering(qtbot, window, "Skip this follow-up")) == 1
    assert [iv.id for iv in store.interviews()] == [interview.id]
    assert store.step(step.id).step.status is StepStatus.SKIPPED
    assert {s.step.id: s.step.status for s in store.steps(interview.id)
            if s.step.id != step.id} == others
    assert window.statusBar().currentMessage() == f"Skipped: {step.title}."
    window.undo_action.trigger()
    assert store.step(step.id).step.status is StepStatus.PLANNED


def test_delete_interview_from_a_follow_up_deletes_it_and_undo_brings_it_back(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    step = _open_step(store, interview)
    window = _window_on(qtbot, store, "step", step.id)
    assert len(_press_delete_answering(qtbot, window, "Delete interview")) == 1
    assert store.interviews() == []
    assert "Deleted the interview at Acme" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    (back,) = store.interviews()
    assert back.id == interview.id
    assert store.step(step.id).step.status is StepStatus.PLANNED


def test_with_the_interview_selected_delete_asks_nothing(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = add_interview(store)
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box) or 0)
    window = _window_on(qtbot, store, "interview", interview.id)
    assert _press_delete_answering(qtbot, window, "Delete interview") == []
    assert asked == []
    assert store.interviews() == []
    window.undo_action.trigger()
    assert [iv.id for iv in store.interviews()] == [interview.id]

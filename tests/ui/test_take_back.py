"""Taking changes back in the window: one undo list (the store's, shared with the command line
and the message editor) behind Ctrl+Z and Ctrl+Shift+Z; cancelled follow-ups shown, moved or
reopened to bring them back; what a reply said; the decision date a delay moved; a step
dropped on a day off, said where it lands."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from calendar_data import NOW, PARIS, add_interview, make_store
from PySide6.QtCore import QDate, QDateTime, QMimeData, Qt, QTime
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from window_helpers import clocked_window

from followthrough.core.actions import NEXT_ROUND, ReplySays
from followthrough.core.model import Activity, ActivityKind, Interview, StepStatus
from followthrough.store import Store, open_store
from followthrough.ui.detail_panel import MoveDialog
from followthrough.ui.main_window import MainWindow
from followthrough.ui.reply_dialog import ReplyDialog


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_store(tmp_path)
    yield opened
    opened.close()


_window = clocked_window


def _plan(store: Store) -> list[object]:
    return [s.step for s in store.steps()]


def _step_id(interview: Interview, key: str) -> str:
    return f"{interview.id}.{key}"


def test_ctrl_z_and_ctrl_shift_z_take_a_change_back_and_make_it_again(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    before = _plan(store)
    window.calendar.select_event("step", _step_id(interview, "status-check"))
    window.detail_panel.skip_button.click()
    after = _plan(store)
    assert after != before
    assert window.undo_button.isVisible()
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    assert window.undo_action.text() == "&Undo skip Status check with Acme"
    assert QKeySequence("Ctrl+Z") in window.undo_action.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    focus = window.calendar.month_view
    focus.setFocus()
    QTest.keyClick(focus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _plan(store) == before
    assert window.statusBar().currentMessage() == "Undone: skip Status check with Acme."
    assert not window.undo_button.isVisible() and window.redo_action.isEnabled()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(focus, Qt.Key.Key_Z, modifiers)
    assert _plan(store) == after
    assert window.cache.event("step", _step_id(interview, "status-check")).status.value == (
        "skipped"
    )


def test_undo_takes_back_what_another_process_did(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    """The command line logged a reply beside the window: the window's Undo is the same list."""
    interview = add_interview(store)
    window = _window(qtbot, store)
    before = _plan(store)
    other, _ = open_store(tmp_path)
    other.record(interview.id, Activity(ActivityKind.REPLY, NOW))
    other.close()
    window._reload_if_changed_elsewhere()
    qtbot.waitUntil(window.reloaded)  # shown in turns: the calendar, the panels, the rest
    assert window.undo_action.text() == "&Undo log a reply (Acme)"
    window.undo_action.trigger()
    assert _plan(store) == before and store.activities(interview.id) == []


def test_undo_brings_a_deleted_interview_back_and_redo_deletes_it_again(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    window.calendar.select_event("interview", interview.id)
    window.detail_panel.delete_button.click()
    assert window.undo_button.isVisible()
    window.undo_button.click()
    assert [iv.id for iv in store.interviews()] == [interview.id]
    assert window.detail_panel.ident == interview.id  # selected again
    window.redo_action.trigger()
    assert store.interviews() == []
    assert window.central.currentWidget() is window.empty_state


def test_a_cancelled_follow_up_is_shown_then_reopened_or_moved_back_into_the_plan(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = add_interview(store)
    store.record(interview.id, Activity(ActivityKind.REPLY, NOW))
    window = _window(qtbot, store)
    status_check, call = (_step_id(interview, key) for key in ("status-check", "call"))
    assert store.step(status_check).step.status is StepStatus.CANCELLED
    shown = {e.id for e in window.calendar.month_view.model.events_on(date(2026, 11, 26))}
    assert status_check not in shown
    window.show_cancelled_action.setChecked(True)
    shown = {e.id for e in window.calendar.month_view.model.events_on(date(2026, 11, 26))}
    assert status_check in shown
    window.calendar.select_event("step", status_check)
    panel = window.detail_panel
    assert panel.reopen_button.isVisible() and panel.move_button.isVisible()
    assert window.reopen_action.isEnabled() and window.move_action.isEnabled()
    panel.reopen_button.click()
    assert store.step(status_check).step.status is StepStatus.PLANNED

    earliest: list[QDateTime] = []

    def choose(dialog: MoveDialog) -> int:
        earliest.append(dialog.when.minimumDateTime())
        dialog.when.setDateTime(QDateTime(QDate(2026, 12, 8), QTime(11, 0)))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MoveDialog, "exec", choose)
    window.calendar.select_event("step", call)
    window.move_action.trigger()
    moved = store.step(call).step
    assert moved.status is StepStatus.PLANNED
    assert moved.start == datetime(2026, 12, 8, 11, 0, tzinfo=PARIS)
    assert earliest == [QDateTime(QDate(2026, 11, 23), QTime(15, 0))]  # the interview's end


@pytest.mark.parametrize("list_first", [False, True])
def test_the_list_shows_cancelled_follow_ups_whether_made_before_or_after_the_choice(
    qtbot: QtBot, store: Store, list_first: bool
) -> None:
    """The List page is made when first shown: "Show cancelled" chosen before then holds in it
    too."""
    from followthrough.ui.calendar.widget import LIST

    interview = add_interview(store)
    store.record(interview.id, Activity(ActivityKind.REPLY, NOW))
    status_check = _step_id(interview, "status-check")
    window = _window(qtbot, store)
    assert LIST not in window.calendar.views  # not made at start-up
    if list_first:
        window.calendar.set_view(LIST)
    window.show_cancelled_action.setChecked(True)
    window.calendar.set_view(LIST)
    model = window.plan_model
    shown = {model.step_at(row).id for row in range(model.rowCount())}
    assert status_check in shown
    window.show_cancelled_action.setChecked(False)
    model = window.plan_model
    assert status_check not in {model.step_at(row).id for row in range(model.rowCount())}


def _answer(says: ReplySays, day: date | None = None, note: str = "") -> object:
    def exec_(dialog: ReplyDialog) -> int:
        dialog.says.setCurrentIndex(dialog.says.findData(says.value))
        if day is not None:
            dialog.day.setDate(QDate(day))
        dialog.note.setText(note)
        return QDialog.DialogCode.Accepted

    return exec_


def test_log_reply_asks_what_they_said_and_records_it_so(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    interview = store.update_interview(
        replace(add_interview(store), decision_date=date(2026, 12, 16))
    )
    window = _window(qtbot, store)
    window.calendar.select_event("interview", interview.id)
    monkeypatch.setattr(ReplyDialog, "exec", _answer(ReplySays.NEW_DATE, date(2027, 1, 8)))
    window.reply_action.trigger()
    (delay,) = store.activities(interview.id)
    assert (delay.kind, delay.until) == (ActivityKind.DELAY, date(2027, 1, 8))
    assert window.statusBar().currentMessage() == (
        "Delay logged: decision now by 8 Jan, was 16 Dec."
    )
    decision = window.detail_panel.fields["decision"].text()
    assert "2027" in decision and "(was " in decision and "2026" in decision
    monkeypatch.setattr(
        ReplyDialog, "exec", _answer(ReplySays.NEXT_ROUND, date(2027, 1, 12), "Meet the team.")
    )
    window.reply_action.trigger()
    reply = store.activities(interview.id)[-1]
    assert (reply.kind, reply.how, reply.until, reply.note) == (
        ActivityKind.REPLY, NEXT_ROUND, date(2027, 1, 12), "Meet the team.")  # fmt: skip
    (_first, upcoming) = store.applications()[0].rounds  # the next round was added
    assert upcoming.start.date() == date(2027, 1, 12)
    window.calendar.select_event("interview", interview.id)
    monkeypatch.setattr(ReplyDialog, "exec", _answer(ReplySays.OFFER))
    window.reply_action.trigger()
    assert store.activities(interview.id)[-1].kind is ActivityKind.OUTCOME


def test_the_reply_dialog_asks_for_a_date_only_when_it_needs_one(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    dialog = ReplyDialog(interview, [], NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Log a reply"
    assert dialog.choice() is ReplySays.ANSWER and not dialog.day.isVisible()
    dialog.says.setCurrentIndex(dialog.says.findData(ReplySays.NEW_DATE.value))
    assert dialog.day.isVisible()
    assert dialog.when.minimumDateTime() == QDateTime(QDate(2026, 11, 23), QTime(14, 0))
    assert dialog.when.dateTime() == QDateTime(QDate(2026, 11, 25), QTime(10, 0))  # now
    dialog.day.setMinimumDate(QDate(2026, 11, 1))
    dialog.day.setDate(QDate(2026, 11, 20))  # before the day they told you
    dialog.accept()
    assert dialog.isVisible()  # not closed: it says why instead
    assert dialog.error.text() == "The new decision date is before the day they told you."


def _drag_over(window: MainWindow, step_id: str, day: date, drop: bool) -> None:
    month = window.calendar.month_view
    start = window.cache.event("step", step_id).start
    mime = QMimeData()
    mime.setData("application/x-followthrough-step", f"{step_id}\n{start.isoformat()}".encode())
    target = month.cell_rect(day).center()
    args = (target, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    month.dragMoveEvent(QDragMoveEvent(target.toPoint(), *args[1:]))
    if drop:
        month.dropEvent(QDropEvent(*args))


def test_a_step_dropped_on_a_day_off_is_moved_and_the_window_says_so(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    step_id = _step_id(interview, "status-check")
    _drag_over(window, step_id, date(2026, 12, 2), drop=False)
    assert window.calendar.month_view._drop_note == ""  # a Wednesday, in working hours
    _drag_over(window, step_id, date(2026, 12, 5), drop=False)
    assert window.calendar.month_view._drop_note == "on a Saturday"
    _drag_over(window, step_id, date(2026, 12, 5), drop=True)
    moved = store.step(step_id).step
    assert moved.start.date() == date(2026, 12, 5) and moved.status is StepStatus.PLANNED
    assert window.statusBar().currentMessage().endswith(", on a Saturday.")


def test_a_step_dropped_before_the_interview_stays_where_it_was(
    qtbot: QtBot, store: Store
) -> None:
    interview = add_interview(store)
    window = _window(qtbot, store)
    step_id = _step_id(interview, "status-check")
    before = store.step(step_id).step
    _drag_over(window, step_id, date(2026, 11, 20), drop=True)
    assert store.step(step_id).step == before and store.activities(interview.id) == []
    assert window.banner.text() == "A follow-up cannot be placed before the interview ends."

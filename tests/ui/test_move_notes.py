"""Moving a step onto a day off or outside working hours is allowed, and the window says so:
by Alt+arrows as by drag and drop (issue 15)."""

from __future__ import annotations

from datetime import datetime, timedelta

import test_take_back
from calendar_data import NOW, PARIS, add_interview
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from test_take_back import _step_id, _window

from followthrough.core.model import Activity, ActivityKind, StepStatus
from followthrough.store import Store

store = test_take_back.store  # the fixture: a store in Paris, French holidays, 09:00-17:00


def _moved_to(store: Store, step_id: str, when: datetime) -> None:
    step = store.step(step_id).step
    store.record(step.interview_id,
                 Activity(ActivityKind.MOVE, NOW, step=step.key, to=when))  # fmt: skip


def test_alt_right_onto_a_saturday_is_done_and_said(qtbot: QtBot, store: Store) -> None:
    interview = add_interview(store)
    step_id = _step_id(interview, "status-check")
    _moved_to(store, step_id, datetime(2026, 12, 4, 10, 0, tzinfo=PARIS))  # a Friday
    window = _window(qtbot, store)
    month = window.calendar.month_view
    month.setFocus()
    assert month.select_event(step_id)
    QTest.keyClick(month, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    moved = store.step(step_id).step
    assert moved.start == datetime(2026, 12, 5, 10, 0, tzinfo=PARIS)
    assert moved.status is StepStatus.PLANNED
    assert window.statusBar().currentMessage().endswith(", on a Saturday.")


def test_alt_up_before_the_working_day_names_the_hours(qtbot: QtBot, store: Store) -> None:
    interview = add_interview(store)
    step_id = _step_id(interview, "status-check")
    _moved_to(store, step_id, datetime(2026, 12, 2, 9, 0, tzinfo=PARIS))  # a Wednesday
    window = _window(qtbot, store)
    window.calendar.set_view("week")
    grid = window.calendar.week_view.grid
    window.calendar.select_event("step", step_id)
    grid.setFocus()
    assert grid.current_event() is not None and grid.current_event().id == step_id
    QTest.keyClick(grid, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    moved = store.step(step_id).step
    assert moved.start == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS) - timedelta(minutes=15)
    message = window.statusBar().currentMessage()
    assert message.endswith(", outside your working hours (09:00–17:00)."), message


def test_a_drop_hint_on_a_holiday_names_it(qtbot: QtBot, store: Store) -> None:
    interview = add_interview(store)
    step_id = _step_id(interview, "status-check")
    window = _window(qtbot, store)
    month = window.calendar.month_view
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
    assert month.drop_note(step_id, christmas) == "on a public holiday (Christmas Day)"

"""Reminders: each step that comes due is announced once; without a tray, in the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from followthrough.core.model import Activity, ActivityKind, StepStatus
from followthrough.store import Store
from followthrough.ui.reminders import Reminders
from one_interview import store_with_acme


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[Store]:
    with store_with_acme(isolated_data_dir) as opened:
        yield opened


def planned(store: Store) -> list:  # type: ignore[type-arg]
    return [s.step for s in store.steps() if s.step.status is StepStatus.PLANNED]


def test_a_due_step_is_announced_once_in_the_window(qtbot: QtBot, store: Store) -> None:
    first = planned(store)[0]
    now = {"at": first.start - timedelta(minutes=1)}
    reminders = Reminders(store, clock=lambda: now["at"], use_tray=False)
    assert reminders.tray is None
    assert reminders.check() == []
    now["at"] = first.start + timedelta(seconds=30)
    with qtbot.waitSignal(reminders.notice) as told:
        assert reminders.check() == [first.id]
    text, step_id = told.args
    assert step_id == first.id and first.title in text and "Acme" in text
    assert reminders.check() == []  # once


def test_several_due_steps_make_one_notice(qtbot: QtBot, store: Store) -> None:
    steps = planned(store)
    reminders = Reminders(store, clock=lambda: steps[2].start, use_tray=False)
    with qtbot.waitSignal(reminders.notice) as told:
        announced = reminders.check()
    assert announced == [s.id for s in steps[:3]]
    assert told.args[0].startswith("3 follow-ups are due")


def test_done_steps_are_not_announced(store: Store) -> None:
    first = planned(store)[0]
    store.record(first.interview_id, Activity(ActivityKind.DONE, first.start, step=first.key))
    reminders = Reminders(store, clock=lambda: first.start + timedelta(minutes=1), use_tray=False)
    assert first.id not in reminders.check()


def test_with_a_tray_a_click_opens_the_step(qtbot: QtBot, store: Store) -> None:
    first = planned(store)[0]
    reminders = Reminders(store, clock=lambda: first.start, use_tray=True)
    assert reminders.tray is not None
    assert reminders.check() == [first.id]
    with qtbot.waitSignal(reminders.open_step) as opened:
        reminders.tray.messageClicked.emit()
    assert opened.args == [first.id]


def test_it_checks_every_minute(store: Store) -> None:
    reminders = Reminders(store, clock=lambda: datetime.now(UTC), use_tray=False)
    assert reminders.timer.isActive() and reminders.timer.interval() == 60_000

"""The window's public holidays are worked out off its thread, then shaded and named."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import test_take_back
from calendar_data import add_interview
from pytestqt.qtbot import QtBot
from window_helpers import clocked_window

import followthrough.core.workdays as workdays
from followthrough.store import Store

store = test_take_back.store  # the fixture: a store in Paris, French holidays


def test_holidays_are_worked_out_off_the_ui_thread(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_interview(store)
    threads: list[threading.Thread] = []
    original = workdays.holiday_names

    def watched(country: str, subdivision: str, year: int) -> dict[date, str]:
        threads.append(threading.current_thread())
        return original(country, subdivision, year)

    monkeypatch.setattr(workdays, "holiday_names", watched)
    window = clocked_window(qtbot, store)
    window._holidays_timer.stop()  # asked for below, at once
    assert not window.cache.holidays_loaded
    assert window.cache.holidays(date(2026, 12, 1), date(2026, 12, 31)) == {}
    window.show_holidays()
    qtbot.waitUntil(lambda: window.cache.holidays_loaded, timeout=10_000)
    worked = [t for t in threads if t is not threading.main_thread()]
    assert worked and worked[0].name == "holidays"
    assert window.cache.holidays(date(2026, 12, 1), date(2026, 12, 31)) == {
        date(2026, 12, 25): "Christmas Day"
    }


def test_a_window_closed_meanwhile_is_left_alone(qtbot: QtBot, store: Store) -> None:
    window = clocked_window(qtbot, store)
    window._holidays_timer.stop()
    window.show_holidays()
    window.close()
    store.close()
    for thread in threading.enumerate():
        if thread.name == "holidays":
            thread.join(10)
    qtbot.wait(50)  # the queued signal finds the store closed: nothing is read

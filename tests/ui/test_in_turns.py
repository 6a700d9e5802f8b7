"""A change saved elsewhere is shown in parts, each in a turn of the event loop of its own:
an import of 1,000 interviews into an empty window held it for over 100 ms when the calendar,
both side panels and the page all changed in one turn (docs/benchmarks.md, bench/stall.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from calendar_data import add_interview, make_store
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from window_helpers import shown_window

from followthrough.store import Store, open_store
from followthrough.ui.calendar.pipeline_model import PipelineModel
from followthrough.ui.in_turns import TURN_MS, InTurns


def test_each_part_waits_for_a_turn_of_the_event_loop(qtbot: QtBot) -> None:
    turns = InTurns()
    ran: list[str] = []
    turns.run([lambda: ran.append("calendar"), lambda: ran.append("panels")],
              done=lambda: ran.append("done"))
    assert ran == ["calendar"] and turns.busy  # the first part at once, no more
    qtbot.waitUntil(lambda: ran == ["calendar", "panels"], timeout=1000)
    assert turns.busy  # `done` a turn after the last part, once it is painted
    qtbot.waitUntil(lambda: not turns.busy, timeout=1000)
    assert ran == ["calendar", "panels", "done"]
    qtbot.wait(3 * TURN_MS)
    assert ran == ["calendar", "panels", "done"]


def test_a_new_run_replaces_the_rest_and_lets_go_of_what_the_last_held(qtbot: QtBot) -> None:
    turns = InTurns()
    ran: list[str] = []
    turns.run([lambda: ran.append("a1"), lambda: ran.append("a2")],
              done=lambda: ran.append("a done"))
    turns.run([lambda: ran.append("b1")], done=lambda: ran.append("b done"))
    assert ran == ["a1", "a done", "b1"]
    qtbot.waitUntil(lambda: not turns.busy, timeout=1000)
    assert ran == ["a1", "a done", "b1", "b done"]
    turns.run([lambda: ran.append("c1"), lambda: ran.append("c2")],
              done=lambda: ran.append("c done"))
    turns.cancel()  # a reload that shows everything at once
    assert ran[-2:] == ["c1", "c done"] and not turns.busy
    qtbot.wait(3 * TURN_MS)
    assert ran[-1] == "c done"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with closing(make_store(tmp_path / "data")) as opened:
        yield opened


def test_an_import_into_an_empty_window_is_shown_in_turns(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The calendar first (behind the first-run page), then the side panels, then the page;
    the pipeline's reading off the UI thread starts once all of them are painted."""
    monkeypatch.setattr(PipelineModel, "BACKGROUND_FROM", 1)  # read on a thread, as 1,000 are
    window = shown_window(qtbot, store)
    window.activateWindow()
    qtbot.waitUntil(window.empty_state.add_button.hasFocus, timeout=1000)  # the first run's
    assert window.central.currentWidget() is window.empty_state
    readings: list[bool] = []
    model = window.side_panel.pipeline_model
    start_reading = model._start_reading
    monkeypatch.setattr(model, "_start_reading",
                        lambda: (readings.append(window.reloaded()), start_reading()))
    parts: list[tuple[str, bool]] = []  # each part, and whether the first-run page was shown
    for name in ("_reload_calendar", "_reload_panels", "_reload_page"):
        part = getattr(window, name)
        monkeypatch.setattr(window, name, lambda *a, _p=part, _n=name: (
            parts.append((_n, window.central.currentWidget() is window.empty_state)), _p(*a)))
    other, _ = open_store(store.path.parent)  # an import in another process, say
    add_interview(other, "Acme", end=datetime(2026, 11, 25, 11, tzinfo=ZoneInfo("Europe/Paris")))
    other.close()
    window._reload_if_changed_elsewhere()  # the watch's tick
    assert parts == [("_reload_calendar", True)]  # the calendar at once, nothing else yet
    assert window.cache.interview_count == 1 and not window.reloaded()
    assert window.central.currentWidget() is window.empty_state
    qtbot.waitUntil(window.reloaded, timeout=1000)
    assert parts == [("_reload_calendar", True), ("_reload_panels", True), ("_reload_page", True)]
    assert window.central.currentWidget() is window.calendar and window.side_dock.isVisible()
    assert window.counts.text().startswith("1 interviews")
    # The keyboard went with the page to the calendar, not on to the Today list, whose first
    # follow-up it would have selected (and shown, moving the calendar to its day).
    focus = QApplication.focusWidget()
    assert focus is window.calendar or window.calendar.isAncestorOf(focus)
    assert window._selected == ("", "")
    qtbot.waitUntil(lambda: bool(readings), timeout=1000)
    assert readings == [True]  # after every part was shown, not beside them
    qtbot.waitUntil(lambda: not model.loading, timeout=5000)
    assert model.rowCount() > 0

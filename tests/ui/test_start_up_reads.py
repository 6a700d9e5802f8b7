"""What the window reads before its first paint does not grow with the store (issue 16).

Start-up reads what the first paint shows: the month's chips (a busy day's others are only
counted, "+N more"), Today's first page and the counts; the pipeline and the steps ahead are
read after it, the list of every follow-up when it is shown. Counted here, not timed: the
steps and interviews decoded from the store before the first paint, on a store of 400
interviews and on one of 2,000 over the same weeks (five times as busy a month, most
follow-ups overdue, as a store of imported invitations is). Both are above the sizes whose
pipeline (300 interviews) and list (2,000 follow-ups) are read whole at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from calendar_data import NOW, clock, fill_invitations, make_cache, make_store
from pytestqt.qtbot import QtBot

import followthrough.store.db as db
from followthrough.ui.calendar.month import MonthGrid
from followthrough.ui.first_paint import after_first_paint
from followthrough.ui.main_window import MainWindow


def _counting(counts: dict[str, int], key: str, decode: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[key] += 1
        return decode(*args, **kwargs)

    return counted


def _read_before_first_paint(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, folder: Path, interviews: int
) -> tuple[dict[str, int], MainWindow]:
    store = make_store(folder)
    fill_invitations(store, interviews)
    counts = {"steps": 0, "interviews": 0}
    monkeypatch.setattr(db, "step_from_dict", _counting(counts, "steps", db.step_from_dict))
    monkeypatch.setattr(
        db, "interview_from_dict", _counting(counts, "interviews", db.interview_from_dict)
    )
    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    painted: list[dict[str, int]] = []
    # Registered after the window's own: the first thing done once it is painted.
    after_first_paint(window, lambda: painted.append(dict(counts)))
    window.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=10_000)
    monkeypatch.undo()
    window.side_panel.pipeline_model.stop()  # what it reads after the paint is not counted
    return painted[0], window


def test_start_up_decodes_no_more_with_five_times_the_interviews(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    small, window = _read_before_first_paint(qtbot, monkeypatch, tmp_path / "small", 400)
    window.close()  # nothing of it is left to read while the other starts
    big, window = _read_before_first_paint(qtbot, monkeypatch, tmp_path / "big", 2000)
    month = window.calendar.month_view.model
    in_month = sum(len(month.day_events(day)) for day in month.days)
    shown = len(window.calendar.month_view._chips)  # a chip per event shown, and "+N more"
    today = window.side_panel.today_model
    assert in_month > 5000 and today.total > 5000  # a busy month, a long backlog...
    assert big["steps"] <= small["steps"] + 10  # ...of which no more is read than of a quiet one
    for each in (small, big):  # Today's first page and the month's chips, and their interviews
        assert each["steps"] <= today.BATCH + shown
        assert each["interviews"] <= today.BATCH + shown


def test_a_busy_days_events_read_in_part_are_its_events_in_order(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = make_store(tmp_path)
    fill_invitations(store, 300, timedelta(days=20))  # 15 interviews, a hundred steps a day
    store.set_setting("spread-steps", "yes")  # steps at different times of the day
    cache = make_cache(store)
    first, last = (NOW - timedelta(days=52)).date(), (NOW - timedelta(days=10)).date()
    days = cache.day_events(first, last, cancelled=True)
    every = cache.events(first, last, cancelled=True)
    assert max(len(events) for events in days.values()) > 3 * cache.DAY_ROWS
    assert sum(len(events) for events in days.values()) == len(every)
    for day, events in days.items():
        expected = [event.id for event in every if event.day == day]
        assert events[: cache.DAY_ROWS] == [  # the first ones, read at first...
            e for e in every if e.day == day][: cache.DAY_ROWS]
        assert events.ids == expected  # ...then the rest of the day when asked for
        assert [event.id for event in events] == expected
        assert events.built == len(expected)
    for day, events in cache.day_events(first, last, cancelled=True).items():
        ids = [event.id for event in every if event.day == day]
        assert events.has(ids[-1]) and not events.has("no such event")  # the rest read if needed
    # An event past a busy day's first ones, chosen elsewhere (in Today), is found and shown.
    month = MonthGrid(cache, first_weekday=1)
    qtbot.addWidget(month)
    month.resize(900, 600)
    month.show()
    month.set_date(first + timedelta(days=10))
    busy = max(month.model.days, key=lambda day: len(month.model.day_events(day)))
    hidden = month.model.day_events(busy).ids[-1]
    assert month.select_event(hidden)
    assert (month.current_date, month.current_event().id) == (busy, hidden)  # type: ignore[union-attr]
    assert any(chip.event is not None and chip.event.id == hidden for chip in month._chips)

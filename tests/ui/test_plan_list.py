"""The list of every follow-up: overdue shown as overdue, sorted by any column, columns that
fit what they hold."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from followthrough.store import Store, open_store
from followthrough.ui.calendar.events import OVERDUE_COLOUR, EventStatus
from followthrough.ui.calendar.plan_list import PlanList, PlanModel
from one_interview import add_acme


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(tmp_path / "data")
    opened.set_setting("timezone", "Europe/Paris")
    acme = add_acme(opened)
    opened.add_interview(replace(acme, id="", company="Zeta Corp",
                                 start=acme.start + timedelta(days=2),
                                 end=acme.end + timedelta(days=2)))
    yield opened
    opened.close()


def _list(qtbot: QtBot, store: Store, today: date) -> PlanList:
    view = PlanList()
    qtbot.addWidget(view)
    view.resize(1000, 500)
    steps = [s.step for s in store.steps()]
    view.plan_model.set_plan(store.interviews(), steps, store.settings().zone, today)
    view.show()
    return view


def _column(view: PlanList, column: int) -> list[str]:
    model = view.plan_model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_a_planned_step_in_the_past_is_overdue_in_red(qtbot: QtBot, store: Store) -> None:
    view = _list(qtbot, store, today=date(2026, 12, 20))  # every step's day has passed
    model = view.plan_model
    statuses = _column(view, 4)
    assert set(statuses) == {EventStatus.OVERDUE.label}
    assert model.index(0, 4).data(Qt.ItemDataRole.ForegroundRole) == QColor(OVERDUE_COLOUR)
    view.plan_model.set_plan(store.interviews(), [s.step for s in store.steps()],
                             store.settings().zone, date(2026, 11, 1))
    assert set(_column(view, 4)) == {EventStatus.PLANNED.label}
    assert model.index(0, 4).data(Qt.ItemDataRole.ForegroundRole) is None


def test_any_column_sorts_with_a_click_and_rows_stay_whole(qtbot: QtBot, store: Store) -> None:
    view = _list(qtbot, store, today=date(2026, 11, 25))
    model = view.plan_model
    starts = [model.step_at(r).start for r in range(model.rowCount())]
    assert starts == sorted(starts)  # in time order at first
    header = view.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(2) + header.sectionSize(2) // 2,
                    header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)  # "Company"
    companies = _column(view, 2)
    assert companies == sorted(companies, key=str.casefold)
    assert companies[0] == "Acme" and companies[-1] == "Zeta Corp"
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)  # again: Z to A
    assert _column(view, 2)[0] == "Zeta Corp"
    view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    order = [s.label for s in PlanModel.STATUS_ORDER]
    ranks = [order.index(label) for label in _column(view, 4)]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]  # overdue first, planned last
    for row in range(model.rowCount()):  # each row's cells belong to its step
        step = model.step_at(row)
        assert model.index(row, 1).data() == step.title


def test_columns_are_as_wide_as_their_content(qtbot: QtBot, store: Store) -> None:
    view = _list(qtbot, store, today=date(2026, 11, 25))
    metrics = view.fontMetrics()
    for column in (0, 2, 3, 4):
        widest = max(metrics.horizontalAdvance(text) for text in _column(view, column))
        assert view.columnWidth(column) >= widest, column


def test_the_window_reads_the_whole_plan_only_for_the_list(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change repaints the calendar and panels; the List, which holds every follow-up, is read
    again only when it is shown or its model is asked for (issue 18: the end of each sync)."""
    from window_helpers import shown_window

    from followthrough.ui.main_window import LIST

    window = shown_window(qtbot, store)
    whole: list[tuple[object, ...]] = []
    steps = store.steps

    def counted(*args: object, **kwargs: object) -> object:
        if not args and not kwargs.get("interview_id"):
            whole.append(args)
        return steps(*args, **kwargs)

    monkeypatch.setattr(store, "steps", counted)
    window.reload()
    window.reload()
    assert whole == []
    assert window.plan_model.rowCount() == len(steps())  # asked for: read then
    assert len(whole) == 1
    assert window.plan_model.rowCount() and len(whole) == 1  # not again until a change
    window.reload()
    window.calendar.set_view(LIST)
    assert len(whole) == 2
    window.reload()  # shown: each change reads it again
    assert len(whole) == 3

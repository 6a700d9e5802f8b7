"""The calendar's item models: events on the right days, status and colour roles, the pipeline."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from calendar_data import NOW, PARIS, add_interview, make_cache, make_store
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from followthrough.core.model import Activity, ActivityKind, Outcome, StepStatus
from followthrough.store import Store
from followthrough.ui.calendar.day_models import AgendaModel, CalendarModel
from followthrough.ui.calendar.events import KIND_COLOURS, EventStatus, display_status, kind_colour
from followthrough.ui.calendar.item_model import Roles
from followthrough.ui.calendar.pipeline import PipelineState
from followthrough.ui.calendar.pipeline_model import PipelineModel, _PipelineTask
from followthrough.ui.calendar.step_drag import read_step_mime
from followthrough.ui.calendar.today_model import TodayModel


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = make_store(tmp_path)
    yield store
    store.close()


def _titles_on(model: CalendarModel, day: date) -> list[str]:
    parent = model.day_index(day)
    rows = range(model.rowCount(parent))
    return [model.index(r, 0, parent).data(Roles.EVENT).title for r in rows]


def test_month_model_puts_events_on_their_days(qtmodeltester, store: Store) -> None:
    add_interview(store)
    model = CalendarModel(make_cache(store))
    model.set_range(date(2026, 10, 26), date(2026, 12, 6))
    qtmodeltester.check(model)
    assert model.rowCount() == 42
    assert _titles_on(model, date(2026, 11, 23)) == ["Interview: Acme"]
    # One message a day to each person (issue 15): the note goes the day after the thank-you.
    assert _titles_on(model, date(2026, 11, 24)) == ["Thank-you to Ana Diaz"]
    assert _titles_on(model, date(2026, 11, 25)) == ["Handwritten note to Ana Diaz"]
    assert _titles_on(model, date(2026, 11, 26)) == ["Status check with Acme"]
    assert _titles_on(model, date(2026, 11, 30)) == ["Follow-up call to Ana Diaz"]
    # The day rows say which day they are.
    assert model.day_index(date(2026, 11, 26)).data(Roles.DATE) == date(2026, 11, 26)
    assert model.day_index(date(2026, 11, 26)).data(Roles.KIND) == "day"


def test_event_roles(qtmodeltester, store: Store) -> None:
    add_interview(store)
    model = CalendarModel(make_cache(store))
    model.set_range(date(2026, 11, 23), date(2026, 11, 29))
    qtmodeltester.check(model)
    thanks = next(e for e in model.events_on(date(2026, 11, 24)) if e.step_kind == "thank-you")
    index = model.event_index(thanks.id)
    assert index.data(Roles.KIND) == "step"
    assert index.data(Roles.ID) == thanks.id
    assert index.data(Roles.STEP_KIND) == "thank-you"
    assert index.data(Roles.STATUS) == "overdue"  # planned for the 24th; it is the 25th
    assert index.data(Roles.COLOUR) == QColor(KIND_COLOURS["thank-you"])
    assert index.data(Qt.ItemDataRole.DecorationRole) == QColor(KIND_COLOURS["thank-you"])
    start = index.data(Roles.START)
    assert start.tzinfo is not None and start.astimezone(PARIS).date() == date(2026, 11, 24)
    assert index.data(Roles.END) > start
    assert "Ana Diaz" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Overdue" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert index.flags() & Qt.ItemFlag.ItemIsDragEnabled
    status_check = model.events_on(date(2026, 11, 26))[0]
    assert model.event_index(status_check.id).data(Roles.STATUS) == "planned"
    interview = model.events_on(date(2026, 11, 23))[0]
    index = model.event_index(interview.id)
    assert index.data(Roles.KIND) == "interview"
    assert not index.flags() & Qt.ItemFlag.ItemIsDragEnabled


def test_statuses_follow_the_store(store: Store) -> None:
    interview = add_interview(store)
    cache = make_cache(store)
    model = CalendarModel(cache)
    model.set_range(date(2026, 11, 23), date(2026, 12, 13))
    steps = {e.step_kind: e for e in cache.events(date(2026, 11, 23), date(2026, 12, 13))}
    store.record(interview.id, Activity(ActivityKind.DONE, NOW, step="thank-you.p1", how="email"))
    store.record(interview.id, Activity(ActivityKind.SKIP, NOW, step="note"))
    model.reload()
    assert model.event_index(steps["thank-you"].id).data(Roles.STATUS) == "done"
    assert model.event_index(steps["note"].id).data(Roles.STATUS) == "skipped"
    assert model.event_index(steps["note"].id).data(Qt.ItemDataRole.FontRole).strikeOut()
    # A reply cancels the chasers: they leave the calendar unless cancelled ones are shown.
    store.record(interview.id, Activity(ActivityKind.REPLY, NOW))
    model.reload()
    assert not model.event_index(steps["status-check"].id).isValid()
    model.set_show_cancelled(True)
    assert model.event_index(steps["status-check"].id).data(Roles.STATUS) == "cancelled"


def test_display_status_by_day() -> None:
    today = date(2026, 11, 25)
    at = datetime(2026, 11, 25, 9, tzinfo=PARIS)
    assert display_status(StepStatus.PLANNED, at, today) is EventStatus.DUE
    assert display_status(StepStatus.PLANNED, at - timedelta(days=1), today) is EventStatus.OVERDUE
    assert display_status(StepStatus.PLANNED, at + timedelta(days=1), today) is EventStatus.PLANNED
    assert display_status(StepStatus.DONE, at - timedelta(days=1), today) is EventStatus.DONE
    assert display_status(StepStatus.CANCELLED, at, today) is EventStatus.CANCELLED
    assert {s.mark for s in EventStatus if s is not EventStatus.PLANNED}.isdisjoint({""})


def test_kind_colours_are_stable_and_distinct() -> None:
    assert kind_colour("my-own-kind") == kind_colour("my-own-kind")
    assert kind_colour("my-own-kind").isValid()
    assert len({kind_colour(k).name() for k in KIND_COLOURS}) == len(KIND_COLOURS)


def test_agenda_lists_days_with_steps_and_draft_lines(qtmodeltester, store: Store) -> None:
    add_interview(store)
    model = AgendaModel(make_cache(store))
    model.set_range(date(2026, 11, 25), date(2026, 12, 8))
    qtmodeltester.check(model)
    days = [model.index(r, 0).data(Roles.DATE) for r in range(model.rowCount())]
    # Today is 25 November: the agenda starts with what is overdue, then today on (the note,
    # a day after the thank-you since issue 15).
    assert days == [None, date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 30),
                    date(2026, 12, 7)]
    overdue = model.index(0, 0)
    late = [model.event_at(model.index(r, 0, overdue)) for r in range(model.rowCount(overdue))]
    assert late and overdue.data() == f"Overdue ({len(late)})"
    assert all(e.day < date(2026, 11, 25) and e.status is EventStatus.OVERDUE for e in late)
    assert model.in_overdue_group(overdue) and model.in_overdue_group(model.index(0, 0, overdue))
    first_day = model.index(2, 0)
    row = model.index(0, AgendaModel.TITLE, first_day)
    assert "Status check with Acme" in row.data()
    # Spread over the morning (issue 15): from 09:00 to noon, on a five-minute mark.
    assert re.fullmatch(r"(09|10|11):[0-5][05]|12:00",
                        model.index(0, AgendaModel.TIME, first_day).data())
    assert model.index(0, AgendaModel.COMPANY, first_day).data() == "Acme"
    draft = model.index(0, AgendaModel.DRAFT, first_day).data()
    assert "Engineer" in draft and "\n" not in draft
    assert model.index(0, AgendaModel.STATUS, first_day).data() == "Planned"


def test_model_drop_on_a_day_asks_to_move_keeping_the_time(qtbot: QtBot, store: Store) -> None:
    add_interview(store)
    model = CalendarModel(make_cache(store))
    model.set_range(date(2026, 11, 23), date(2026, 11, 29))
    event = model.events_on(date(2026, 11, 26))[0]
    mime = model.mimeData([model.event_index(event.id)])
    assert read_step_mime(mime) == (event.id, event.start)
    target = model.day_index(date(2026, 11, 27))
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    with qtbot.waitSignal(model.move_requested) as moved:
        model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    assert moved.args == [event.id, event.start.replace(day=27)]  # at the same time
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())


def test_today_lists_due_and_overdue_steps(qtmodeltester, store: Store) -> None:
    add_interview(store)
    add_interview(store, "Globex", end=datetime(2026, 11, 24, 15, 0, tzinfo=PARIS))
    model = TodayModel(make_cache(store))
    model.reload()
    qtmodeltester.check(model)
    statuses = {model.index(r).data(Roles.STATUS) for r in range(model.rowCount())}
    assert statuses <= {"due", "overdue"} and "overdue" in statuses
    texts = [model.index(r).data() for r in range(model.rowCount())]
    assert any("Thank-you to Ana Diaz · Acme" in t for t in texts)
    assert any("Globex" in t for t in texts)


def test_pipeline_groups_interviews_by_state(qtmodeltester, store: Store) -> None:
    waiting = add_interview(store, "Acme")
    replied = add_interview(store, "Globex", person="Kim Park")
    offer = add_interview(store, "Initech")
    rejected = add_interview(store, "Umbrella")
    store.record(replied.id, Activity(ActivityKind.REPLY, NOW))
    store.record(offer.id, Activity(ActivityKind.OUTCOME, NOW, outcome=Outcome.OFFER))
    store.record(rejected.id, Activity(ActivityKind.OUTCOME, NOW, outcome=Outcome.REJECTED))
    model = PipelineModel(make_cache(store))
    model.reload()
    qtmodeltester.check(model)
    assert model.rowCount() == 5

    def companies(state: PipelineState) -> list[str]:
        group = model.index(model.state_row(state), 0)
        return [model.index(r, 0, group).data() for r in range(model.rowCount(group))]

    assert companies(PipelineState.WAITING) == ["Acme"]
    assert companies(PipelineState.REPLIED) == ["Globex"]
    assert companies(PipelineState.OFFER) == ["Initech"]
    assert companies(PipelineState.REJECTED) == ["Umbrella"]
    assert companies(PipelineState.CLOSED) == []
    assert model.index(0, 0).data() == "Waiting (1)"
    acme = model.interview_index(waiting.id)
    assert acme.data(Roles.ID) == waiting.id
    assert "·" in model.index(acme.row(), PipelineModel.NEXT, acme.parent()).data()

    # Searching and keeping one state: in the model, groups without a match left out.
    model.set_search("KIM")  # an interviewer's name, in any case
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    group = model.index(0, 0)
    assert group.data(Roles.STATUS) == "replied"
    assert group.data() == "Replied (1)"
    assert model.index(0, 0, group).data() == "Globex"
    assert model.state_row(PipelineState.WAITING) == -1
    assert not model.interview_index(waiting.id).isValid()
    model.set_search("")
    model.set_state("offer")
    assert model.rowCount() == 1
    assert model.index(0, 0, model.index(0, 0)).data() == "Initech"
    model.set_state("")
    assert model.rowCount() == 5
    assert companies(PipelineState.WAITING) == ["Acme"]


def test_month_switch_reuses_what_was_read(store: Store) -> None:
    for n in range(5):
        add_interview(store, f"Company {n}", end=datetime(2026, 11, 2 + n, 15, tzinfo=PARIS))
    cache = make_cache(store)
    model = CalendarModel(cache)
    model.set_range(date(2026, 10, 26), date(2026, 12, 6))
    calls: list[int] = []
    original = store.stored_steps
    store.stored_steps = lambda ids: calls.append(len(list(ids))) or original(ids)  # type: ignore[method-assign]
    model.set_range(date(2026, 9, 28), date(2026, 11, 8))
    model.set_range(date(2026, 10, 26), date(2026, 12, 6))
    assert calls == []  # everything shown had been read already


def test_interviews_read_by_the_pipeline_are_adopted_while_unchanged(store: Store) -> None:
    acme = add_interview(store, "Acme")
    globex = add_interview(store, "Globex")
    stored = store.stored_interviews()
    store.record(globex.id, Activity(ActivityKind.REPLY, NOW))  # changed since that reading
    cache = make_cache(store)
    cache.adopt_interviews(stored)
    asked: list[list[str]] = []
    original = store.stored_interviews
    store.stored_interviews = lambda ids=None: asked.append(list(ids or [])) or original(ids)  # type: ignore[method-assign]
    parents = cache.stored_interviews([acme.id, globex.id])
    assert asked == [[globex.id]]  # only the changed one is read again
    assert parents[acme.id] is next(s for s in stored if s.interview.id == acme.id)
    assert [a.kind for a in parents[globex.id].activities] == [ActivityKind.REPLY]


def test_a_large_pipeline_is_read_off_the_ui_thread(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_interview(store, "Acme")
    replied = add_interview(store, "Globex")
    store.record(replied.id, Activity(ActivityKind.REPLY, NOW))
    monkeypatch.setattr(PipelineModel, "BACKGROUND_FROM", 1)
    model = PipelineModel(make_cache(store))
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.reload()
        assert model.loading
    assert not model.loading
    group = model.index(model.state_row(PipelineState.REPLIED), 0)
    assert model.index(0, 0, group).data() == "Globex"
    # Two reloads in a row: one reading, begun once the event loop turns (after the
    # window's repaint of the change, which it would otherwise compete with).
    started: list[object] = []
    original_start = model._start_reading
    monkeypatch.setattr(model, "_start_reading", lambda: started.append(1) or original_start())
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.reload()
        model.reload()
        assert started == [] and model.loading
    model.wait()
    assert started == [1]
    assert model.rowCount(model.index(model.state_row(PipelineState.WAITING), 0)) == 1
    # Held (while the window is first shown): nothing is read until released.
    store.record(replied.id, Activity(ActivityKind.OUTCOME, NOW, outcome=Outcome.OFFER))
    model.hold()
    model.reload()
    model.wait()
    qtbot.wait(50)
    offers = model.index(model.state_row(PipelineState.OFFER), 0)
    assert model.loading and model.rowCount(offers) == 0
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.release()
    assert not model.loading
    offers = model.index(model.state_row(PipelineState.OFFER), 0)
    assert model.index(0, 0, offers).data() == "Globex"


def test_every_step_is_read_ahead_off_the_ui_thread(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the pipeline, its thread reads every step for the calendar: a month not seen
    yet then shows without reading steps on the UI thread, unless one changed since."""
    for n in range(4):
        add_interview(store, f"Company {n}", end=datetime(2026, 11, 2 + 7 * n, 15, tzinfo=PARIS))
    monkeypatch.setattr(PipelineModel, "BACKGROUND_FROM", 1)
    monkeypatch.setattr(_PipelineTask, "STEP_BATCH", 3)  # several batches
    monkeypatch.setattr(_PipelineTask, "SHOWN_WAIT_S", 30.0)
    cache = make_cache(store)
    model = PipelineModel(cache)
    batches: list[object] = []
    model._signals.steps.connect(lambda _generation, steps: batches.append(steps))
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.reload()
    # Not while the window shows the pipeline: the steps wait for that (the model's event).
    assert batches == [] and not model.read_ahead_done
    qtbot.waitUntil(lambda: model.read_ahead_done, timeout=10_000)  # long before 30 s
    model.wait()
    assert len(batches) > 1
    asked: list[list[str]] = []
    original = store.stored_steps
    store.stored_steps = lambda ids: asked.append(list(ids)) or original(ids)  # type: ignore[method-assign]
    first = cache.events(date(2026, 10, 26), date(2027, 1, 31))
    assert first and asked == []  # everything came from the thread
    assert model.read_ahead_done
    reads: list[int] = []
    monkeypatch.setattr(
        Store, "stored_steps", lambda self, ids: reads.append(len(list(ids))) or {}
    )
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.reload()  # after a change: the pipeline again, the steps not read ahead again
    model.wait()
    assert reads == []
    monkeypatch.undo()
    moved = next(e for e in first if e.is_step and e.status.open)
    key = moved.id.split(".", 1)[1]
    store.record(
        moved.interview_id,
        Activity(ActivityKind.MOVE, NOW, step=key, to=moved.start + timedelta(hours=1)),
    )
    cache.refresh()
    again = cache.events(date(2026, 10, 26), date(2027, 1, 31))
    # Only what changed since is read again (the moved step, perhaps its interview's others).
    assert len(asked) == 1 and moved.id in asked[0]
    assert set(asked[0]) <= {e.id for e in first if e.interview_id == moved.interview_id}
    assert next(e for e in again if e.id == moved.id).start == moved.start + timedelta(hours=1)


def test_the_window_reads_a_large_pipeline_once_it_is_painted(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followthrough.ui.main_window import MainWindow

    add_interview(store, "Acme")
    monkeypatch.setattr(PipelineModel, "BACKGROUND_FROM", 1)
    window = MainWindow(store, [])
    qtbot.addWidget(window)
    model = window.side_panel.pipeline_model
    model.wait()
    assert model.loading  # held: the window is not on screen yet
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        window.show()
    group = model.index(model.state_row(PipelineState.WAITING), 0)
    assert model.index(0, 0, group).data() == "Acme"
    model.wait()


def test_delegates_read_every_cell_in_one_call_with_the_values_data_gives(
    qtbot: QtBot, store: Store
) -> None:
    """Views read a cell's roles at once (multiData); the answers are data()'s, and they
    follow the store after a reload rather than what was kept for the cell."""
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    interview = add_interview(store)
    model = AgendaModel(make_cache(store))
    model.set_range(date(2026, 11, 25), date(2026, 12, 8))
    delegate = QStyledItemDelegate()

    def cells() -> list[QModelIndex]:
        found = []
        for day_row in range(model.rowCount()):
            day = model.index(day_row, 0)
            found.append(day)
            for row in range(model.rowCount(day)):
                found.extend(model.index(row, c, day) for c in range(model.columnCount(day)))
        return found

    def seen(index: QModelIndex) -> tuple[str, bool, bool]:
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, index)
        return option.text, option.font.bold(), option.font.strikeOut()

    def expected(index: QModelIndex) -> tuple[str, bool, bool]:
        font = index.data(Qt.ItemDataRole.FontRole)
        return (
            index.data() or "",
            bool(font and font.bold()),
            bool(font and font.strikeOut()),
        )

    for index in cells():
        assert seen(index) == expected(index)
    assert any(seen(i)[0] == "Acme" for i in cells())
    store.update_interview(replace(interview, company="Initech"))
    model.reload()
    companies = {seen(i)[0] for i in cells() if i.column() == AgendaModel.COMPANY}
    assert companies == {"Initech"}
    for index in cells():
        assert seen(index) == expected(index)


def test_today_reads_a_long_backlog_a_page_at_a_time_in_order(store: Store) -> None:
    for n in range(6):
        add_interview(store, f"Company {n}", end=datetime(2026, 11, 10 + n, 15, tzinfo=PARIS))
    cache = make_cache(store)
    everything = cache.due_rows()
    today = [r for r in everything if r[5] >= cache._bounds(cache.today(), cache.today())[0]]
    past = everything[len(today):]
    assert [r[5] for r in past] == sorted((r[5] for r in past), reverse=True)
    assert cache.due_count() == len(everything) > 7
    pages = [cache.due_rows(start, 3) for start in range(0, len(everything), 3)]
    assert [row for page in pages for row in page] == everything
    model = TodayModel(cache)
    model.BATCH = 3
    model.reload()
    assert model.total == len(everything) and model.rowCount() == 3
    while model.canFetchMore():
        model.fetchMore()
    assert [model.event_at(model.index(r)).id for r in range(model.rowCount())] == [
        r[0] for r in everything
    ]


def test_the_agenda_shows_overdue_steps_only_when_it_starts_today(store: Store) -> None:
    add_interview(store)
    model = AgendaModel(make_cache(store))
    model.set_range(date(2026, 11, 26), date(2026, 12, 9))  # from tomorrow: no group
    assert model.index(0, 0).data(Roles.DATE) == date(2026, 11, 26)
    assert not model.in_overdue_group(model.index(0, 0))


def test_a_change_that_keeps_the_rows_repaints_them_without_a_reset(
    qtbot: QtBot, store: Store
) -> None:
    """A step done leaves every application in its row: the rows are repainted, the tree is
    not laid out again (nor its groups closed); an application that changes group resets."""
    from PySide6.QtWidgets import QTreeView

    acme = add_interview(store, "Acme")
    add_interview(store, "Globex")
    model = PipelineModel(make_cache(store))
    model.reload()
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.expandAll()
    waiting = model.index(model.state_row(PipelineState.WAITING), 0)
    row = next(r for r in range(model.rowCount(waiting))
               if model.index(r, 0, waiting).data() == "Acme")
    before = model.index(row, PipelineModel.NEXT, waiting).data()
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda first, last, *_: changed.append((first.row(), last.row())))
    first_step = min((s.step for s in store.steps(acme.id)), key=lambda s: s.start)
    store.record(acme.id, Activity(ActivityKind.DONE, NOW, step=first_step.key, how="email"))
    model.reload()
    assert resets == [] and changed == [(row, row)]
    assert view.isExpanded(waiting)
    assert model.index(row, PipelineModel.NEXT, waiting).data() != before
    model.reload()  # nothing changed: nothing repainted
    assert resets == [] and changed == [(row, row)]
    store.record(acme.id, Activity(ActivityKind.REPLY, NOW))  # moves to another group
    model.reload()
    assert resets == [1]
    replied = model.index(model.state_row(PipelineState.REPLIED), 0)
    assert model.index(0, 0, replied).data() == "Acme"

"""Month, week and agenda views: events on their days, navigation, keyboard, drag and drop."""

from __future__ import annotations

import gc
import itertools
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from calendar_data import PARIS, add_interview, make_cache, make_store
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDropEvent, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QToolTip
from pytestqt.qtbot import QtBot

from followthrough.core.model import Activity, ActivityKind
from followthrough.store import Store
from followthrough.ui.calendar.day_models import AgendaModel
from followthrough.ui.calendar.day_popup import DayPopup
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.month import MonthGrid
from followthrough.ui.calendar.painting import _luminance
from followthrough.ui.calendar.periods import month_grid_start, week_start
from followthrough.ui.calendar.step_drag import STEP_MIME
from followthrough.ui.calendar.week import WeekView
from followthrough.ui.calendar.widget import AGENDA, MONTH, WEEK, CalendarWidget


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    add_interview(store)
    yield store
    store.close()


@pytest.fixture
def cache(store: Store) -> EventCache:
    return make_cache(store)


def _calendar(qtbot: QtBot, cache: EventCache) -> CalendarWidget:
    widget = CalendarWidget(cache, first_weekday=1)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _month(qtbot: QtBot, cache: EventCache, size: tuple[int, int] = (910, 640)) -> MonthGrid:
    month = MonthGrid(cache, first_weekday=1)
    qtbot.addWidget(month)
    month.resize(*size)
    month.show()
    qtbot.waitExposed(month)
    month.set_date(date(2026, 11, 25))
    return month


def _week(qtbot: QtBot, cache: EventCache) -> WeekView:
    week = WeekView(cache, first_weekday=1)
    qtbot.addWidget(week)
    week.resize(900, 600)
    week.show()
    week.grid.set_date(date(2026, 11, 25))
    return week


def _chip(view: MonthGrid, title: str):  # type: ignore[no-untyped-def]
    return next(c for c in view._chips if c.event is not None and c.event.title == title)


def test_grid_starts() -> None:
    assert week_start(date(2026, 11, 25), 1) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 25), 7) == date(2026, 11, 22)
    assert month_grid_start(date(2026, 11, 25), 1) == date(2026, 10, 26)
    assert month_grid_start(date(2026, 6, 15), 1) == date(2026, 6, 1)


def test_month_shows_events_in_their_day_cells(qtbot: QtBot, cache: EventCache) -> None:
    month = _month(qtbot, cache)
    assert (month.model.first, month.model.last) == (date(2026, 10, 26), date(2026, 12, 6))
    for title, day in (
        ("Status check with Acme", date(2026, 11, 26)),
        ("Thank-you to Ana Diaz", date(2026, 11, 24)),
        ("Follow-up call to Ana Diaz", date(2026, 11, 30)),
        ("Interview: Acme", date(2026, 11, 23)),
    ):
        chip = _chip(month, title)
        assert chip.day == day
        assert month.cell_rect(day).contains(chip.rect), title
    assert month.accessibleName() == "Month view"
    month.grab()  # paints without error


def test_full_days_say_how_many_more(qtbot: QtBot, store: Store) -> None:
    for n in range(6):
        add_interview(store, f"Company {n}", person=f"Person {n}")
    month = _month(qtbot, make_cache(store), size=(700, 420))
    more = [c for c in month._chips if c.event is None and c.day == date(2026, 11, 24)]
    assert more and more[0].hidden > 0
    shown = [c for c in month._chips if c.event is not None and c.day == date(2026, 11, 24)]
    assert len(shown) + more[0].hidden == len(month.model.events_on(date(2026, 11, 24)))
    QTest.mouseClick(month, Qt.MouseButton.LeftButton, pos=more[0].rect.center().toPoint())
    popup = month.day_popup
    assert isinstance(popup, DayPopup) and popup.isVisible()
    everything = month.model.events_on(date(2026, 11, 24))
    listed = [popup.list.item(row) for row in range(popup.list.count())]
    assert [item.text() for item in listed] == [f"{e.times_text()}  {e.title}" for e in everything]
    assert all(item.toolTip() for item in listed)
    # Enter on one of them opens it, as a double-click on its chip does.
    popup.list.setCurrentRow(len(listed) - 1)
    last = everything[-1]
    signal = month.step_activated if last.is_step else month.interview_activated
    with qtbot.waitSignal(signal) as opened:
        QTest.keyClick(popup.list, Qt.Key.Key_Return)
    assert opened.args == [last.id] and month.current_event_id == last.id
    assert not popup.isVisible()
    # Or the popup shows the whole week of that day.
    QTest.mouseClick(month, Qt.MouseButton.LeftButton, pos=more[0].rect.center().toPoint())
    again = month.day_popup
    assert isinstance(again, DayPopup) and again is not popup
    with qtbot.waitSignal(month.day_activated) as shown_day:
        again.findChild(QPushButton).click()
    assert shown_day.args == [date(2026, 11, 24)]


def test_navigation_and_mini_month(qtbot: QtBot, cache: EventCache) -> None:
    widget = _calendar(qtbot, cache)
    assert widget.current_date == date(2026, 11, 25)  # the cache's clock says today
    assert widget.period_label.text() == "November 2026"
    widget.next_button.click()
    assert widget.period_label.text() == "December 2026"
    assert widget.month_view.model.first == date(2026, 11, 30)
    widget.previous_button.click()
    widget.previous_button.click()
    assert widget.period_label.text() == "October 2026"
    widget.today_button.click()
    assert widget.current_date == date(2026, 11, 25)
    widget.mini_month.clicked.emit(widget.mini_month.selectedDate().addDays(40))
    assert widget.current_date == date(2027, 1, 4)
    assert widget.period_label.text() == "January 2027"
    widget.set_view(WEEK)
    widget.set_date(date(2026, 11, 25))
    assert widget.period_label.text() == "23 Nov – 29 Nov 2026"
    widget.next_action.trigger()
    assert widget.week_view.grid.model.first == date(2026, 11, 30)
    widget.set_view(AGENDA)
    assert widget.stack.currentWidget() is widget.agenda_view
    widget.view_actions[MONTH].trigger()
    assert widget.current_view == MONTH and widget.stack.currentWidget() is widget.month_view


def test_month_keyboard_moves_between_days_and_events(qtbot: QtBot, cache: EventCache) -> None:
    month = _month(qtbot, cache)
    month.setFocus()
    with qtbot.waitSignal(month.current_date_changed):
        QTest.keyClick(month, Qt.Key.Key_Right)
    assert month.current_date == date(2026, 11, 26)
    with qtbot.waitSignal(month.selection_changed) as selected:
        QTest.keyClick(month, Qt.Key.Key_Down)
    assert selected.args[0] == "step"
    status_check = month.model.events_on(date(2026, 11, 26))[0]
    assert selected.args[1] == status_check.id
    assert "Status check with Acme" in month.accessibleDescription()
    with qtbot.waitSignal(month.step_activated) as activated:
        QTest.keyClick(month, Qt.Key.Key_Return)
    assert activated.args == [status_check.id]
    QTest.keyClick(month, Qt.Key.Key_Down)  # past the last event: the week below
    assert month.current_date == date(2026, 12, 3)
    QTest.keyClick(month, Qt.Key.Key_PageDown)
    assert month.current_date == date(2027, 1, 3)
    assert month.model.first == month_grid_start(date(2027, 1, 3), 1)


def test_alt_arrows_move_the_current_step(qtbot: QtBot, cache: EventCache) -> None:
    month = _month(qtbot, cache)
    event = month.model.events_on(date(2026, 11, 26))[0]
    assert month.select_event(event.id)
    with qtbot.waitSignal(month.step_moved) as moved:
        QTest.keyClick(month, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert moved.args == [event.id, datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)]


def test_double_click_opens_a_step_and_click_selects(qtbot: QtBot, cache: EventCache) -> None:
    month = _month(qtbot, cache)
    chip = _chip(month, "Status check with Acme")
    with qtbot.waitSignal(month.selection_changed) as selected:
        QTest.mouseClick(month, Qt.MouseButton.LeftButton, pos=chip.rect.center().toPoint())
    assert selected.args == ["step", chip.event.id]
    with qtbot.waitSignal(month.step_activated) as activated:
        QTest.mouseDClick(month, Qt.MouseButton.LeftButton, pos=chip.rect.center().toPoint())
    assert activated.args == [chip.event.id]
    interview = _chip(month, "Interview: Acme")
    with qtbot.waitSignal(month.interview_activated):
        QTest.mouseDClick(month, Qt.MouseButton.LeftButton, pos=interview.rect.center().toPoint())


def _drop(view, pos: QPointF, step_id: str, start: datetime) -> QDropEvent:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setData(STEP_MIME, f"{step_id}\n{start.isoformat()}".encode())
    event = QDropEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)
    return event


def test_drop_on_another_day_moves_the_step_keeping_its_time(
    qtbot: QtBot, cache: EventCache
) -> None:
    month = _month(qtbot, cache)
    chip = _chip(month, "Status check with Acme")
    target = month.cell_rect(date(2026, 12, 2)).center()
    with qtbot.waitSignal(month.step_moved) as moved:
        event = _drop(month, target, chip.event.id, chip.event.start)
    assert event.isAccepted()
    assert moved.args == [chip.event.id, datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)]
    # Anything but a step (a file, say) is left to the window.
    files = QMimeData()  # kept: the event does not own it
    files.setText("file:///tmp/invitation.ics")
    other = QDropEvent(target, Qt.DropAction.CopyAction, files, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    month.dropEvent(other)
    assert not other.isAccepted()


def test_week_shows_blocks_at_their_times(qtbot: QtBot, cache: EventCache) -> None:
    week = _week(qtbot, cache)
    grid = week.grid
    assert (grid.model.first, grid.model.last) == (date(2026, 11, 23), date(2026, 11, 29))
    status = next(c for c in grid._chips if c.event.title == "Status check with Acme")
    column = grid.column_rect(date(2026, 11, 26))
    assert column.left() <= status.rect.left() and status.rect.right() <= column.right()
    assert abs(status.rect.top() - 9 * grid.hour_height()) < 3
    interview = next(c for c in grid._chips if c.event.kind == "interview")
    assert abs(interview.rect.top() - 14 * grid.hour_height()) < 3
    assert abs(interview.rect.height() - grid.hour_height()) < 4
    week.grab()


def test_week_drop_snaps_to_a_quarter_hour(qtbot: QtBot, cache: EventCache) -> None:
    week = _week(qtbot, cache)
    grid = week.grid
    status = next(c for c in grid._chips if c.event.title == "Status check with Acme")
    target = grid.point_for(datetime(2026, 11, 27, 14, 22, tzinfo=PARIS))
    with qtbot.waitSignal(grid.step_moved) as moved:
        _drop(grid, target, status.event.id, status.event.start)
    assert moved.args == [status.event.id, datetime(2026, 11, 27, 14, 15, tzinfo=PARIS)]
    # Grabbed lower down in the block: the block's top lands where it was, not the pointer.
    grid._drag_offset = timedelta(minutes=30)
    with qtbot.waitSignal(grid.step_moved) as moved:
        grid.drop_step(status.event.id, status.event.start,
                       grid.point_for(datetime(2026, 11, 27, 16, 30, tzinfo=PARIS)))
    assert moved.args[1] == datetime(2026, 11, 27, 16, 0, tzinfo=PARIS)


def test_week_keyboard_enter_opens_the_step(qtbot: QtBot, cache: EventCache) -> None:
    widget = _calendar(qtbot, cache)
    widget.set_view(WEEK)
    grid = widget.week_view.grid
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_Right)
    assert grid.current_date == date(2026, 11, 26)
    QTest.keyClick(grid, Qt.Key.Key_Down)
    event = grid.current_event()
    assert event is not None and event.title == "Status check with Acme"
    # The keyboard's hover: the event moved to says all of it, as the mouse's tooltip does.
    assert QToolTip.isVisible() and QToolTip.text() == event.tooltip()
    with qtbot.waitSignal(widget.step_activated) as activated:
        QTest.keyClick(grid, Qt.Key.Key_Enter)
    assert activated.args == [event.id]
    with qtbot.waitSignal(widget.step_moved) as moved:
        QTest.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert moved.args == [event.id, datetime(2026, 11, 26, 9, 15, tzinfo=PARIS)]


def test_agenda_lists_steps_and_enter_opens_one(qtbot: QtBot, cache: EventCache) -> None:
    widget = _calendar(qtbot, cache)
    widget.set_view(AGENDA)
    agenda = widget.agenda_view
    assert agenda.view.isVisible()
    model = agenda.model
    # Today is 25 November: what was planned for the 24th comes first, as overdue.
    assert model.index(0, 0).data() == f"Overdue ({model.rowCount(model.index(0, 0))})"
    # Then today, the 25th: the handwritten note, a day after the thank-you (issue 15).
    assert model.index(1, 0).data(Qt.ItemDataRole.UserRole + 10) == date(2026, 11, 25)
    first = model.index(0, 0, model.index(1, 0))
    with qtbot.waitSignal(widget.selection_changed) as selected:
        agenda.view.setCurrentIndex(first)
    event = model.event_at(first)
    assert selected.args == ["step", event.id]
    agenda.view.setFocus()
    with qtbot.waitSignal(widget.step_activated) as activated:
        QTest.keyClick(agenda.view, Qt.Key.Key_Return)
    assert activated.args == [event.id]


def test_agenda_shows_times_and_statuses_whole(qtbot: QtBot, cache: EventCache) -> None:
    """The time and status columns are wide enough for their text (in bold, as due steps show
    it), past the event's indent and colour bar: never "…" where "09:00" should be."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    widget = _calendar(qtbot, cache)
    widget.set_view(AGENDA)
    view, model = widget.agenda_view.view, widget.agenda_view.model
    checked = 0
    for day_row in range(model.rowCount()):
        day = model.index(day_row, 0)
        for row in range(model.rowCount(day)):
            for column in (AgendaModel.TIME, AgendaModel.STATUS):
                index = model.index(row, column, day)
                option = QStyleOptionViewItem()
                view.initViewItemOption(option)
                option.rect = view.visualRect(index)
                view.itemDelegateForIndex(index).initStyleOption(option, index)
                room = view.style().subElementRect(
                    QStyle.SubElement.SE_ItemViewItemText, option, view
                )
                bold = option.font
                bold.setBold(True)
                assert room.width() >= QFontMetrics(bold).horizontalAdvance(option.text), (
                    option.text
                )
                checked += 1
    assert checked >= 4


def test_agenda_says_when_nothing_is_planned(qtbot: QtBot, cache: EventCache) -> None:
    widget = _calendar(qtbot, cache)
    widget.set_view(AGENDA)
    widget.set_date(date(2027, 6, 1))
    assert widget.agenda_view.empty.isVisible()
    assert "Nothing planned" in widget.agenda_view.empty.text()


def test_refresh_shows_changes_and_select_event_jumps(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    widget = _calendar(qtbot, cache)
    interview = store.interviews()[0]
    status = widget.month_view.model.events_on(date(2026, 11, 26))[0]
    replied = datetime(2026, 11, 25, 9, tzinfo=PARIS)
    store.record(interview.id, Activity(ActivityKind.REPLY, replied))
    widget.refresh()
    assert widget.month_view.model.events_on(date(2026, 11, 26)) == []  # the chaser is cancelled
    with qtbot.waitSignal(widget.selection_changed) as selected:
        widget.select_event("step", f"{interview.id}.thank-you.p1")
    assert selected.args == ["step", f"{interview.id}.thank-you.p1"]
    assert widget.current_date == date(2026, 11, 24)
    widget.set_date(date(2027, 3, 1))
    widget.select_event("interview", interview.id)
    assert widget.current_date == date(2026, 11, 23)
    assert status.id not in {e.id for e in widget.month_view.model.events_on(status.day)}


def test_dark_palette_keeps_text_readable(qtbot: QtBot, cache: EventCache) -> None:
    month = _month(qtbot, cache)
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    month.setPalette(dark)
    chip = _chip(month, "Status check with Acme")
    fill, _bar, text = month._chip_colours(chip.event, selected=False)
    assert _luminance(fill) < 0.35 and _luminance(text) > 0.7
    month.grab()
    assert month.cell_rect(date(2026, 11, 26)).contains(QPoint(*map(int, (
        chip.rect.center().x(), chip.rect.center().y()))))


def test_a_page_without_dates_joins_the_switcher(qtbot: QtBot, cache: EventCache) -> None:
    widget = _calendar(qtbot, cache)
    page = QLabel("every follow-up")
    action = widget.add_page("list", "List", page, "Ctrl+4")
    action.trigger()
    assert widget.stack.currentWidget() is page
    assert widget.period_label.text() == "List"
    assert not widget.next_button.isEnabled() and widget.current_event() is None
    widget.step_period(1)  # nothing to page through
    assert widget.current_date == date(2026, 11, 25)
    widget.set_view(MONTH)
    assert widget.next_button.isEnabled() and widget.period_label.text() == "November 2026"


def test_week_opens_on_the_working_day(qtbot: QtBot, cache: EventCache) -> None:
    widget = _calendar(qtbot, cache)
    widget.set_view(WEEK)
    week = widget.week_view
    qtbot.waitUntil(lambda: week.scroll.verticalScrollBar().maximum() > 0)
    bar = week.scroll.verticalScrollBar()
    # An hour before the working day starts, or as far as the grid goes.
    expected = min(int(8 * week.grid.hour_height()), bar.maximum())
    qtbot.waitUntil(lambda: abs(bar.value() - expected) <= 1)
    assert bar.value() > 0


def test_the_next_month_is_read_ahead(qtbot: QtBot, store: Store) -> None:
    add_interview(store, "Later", end=datetime(2027, 1, 12, 15, tzinfo=PARIS))
    cache = make_cache(store)
    widget = _calendar(qtbot, cache)
    qtbot.wait(1100)  # the read-ahead waits for a pause
    calls: list[int] = []
    original = store.stored_steps
    store.stored_steps = lambda ids: calls.append(1) or original(ids)  # type: ignore[method-assign]
    widget.next_button.click()
    widget.next_button.click()  # January 2027: only the month after the next was read ahead
    assert len(calls) == 1
    assert widget.month_view.model.events_on(date(2027, 1, 13))


def test_painting_keeps_none_alive(qtbot: QtBot, cache: EventCache) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on each call that returns
    nothing; a paint makes a hundred, so without `keeping_none` a session ends in
    "Fatal Python error: none_dealloc"."""
    month = _month(qtbot, cache)
    week = _week(qtbot, cache)
    month.grab()  # the first paints build what later ones keep
    week.grab()
    gc.collect()  # a collection during the paints would free other references to None
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(3):
            month.grab()
            week.grab()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after - before > -30


def _drawn_labels(month: MonthGrid) -> list[str]:
    drawn: list[str] = []
    paint_labels = month._paint_labels

    def recording(painter, labels):  # type: ignore[no-untyped-def]
        drawn.extend(look.label for _inner, look in labels)
        paint_labels(painter, labels)

    month._paint_labels = recording  # type: ignore[method-assign]
    month.grab()
    month._paint_labels = paint_labels  # type: ignore[method-assign]
    return drawn


def test_a_renamed_company_shows_on_its_chips(qtbot: QtBot, store: Store) -> None:
    """Chips keep their elided labels between paints, but never an event's old text."""
    cache = make_cache(store)
    month = _month(qtbot, cache, size=(1400, 700))
    assert any("Acme" in label for label in _drawn_labels(month))
    interview = store.interviews()[0]
    store.update_interview(replace(interview, company="Initech"))
    month.reload()
    drawn = _drawn_labels(month)
    assert drawn and any("Initech" in label for label in drawn)
    assert not any("Acme" in label for label in drawn)


def test_week_working_hours_follow_the_settings_on_reload(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    week = _week(qtbot, cache)
    grid = week.grid
    week.grab()
    assert grid.working_hours() == (9.0, 17.0)
    store.set_setting("work-start", "07:30")
    grid.reload()  # what the window does after the settings change
    week.grab()
    assert grid.working_hours() == (7.5, 17.0)


def test_building_the_calendar_reads_its_month_once(qtbot: QtBot, cache: EventCache) -> None:
    reads: list[tuple[date, date]] = []
    day_events = cache.day_events

    def counting(first, last, **kwargs):  # type: ignore[no-untyped-def]
        reads.append((first, last))
        return day_events(first, last, **kwargs)

    cache.day_events = counting  # type: ignore[method-assign]
    widget = CalendarWidget(cache, first_weekday=1)  # as the window builds it, then refreshes
    qtbot.addWidget(widget)
    widget.refresh(cache=False)
    widget.show()
    qtbot.waitExposed(widget)
    assert reads == [(date(2026, 10, 26), date(2026, 12, 6))]
    alone = CalendarWidget(cache, first_weekday=1)  # shown without a refresh: read when shown
    qtbot.addWidget(alone)
    alone.show()
    qtbot.waitExposed(alone)
    assert len(reads) == 2
    assert alone.month_view.model.events_on(date(2026, 11, 26))


def test_the_week_lays_clashing_steps_side_by_side_at_their_true_times(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    """Three interviews ending at the same time plan their thank-yous for the same minute:
    drawn side by side, each at that minute and length, never one under the other."""
    add_interview(store, company="Globex", person="Bo Li")
    add_interview(store, company="Initech", person="Cy Ng")
    cache.refresh()
    week = _week(qtbot, cache)
    grid = week.grid
    grid.set_date(date(2026, 11, 25), reload=True)
    qtbot.waitExposed(week)
    grid.repaint()
    thanks = [c for c in grid._chips
              if c.event is not None and c.event.title.startswith("Thank-you")]
    assert len(thanks) == 3
    starts = {c.event.start for c in thanks}
    assert len(starts) == 1  # the same minute, as planned
    for chip in thanks:
        assert abs(chip.rect.top() - (grid.y_of(chip.event.start) + 1)) < 0.01
        assert chip.rect.height() >= grid.y_of(chip.event.end) - grid.y_of(chip.event.start) - 2
    lefts = sorted(c.rect.left() for c in thanks)
    widths = {round(c.rect.width()) for c in thanks}
    assert len(set(lefts)) == 3 and len(widths) == 1  # three equal lanes
    ordered = sorted(thanks, key=lambda c: c.rect.left())
    for before, after in itertools.pairwise(ordered):
        assert before.rect.right() <= after.rect.left()  # none covers another
    column = grid.column_rect(thanks[0].day)
    assert column.left() <= lefts[0] and ordered[-1].rect.right() <= column.right()


def test_a_crowded_week_draws_no_label_where_no_letter_fits(
    qtbot: QtBot, store: Store, cache: EventCache
) -> None:
    """Interviews ending together crowd their steps into lanes side by side: a lane too thin
    for a letter is drawn in its colour without working out a label (a busy week of imported
    invitations was slow to show for that); one wide enough keeps its label."""
    for n in range(4):
        add_interview(store, company=f"Company {n}", person=f"Person {n}")
    cache.refresh()
    week = _week(qtbot, cache)
    grid = week.grid
    grid.set_date(date(2026, 11, 25), reload=True)
    qtbot.waitExposed(week)
    letter = 2 * grid.fontMetrics().averageCharWidth()
    bar = max(3.0, grid.fontMetrics().height() / 5)
    seen: dict[bool, int] = {}
    for width in (1400, 520):
        week.resize(width, 600)
        grid.reload()
        grid.grab()  # the whole day painted, not only the hours scrolled to
        looks = {look.event.id: look for look in grid._looks.values()}
        for chip in grid._chips:
            if chip.event is None or chip.event.id not in looks:
                continue
            fits = chip.rect.width() - bar - 6 >= letter
            assert bool(looks[chip.event.id].label) == fits, (width, chip.rect.width())
            seen[fits] = seen.get(fits, 0) + 1
    assert seen.get(True) and seen.get(False)  # both kinds were painted


def test_hovering_over_an_event_tells_all_of_it(qtbot: QtBot, cache: EventCache) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    for view in (_month(qtbot, cache), _week(qtbot, cache).grid):
        view.repaint()
        chip = next(c for c in view._chips if c.event is not None and c.event.is_step)
        local = chip.rect.center().toPoint()
        QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, local,
                                                view.mapToGlobal(local)))
        assert QToolTip.isVisible() and QToolTip.text() == chip.event.tooltip()
        assert chip.event.title in QToolTip.text() and chip.event.company in QToolTip.text()
        QToolTip.hideText()


def test_public_holidays_are_shaded_and_named_once_read(qtbot: QtBot, store: Store) -> None:
    store.set_setting("country", "FR")
    cache = make_cache(store)
    assert cache.holidays(date(2026, 12, 1), date(2026, 12, 31)) == {}  # not before loading
    month = _month(qtbot, cache)
    month.set_date(date(2026, 12, 10))
    christmas, ordinary = month.cell_rect(date(2026, 12, 25)), month.cell_rect(date(2026, 12, 23))
    before = month.grab().toImage()
    cache.load_holidays()
    december = cache.holidays(date(2026, 12, 1), date(2026, 12, 31))
    assert list(december) == [date(2026, 12, 25)] and december[date(2026, 12, 25)]
    month.update()
    after = month.grab().toImage()

    def pixels(image, rect):  # type: ignore[no-untyped-def]
        box = rect.toAlignedRect().adjusted(2, 2, -2, -2)
        return [image.pixel(x, y) for x in range(box.left(), box.right(), 3)
                for y in range(box.top(), box.bottom(), 3)]

    assert pixels(before, christmas) != pixels(after, christmas)  # shaded and named
    assert pixels(before, ordinary) == pixels(after, ordinary)  # a working day as it was
    week = _week(qtbot, cache)
    week.grid.set_date(date(2026, 12, 24))
    column = week.grid.column_rect(date(2026, 12, 25))
    off = week.grid.grab().toImage().pixel(int(column.center().x()), int(week.grid.y_of(
        datetime(2026, 12, 25, 12, tzinfo=PARIS))))
    working = week.grid.column_rect(date(2026, 12, 23))
    on = week.grid.grab().toImage().pixel(int(working.center().x()), int(week.grid.y_of(
        datetime(2026, 12, 23, 12, tzinfo=PARIS))))
    assert off != on  # the holiday's working hours are shaded as a day off


def test_enter_on_a_focused_day_opens_its_first_event(qtbot: QtBot, cache: EventCache) -> None:
    month = _month(qtbot, cache)
    month.setFocus()
    QTest.keyClick(month, Qt.Key.Key_Right)  # a day, no event current
    assert month.current_date == date(2026, 11, 26) and month.current_event() is None
    first = month.model.events_on(date(2026, 11, 26))[0]
    with qtbot.waitSignal(month.step_activated) as activated:
        QTest.keyClick(month, Qt.Key.Key_Return)
    assert activated.args == [first.id] and month.current_event_id == first.id


def test_month_chips_say_who_first_on_two_lines_where_there_is_room(
    qtbot: QtBot, store: Store
) -> None:
    """Two thank-yous on one day can be told apart: the person comes first (the kind is the
    chip's colour), then the kind and the company, on a second line where the day has room."""
    add_interview(store, "Acme", person="Ana Diaz")
    add_interview(store, "Globex", person="Bo Li")
    month = _month(qtbot, make_cache(store), size=(1600, 900))
    labels = _drawn_labels(month)
    thanks = {label for label in labels if "Thank-you" in label}
    # Two lines each, who then what (their times, spread over the morning, may differ).
    assert {tuple(label.split("\n")[1:]) for label in thanks} == {
        ("Thank-you · Acme",), ("Thank-you · Globex",)
    }, labels
    for label in thanks:
        who, what = label.split("\n")
        person = "Ana Diaz" if what.endswith("Acme") else "Bo Li"
        assert who.endswith(person), label
    # Where a day has room for one line each, the person still comes first.
    for n in range(4):
        add_interview(store, f"Company {n}", person=f"Person {n}")
    small = _month(qtbot, make_cache(store), size=(1024, 560))
    # Which of the day's chips a cell shows depends on their times (spread by their ids).
    people = ("Ana Diaz", "Bo Li", *(f"Person {n}" for n in range(4)))
    one_line = [label for label in _drawn_labels(small) if any(p in label for p in people)]
    assert one_line and all("\n" not in label for label in one_line)
    assert all(label.lstrip("!●✓– 0123456789:").startswith(people) for label in one_line)


def test_the_agenda_keeps_a_readable_message_column_in_a_small_window(
    qtbot: QtBot, cache: EventCache
) -> None:
    """At 800 px, the follow-up and company columns narrow so that the message column keeps
    its first words (it was squeezed to "…"); wide, they have their full width again."""
    widget = _calendar(qtbot, cache)
    widget.set_view(AGENDA)
    agenda = widget.agenda_view
    header = agenda.view.header()
    char = agenda.fontMetrics().averageCharWidth()
    widget.resize(520, 500)
    qtbot.waitUntil(lambda: header.sectionSize(AgendaModel.DRAFT) >= 24 * char - 2)
    assert header.sectionSize(AgendaModel.TITLE) < 34 * char
    widget.resize(1400, 500)
    qtbot.waitUntil(lambda: header.sectionSize(AgendaModel.TITLE) == 34 * char)
    assert header.sectionSize(AgendaModel.COMPANY) == 16 * char


def test_a_hidden_month_builds_its_first_events_ahead_of_its_paint(
    qtbot: QtBot, store: Store
) -> None:
    """Before the window swaps its first-run page for the calendar (after an import), the
    month builds each day's first events in a turn of their own: its first paint finds them."""
    for n in range(8):
        add_interview(store, f"Company {n}", person=f"Person {n}")
    month = MonthGrid(make_cache(store), first_weekday=1)
    qtbot.addWidget(month)  # never shown: laid out at most for its default size
    month.set_date(date(2026, 11, 25))
    days = [month.model.day_events(day) for day in month.model.days]
    ahead = MonthGrid.AHEAD_PER_DAY

    def built(events: Sequence[object]) -> int:  # a plain list is built whole
        return int(getattr(events, "built", len(events)))

    assert any(built(events) < min(len(events), ahead) for events in days)
    month.build_ahead()
    assert all(built(events) >= min(len(events), ahead) for events in days)

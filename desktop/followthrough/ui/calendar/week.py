"""The week view: seven day columns by 24 hours under a header of day names, scrolled to the
working day; events are blocks at their true times, side by side on a clash.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import ClassVar

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from followthrough.core.model import local_datetime
from followthrough.core.shown_dates import time_of_day
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import OVERDUE_COLOUR, CalendarEvent
from followthrough.ui.calendar.grid import PaintedCalendar
from followthrough.ui.calendar.painting import (
    LEFT_MIDDLE,
    RIGHT_MIDDLE,
    Chip,
    Colours,
    blend,
    keeping_none,
)
from followthrough.ui.calendar.periods import week_start

SNAP_MINUTES = 15


class WeekGrid(PaintedCalendar):
    """Seven day columns by 24 hours; events are blocks at their times, side by side on a clash."""

    def __init__(
        self,
        cache: EventCache,
        first_weekday: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cache, first_weekday, parent)
        self.setAccessibleName(self.tr("Week view"))
        self._work_hours: tuple[float, float] | None = None

    def range_for(self, day: date) -> tuple[date, date]:
        first = week_start(day, self.first_weekday)
        return first, first + timedelta(days=6)

    # -- geometry -------------------------------------------------------------------------
    def hour_height(self) -> float:
        return self.fontMetrics().height() * 2.6

    def gutter_width(self) -> float:
        return self.fontMetrics().horizontalAdvance("00:00") + 14.0

    def sizeHint(self) -> QSize:
        return QSize(700, int(self.hour_height() * 24))

    def minimumSizeHint(self) -> QSize:
        return QSize(420, int(self.hour_height() * 24))

    def column_width(self) -> float:
        return max(1.0, (self.width() - self.gutter_width()) / 7.0)

    def column_rect(self, day: date) -> QRectF:
        offset = (day - self.model.first).days
        if not 0 <= offset < 7:
            return QRectF()
        return QRectF(self.gutter_width() + offset * self.column_width(), 0,
                      self.column_width(), self.hour_height() * 24)

    def y_of(self, moment: datetime) -> float:
        local = moment.astimezone(self.cache.tz)
        return (local.hour + local.minute / 60.0) * self.hour_height()

    def point_for(self, moment: datetime) -> QPointF:
        """Where `moment` is in the grid (the left edge of its day, at its time)."""
        column = self.column_rect(moment.astimezone(self.cache.tz).date())
        return QPointF(column.left() + 2, self.y_of(moment) + 1)

    def _day_at(self, pos: QPointF) -> date | None:
        if pos.x() < self.gutter_width() or pos.x() >= self.width():
            return None
        column = int((pos.x() - self.gutter_width()) // self.column_width())
        if not 0 <= column < 7:
            return None
        return self.model.first + timedelta(days=column)

    def _drop_time(self, pos: QPointF, original: datetime) -> datetime | None:
        day = self._day_at(pos)
        if day is None:
            return None
        minutes = pos.y() / self.hour_height() * 60.0 - self._drag_offset.total_seconds() / 60.0
        minutes = int(minutes // SNAP_MINUTES) * SNAP_MINUTES  # the slot the block top is in
        minutes = max(0, min(24 * 60 - SNAP_MINUTES, minutes))
        return local_datetime(day, minutes // 60, minutes % 60, self.cache.tz)

    def _grab_offset(self, pos: QPointF, chip: Chip) -> timedelta:
        minutes = (pos.y() - chip.rect.top()) / self.hour_height() * 60.0
        return timedelta(minutes=max(0.0, minutes))

    def _layout_chips(self) -> list[Chip]:
        chips: list[Chip] = []
        minimum = self.fontMetrics().height() + 6.0
        for day in self.model.days:
            column = self.column_rect(day)
            blocks: list[tuple[float, float, CalendarEvent]] = []
            for event in self.model.events_on(day):
                top = self.y_of(event.start)
                end = event.end if event.end.date() == day else None
                bottom = self.y_of(end) if end is not None else self.hour_height() * 24
                blocks.append((top, max(bottom, top + minimum), event))
            for top, bottom, event, lane, lanes in _lanes(blocks):
                width = (column.width() - 4) / lanes
                left = column.left() + 2 + lane * width
                rect = QRectF(left, top + 1, max(1.0, width - 1), bottom - top - 2)
                chips.append(Chip(rect, day, event))
        return chips

    # -- painting -------------------------------------------------------------------------
    def _model_reset(self) -> None:
        self._work_hours = None  # the settings may have changed: the window reloads then
        super()._model_reset()

    def working_hours(self) -> tuple[float, float]:
        """The working day's start and end, in hours from midnight (read once a reload)."""
        if self._work_hours is None:
            settings = self.cache.store.settings()
            self._work_hours = (
                settings.work_start.hour + settings.work_start.minute / 60.0,
                settings.work_end.hour + settings.work_end.minute / 60.0,
            )
        return self._work_hours

    def _paint(self, painter: QPainter, colours: Colours, exposed: QRectF) -> None:
        base, window = colours.base, colours.window
        hour = self.hour_height()
        gutter = self.gutter_width()
        work_start, work_end = self.working_hours()
        off_hours = blend(window, base, 0.55)
        painter.fillRect(QRectF(gutter, 0, self.width() - gutter, work_start * hour), off_hours)
        painter.fillRect(
            QRectF(gutter, work_end * hour, self.width() - gutter, (24 - work_end) * hour),
            off_hours,
        )
        for day in self.cache.holidays(self.model.first, self.model.last):
            painter.fillRect(self.column_rect(day), off_hours)  # a public holiday: a day off
        painter.fillRect(QRectF(0, 0, gutter, self.height()), window)
        today = self.cache.today()
        if self.model.first <= today <= self.model.last:
            painter.fillRect(self.column_rect(today), blend(colours.highlight, base, 0.07))
        grid = QPen(colours.mid)
        grid.setCosmetic(True)
        faint = QPen(blend(colours.mid, base, 0.4))
        faint.setCosmetic(True)
        metrics = self.fontMetrics()
        for h in range(24):
            y = h * hour
            painter.setPen(grid)
            painter.drawLine(QPointF(gutter, y), QPointF(self.width(), y))
            painter.setPen(faint)
            painter.drawLine(QPointF(gutter, y + hour / 2), QPointF(self.width(), y + hour / 2))
            if h:
                painter.setPen(colours.window_text)
                painter.drawText(
                    QRectF(0, y - metrics.height() / 2, gutter - 6, metrics.height()),
                    RIGHT_MIDDLE,
                    f"{h:02d}:00",
                )
        painter.setPen(grid)
        for column in range(8):
            x = gutter + column * self.column_width()
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        self._paint_chips(painter, colours, exposed, with_time=False, wrap=True)
        now = self.cache.now()
        if self.model.first <= now.date() <= self.model.last:
            column = self.column_rect(now.date())
            y = self.y_of(now)
            painter.setPen(QPen(QColor(OVERDUE_COLOUR), 2))
            painter.drawLine(QPointF(column.left(), y), QPointF(column.right(), y))
        self._paint_focus(painter, colours, self.column_rect(self.current_date))
        if self._drop_hint is not None and self._drop_hint[1] is not None:
            target = self._drop_hint[1]
            column = self.column_rect(target.date())
            self._drop_pen(painter, colours)
            y = self.y_of(target)
            painter.drawRect(QRectF(column.left() + 2, y, column.width() - 4, hour / 2))
            label = time_of_day(target) + (f" · {self._drop_note}" if self._drop_note else "")
            room = QRectF(column.left() + 6, y, column.width() - 8, hour / 2)
            painter.drawText(room, LEFT_MIDDLE, self.fontMetrics().elidedText(
                label, Qt.TextElideMode.ElideRight, int(room.width())))

    # -- keyboard -------------------------------------------------------------------------
    ALT_MOVES: ClassVar[Mapping[Qt.Key, timedelta]] = {
        Qt.Key.Key_Up: timedelta(minutes=-SNAP_MINUTES),
        Qt.Key.Key_Down: timedelta(minutes=SNAP_MINUTES),
        Qt.Key.Key_Left: timedelta(days=-1),
        Qt.Key.Key_Right: timedelta(days=1),
    }

    def _navigate(self, key: int, events: list[CalendarEvent], position: int) -> bool:
        day = self.current_date
        if key == Qt.Key.Key_Left:
            self._set_current(day - timedelta(days=1), None)
        elif key == Qt.Key.Key_Right:
            self._set_current(day + timedelta(days=1), None)
        elif key == Qt.Key.Key_Down and events:
            self._set_current(day, events[min(position + 1, len(events) - 1)])
        elif key == Qt.Key.Key_Up and events:
            self._set_current(day, events[position - 1] if position > 0 else None)
        elif key == Qt.Key.Key_PageUp:
            self._set_current(day - timedelta(days=7), None)
        elif key == Qt.Key.Key_PageDown:
            self._set_current(day + timedelta(days=7), None)
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        self._ensure_current_visible()

    def _ensure_current_visible(self) -> None:
        for chip in self._chips:
            if chip.event is not None and chip.event.id == self.current_event_id:
                scroll = self.parentWidget().parentWidget() if self.parentWidget() else None
                if isinstance(scroll, QScrollArea):
                    scroll.ensureVisible(int(chip.rect.center().x()), int(chip.rect.center().y()),
                                         0, int(chip.rect.height() / 2 + 8))
                return


def _lanes(
    blocks: list[tuple[float, float, CalendarEvent]],
) -> list[tuple[float, float, CalendarEvent, int, int]]:
    """Where clashing blocks go: (top, bottom, event, lane, lanes in its group).

    Blocks that overlap share their column's width side by side, each at its true time and
    length, as calendar apps draw them; a narrow one still shows its kind's colour, and its
    tooltip says the rest.
    """
    groups: list[list[tuple[float, float, CalendarEvent]]] = []
    group_bottom = -1.0
    for block in sorted(blocks, key=lambda b: (b[0], -b[1])):
        if groups and block[0] < group_bottom:
            groups[-1].append(block)
            group_bottom = max(group_bottom, block[1])
        else:
            groups.append([block])
            group_bottom = block[1]
    placed: list[tuple[float, float, CalendarEvent, int, int]] = []
    for group in groups:
        lane_ends: list[float] = []
        lanes: list[int] = []
        for top, bottom, _event in group:
            lane = next((n for n, end in enumerate(lane_ends) if end <= top), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(bottom)
            else:
                lane_ends[lane] = bottom
            lanes.append(lane)
        placed.extend(
            (top, bottom, event, lane, len(lane_ends))
            for (top, bottom, event), lane in zip(group, lanes, strict=True)
        )
    return placed


class _WeekHeader(QWidget):
    """Day names and dates above the week grid, aligned with its columns."""

    def __init__(self, grid: WeekGrid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.right_margin = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(400, int(self.fontMetrics().height() * 3 + 10))

    def paintEvent(self, event: QPaintEvent) -> None:
        with keeping_none():
            self._paint()

    def _paint(self) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
        gutter = self.grid.gutter_width()
        width = (self.width() - self.right_margin - gutter) / 7.0
        locale = QLocale()
        today = self.grid.cache.today()
        bold = QFont(self.font())
        bold.setBold(True)
        days = self.grid.model.days[:7]
        holidays = self.grid.cache.holidays(days[0], days[-1]) if days else {}
        metrics = self.fontMetrics()
        for n, day in enumerate(days):
            rect = QRectF(gutter + n * width, 0, width, self.height())
            if day == today:
                painter.fillRect(rect.adjusted(2, 2, -2, -2),
                                 palette.color(QPalette.ColorRole.Highlight))
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            else:
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.setFont(bold if day == self.grid.current_date else self.font())
            weekday = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
            holiday = holidays.get(day, "")
            name = metrics.elidedText(holiday, Qt.TextElideMode.ElideRight, int(width) - 6)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter),
                             f"{weekday}\n{locale.toString(QDate(day), 'd MMM')}\n{name}")
        painter.end()


class WeekView(QWidget):
    """The week grid in a scroll area, under a header of day names; scrolled to working hours."""

    def __init__(
        self,
        cache: EventCache,
        first_weekday: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.grid = WeekGrid(cache, first_weekday, self)
        self.header = _WeekHeader(self.grid, self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.grid)
        self.scroll.setWidgetResizable(True)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.header.right_margin = self.scroll.verticalScrollBar().sizeHint().width()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll)
        self.setFocusProxy(self.grid)
        self.grid.model.modelReset.connect(self.header.update)
        self.grid.current_date_changed.connect(lambda _day: self.header.update())
        # Open on the working day until the user scrolls: the range settles after layout.
        self._auto_scroll = True
        bar = self.scroll.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.actionTriggered.connect(self._user_scrolled)

    def _range_changed(self, _low: int, _high: int) -> None:
        if self._auto_scroll:
            self.scroll_to_working_hours()

    def _user_scrolled(self, _action: int) -> None:
        self._auto_scroll = False

    def scroll_to_working_hours(self) -> None:
        start = self.grid.cache.store.settings().work_start
        y = max(0.0, (start.hour - 1) * self.grid.hour_height())
        self.scroll.verticalScrollBar().setValue(int(y))

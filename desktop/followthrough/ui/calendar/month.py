"""The month view: six weeks of seven days, each day listing its events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import ClassVar

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from followthrough.core.model import local_datetime
from followthrough.ui.calendar.day_events import build_together
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import CalendarEvent
from followthrough.ui.calendar.grid import PaintedCalendar
from followthrough.ui.calendar.painting import CENTRE, LEFT_MIDDLE, Chip, Colours, blend
from followthrough.ui.calendar.periods import add_months, month_grid_start


class MonthGrid(PaintedCalendar):
    """Six weeks of seven days around a month; each day lists its events, "+N more" when full."""

    def __init__(
        self,
        cache: EventCache,
        first_weekday: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cache, first_weekday, parent)
        self.setAccessibleName(self.tr("Month view"))
        self.setMinimumSize(QSize(420, 300))

    def range_for(self, day: date) -> tuple[date, date]:
        first = month_grid_start(day, self.first_weekday)
        return first, first + timedelta(days=41)

    @property
    def month(self) -> tuple[int, int]:
        return self.current_date.year, self.current_date.month

    # -- geometry -------------------------------------------------------------------------
    def _header_height(self) -> float:
        return self.fontMetrics().height() + 8.0

    def _line_height(self) -> float:
        return self.fontMetrics().height() + 4.0

    def cell_rect(self, day: date) -> QRectF:
        offset = (day - self.model.first).days
        if not 0 <= offset < 42:
            return QRectF()
        width, top, height = self._cell_size()
        return QRectF(offset % 7 * width, top + offset // 7 * height, width, height)

    def _cell_size(self) -> tuple[float, float, float]:
        """A cell's width, the header's height (where the first row starts), a cell's height."""
        top = self._header_height()
        return self.width() / 7.0, top, (self.height() - top) / 6.0

    def _cells(self) -> list[tuple[date, QRectF]]:
        """The grid's 42 days with their cells (as `cell_rect` gives them), row by row."""
        width, top, height = self._cell_size()
        first = self.model.first
        return [
            (first + timedelta(days=offset),
             QRectF(offset % 7 * width, top + offset // 7 * height, width, height))
            for offset in range(42)
        ]

    def _day_at(self, pos: QPointF) -> date | None:
        top = self._header_height()
        if pos.y() < top or pos.x() < 0 or pos.x() >= self.width() or pos.y() >= self.height():
            return None
        column = int(pos.x() // (self.width() / 7.0))
        row = int((pos.y() - top) // ((self.height() - top) / 6.0))
        if not (0 <= column < 7 and 0 <= row < 6):
            return None
        return self.model.first + timedelta(days=row * 7 + column)

    def _drop_time(self, pos: QPointF, original: datetime) -> datetime | None:
        day = self._day_at(pos)
        if day is None:
            return None
        local = original.astimezone(self.cache.tz)
        return local_datetime(day, local.hour, local.minute, self.cache.tz)

    def _layout_chips(self) -> list[Chip]:
        chips: list[Chip] = []
        line = self._line_height()
        days: list[tuple[date, QRectF, Sequence[CalendarEvent], range, float, int]] = []
        for day, cell in self._cells():
            events = self.model.day_events(day)  # built as far as shown: "+N more" counts
            if not events:
                continue
            top = cell.top() + line + 2
            capacity = max(0, int((cell.bottom() - top - 2) // line))
            rows = range(len(events))
            if len(events) > capacity:
                keep = max(0, capacity - 1)
                start = 0
                if day == self.current_date and self.current_event_id:
                    ids = getattr(events, "ids", None) or [e.id for e in events]
                    position = ids.index(self.current_event_id) if (
                        self.current_event_id in ids) else 0
                    if position >= keep:
                        start = position - keep + 1
                rows = range(start, start + keep)
            days.append((day, cell, events, rows, top, capacity))
        build_together([(each[2], each[3]) for each in days])  # one read for every cell
        for day, cell, events, rows, top, capacity in days:
            shown = events[rows.start : rows.stop]
            hidden = len(events) - len(shown)
            # Two lines each (who, then what) when the day has room for all of them so.
            height = 2 * line if 2 * len(events) <= capacity else line
            for n, event in enumerate(shown):
                rect = QRectF(cell.left() + 3, top + n * height, cell.width() - 6, height - 2)
                chips.append(Chip(rect, day, event))
            if hidden:
                if capacity == 0:  # no room for a line: the count goes beside the day number
                    rect = QRectF(cell.left() + cell.width() / 2, cell.top() + 1,
                                  cell.width() / 2 - 3, line)
                else:
                    rect = QRectF(cell.left() + 3, top + len(shown) * line, cell.width() - 6,
                                  line - 2)
                chips.append(Chip(rect, day, None, hidden))
        return chips

    # -- painting -------------------------------------------------------------------------
    def _paint(self, painter: QPainter, colours: Colours, exposed: QRectF) -> None:
        header = self._header_height()
        width = self.width() / 7.0
        painter.fillRect(QRectF(0, 0, self.width(), header), colours.window)
        painter.setPen(colours.window_text)
        locale = QLocale()
        for column in range(7):
            weekday = (self.first_weekday - 1 + column) % 7 + 1
            name = locale.dayName(weekday, QLocale.FormatType.ShortFormat)
            painter.drawText(QRectF(column * width, 0, width, header), CENTRE, name)
        today = self.cache.today()
        month = self.current_date.month
        line = self._line_height()
        other_month = blend(colours.window, colours.base, 0.5)
        cells = self._cells()
        holidays = self.cache.holidays(cells[0][0], cells[-1][0]) if cells else {}
        day_off = blend(colours.window, colours.base, 0.3)
        for day, cell in cells:  # the backgrounds first, then the numbers: faster
            if day.month != month:
                painter.fillRect(cell, other_month)
            elif day in holidays:
                painter.fillRect(cell, day_off)
            if day == self.current_date and not self.current_event_id:
                painter.fillRect(cell, blend(colours.highlight, colours.base, 0.12))
        pen: QColor | None = None
        for day, cell in cells:
            number_rect = QRectF(cell.left() + 4, cell.top() + 2, cell.width() - 8, line)
            label = str(day.day) if day.day != 1 else locale.toString(QDate(day), "d MMM")
            if day == today:
                metrics = self.fontMetrics()
                bubble_width = max(line, metrics.horizontalAdvance(label) + 10.0)
                bubble = QRectF(number_rect.left() - 2, number_rect.top(), bubble_width, line)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colours.highlight)
                painter.drawRoundedRect(bubble, line / 2, line / 2)
                painter.setPen(colours.highlighted_text)
                bold = QFont(self.font())
                bold.setBold(True)
                painter.setFont(bold)
                painter.drawText(bubble, CENTRE, label)
                painter.setFont(self.font())
                pen = None
            else:
                colour = colours.text if day.month == month else colours.muted
                if colour is not pen:
                    painter.setPen(colour)
                    pen = colour
                painter.drawText(number_rect, LEFT_MIDDLE, label)
            holiday = holidays.get(day)
            if holiday:  # its name beside the number, as far as the cell allows
                metrics = self.fontMetrics()
                left = number_rect.left() + metrics.horizontalAdvance(label) + 12.0
                room = QRectF(left, number_rect.top(), number_rect.right() - left, line)
                painter.setPen(colours.muted)
                pen = colours.muted
                painter.drawText(room, LEFT_MIDDLE, metrics.elidedText(
                    holiday, Qt.TextElideMode.ElideRight, int(room.width())))
        grid = QPen(colours.mid)
        grid.setCosmetic(True)
        painter.setPen(grid)
        body = self.height() - header
        for row in range(7):
            y = header + row * body / 6.0
            painter.drawLine(QPointF(0, y), QPointF(self.width(), y))
        for column in range(1, 7):
            x = column * width
            painter.drawLine(QPointF(x, header), QPointF(x, self.height()))
        with_time = width >= self.fontMetrics().averageCharWidth() * 22
        self._paint_chips(painter, colours, exposed, with_time, wrap=True)
        more = self.tr("+{n} more")
        painter.setPen(colours.text)
        for chip in self._chips:
            if chip.event is None:
                painter.drawText(chip.rect.adjusted(4, 0, 0, 0), LEFT_MIDDLE,
                                 more.format(n=chip.hidden))
        self._paint_focus(painter, colours, self.cell_rect(self.current_date))
        if self._drop_hint is not None:
            self._drop_pen(painter, colours)
            hint = self.cell_rect(self._drop_hint[0]).adjusted(2, 2, -2, -2)
            painter.drawRect(hint)
            if self._drop_note:  # a weekend, a holiday, outside working hours: said there
                room = hint.adjusted(4, 0, -4, -2)
                painter.drawText(room, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                                 self.fontMetrics().elidedText(
                                     self._drop_note, Qt.TextElideMode.ElideRight,
                                     int(room.width())))

    # -- keyboard -------------------------------------------------------------------------
    ALT_MOVES: ClassVar[Mapping[Qt.Key, timedelta]] = {
        Qt.Key.Key_Left: timedelta(days=-1),
        Qt.Key.Key_Right: timedelta(days=1),
        Qt.Key.Key_Up: timedelta(days=-7),
        Qt.Key.Key_Down: timedelta(days=7),
    }

    def _navigate(self, key: int, events: list[CalendarEvent], position: int) -> bool:
        day = self.current_date
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._set_current(day + self.ALT_MOVES[Qt.Key(key)], None)
        elif key == Qt.Key.Key_Down:
            if position + 1 < len(events):
                self._set_current(day, events[position + 1])
            else:
                self._set_current(day + timedelta(days=7), None)
        elif key == Qt.Key.Key_Up:
            if position > 0:
                self._set_current(day, events[position - 1])
            elif position == 0:
                self._set_current(day, None)
            else:
                self._set_current(day - timedelta(days=7), None)
        elif key == Qt.Key.Key_PageUp:
            self._set_current(add_months(day, -1), None)
        elif key == Qt.Key.Key_PageDown:
            self._set_current(add_months(day, 1), None)
        elif key == Qt.Key.Key_Home:
            self._set_current(day.replace(day=1), None)
        elif key == Qt.Key.Key_End:
            self._set_current(add_months(day.replace(day=1), 1) - timedelta(days=1), None)
        else:
            return False
        return True

"""The calendar views: month, week and agenda, and `CalendarWidget`, which holds all three.

The month and week views are painted from a `CalendarModel` (so they stay fast with thousands
of events and follow the palette, dark mode included); the agenda is a tree view of an
`AgendaModel`. Every view is keyboard usable: arrows move between days and events, Enter opens
a step, Alt+arrows move a step. Dragging a step to another day (month) or time (week) asks to
move it: the views only emit `step_moved`; the window changes the store.

The widgets know nothing of the window: they get an `EventCache` and report by signals.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, NamedTuple

import PySide6
from PySide6.QtCore import (
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCalendarWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import local_datetime
from followthrough.ui.calendar_model import (
    INTERVIEW_KIND,
    OVERDUE_COLOUR,
    AgendaModel,
    CalendarEvent,
    CalendarModel,
    EventCache,
    EventStatus,
    Roles,
    kind_colour,
    kind_label,
    read_step_mime,
    step_mime,
)
from followthrough.ui.icons import icon

MONTH, WEEK, AGENDA = "month", "week", "agenda"

# PySide6 6.12.0 on Python 3.11 (where None is not yet immortal) drops a reference to None on
# every call that returns nothing; a paint makes a hundred such calls, so a session would soon
# end in "Fatal Python error: none_dealloc". Painting gives back what it took. Elsewhere such
# calls are few; pin another PySide6 to be rid of it altogether.
_LEAKS_NONE = PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12)
if _LEAKS_NONE:  # ctypes only where it is needed: importing it costs start-up time
    import ctypes

    _incref = ctypes.pythonapi.Py_IncRef
    _incref.argtypes = [ctypes.py_object]
    _incref.restype = None


@contextmanager
def keeping_none() -> Iterator[None]:
    """Give None back the references the calls inside took from it (see _LEAKS_NONE)."""
    if not _LEAKS_NONE:
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        for _ in range(before - sys.getrefcount(None)):
            _incref(None)


AGENDA_DAYS = 14
SNAP_MINUTES = 15
_NO_PEN = QPen(Qt.PenStyle.NoPen)
_MAX_LOOKS = 4096  # chips' looks kept (a month shows a few hundred at most)
_DIM = frozenset({EventStatus.DONE, EventStatus.SKIPPED, EventStatus.CANCELLED})
_MARKS = {status: status.mark for status in EventStatus}
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LEFT_MIDDLE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_MIDDLE = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_WRAPPED = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)


def _blend(front: QColor, back: QColor, amount: float) -> QColor:
    """`amount` of `front` over `back`, opaque."""
    return QColor.fromRgbF(
        front.redF() * amount + back.redF() * (1 - amount),
        front.greenF() * amount + back.greenF() * (1 - amount),
        front.blueF() * amount + back.blueF() * (1 - amount),
    )


def _luminance(colour: QColor) -> float:
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()


def week_start(day: date, first_weekday: int) -> date:
    """The first day of the week holding `day`; weekdays count 1 (Monday) to 7 (Sunday)."""
    return day - timedelta(days=(day.isoweekday() - first_weekday) % 7)


def month_grid_start(day: date, first_weekday: int) -> date:
    """The first day of the 6-week grid that shows `day`'s month."""
    return week_start(day.replace(day=1), first_weekday)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def _locale_first_weekday() -> int:
    return int(QLocale().firstDayOfWeek().value)


@dataclass
class _Chip:
    """Where one event (or a "+N more") is drawn, for painting and hit-testing."""

    rect: QRectF
    day: date
    event: CalendarEvent | None  # None: the "+N more" line of `day`
    hidden: int = 0
    shifted: bool = False  # drawn lower than its time (a clash): its label says the time


class _ChipLook(NamedTuple):
    """What a chip of one event is painted with, worked out once (see `_chip_look`)."""

    event: CalendarEvent  # the very object it is for (which also keeps its id unique)
    fill: QColor
    bar: QColor
    text: QColor
    font: QFont
    label: str  # elided to the chip's width, or whole when it wraps
    radius: float  # of the chip's corners
    wrapped_height: float = 0.0  # the height of the lines it wraps over; 0: one line


@dataclass(frozen=True, slots=True)
class _Colours:
    """The palette's colours the painted views use, for one colour group."""

    base: QColor
    window: QColor
    text: QColor
    window_text: QColor
    muted: QColor
    highlight: QColor
    highlighted_text: QColor
    mid: QColor

    @classmethod
    def of(cls, palette: QPalette) -> _Colours:
        role = QPalette.ColorRole
        return cls(*(palette.color(r) for r in (
            role.Base, role.Window, role.Text, role.WindowText, role.PlaceholderText,
            role.Highlight, role.HighlightedText, role.Mid,
        )))


class _PaintedCalendar(QWidget):
    """What the month grid and the week grid share: a model, a current day and event, signals."""

    step_activated = Signal(str)
    interview_activated = Signal(str)
    selection_changed = Signal(str, str)
    step_moved = Signal(str, object)  # step id, new start (an aware datetime)
    current_date_changed = Signal(object)  # the day the keyboard or mouse moved to (a date)
    day_activated = Signal(object)  # "+N more" clicked: show that day in full

    def __init__(
        self, cache: EventCache, first_weekday: int | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.cache = cache
        self.model = CalendarModel(cache, self)
        self.model.modelReset.connect(self._model_reset)
        self.first_weekday = first_weekday or _locale_first_weekday()
        self.current_date = cache.today()
        self.current_event_id = ""
        self._chips: list[_Chip] = []
        self._press: tuple[QPoint, CalendarEvent] | None = None
        self._drag_offset = timedelta(0)  # where in the dragged event it was grabbed
        self._drop_hint: tuple[date, datetime | None] | None = None
        self._forget_looks()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setMouseTracking(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # -- what subclasses provide ----------------------------------------------------------
    def range_for(self, day: date) -> tuple[date, date]:
        raise NotImplementedError

    def _layout_chips(self) -> list[_Chip]:
        raise NotImplementedError

    def _day_at(self, pos: QPointF) -> date | None:
        raise NotImplementedError

    def _drop_time(self, pos: QPointF, original: datetime) -> datetime | None:
        raise NotImplementedError

    # -- showing a date -------------------------------------------------------------------
    def set_date(self, day: date, *, reload: bool = False) -> None:
        """Show the period that holds `day` and make it the current day."""
        first, last = self.range_for(day)
        self.current_date = day
        if reload or (first, last) != (self.model.first, self.model.last) or not self.model.days:
            self.model.set_range(first, last)
        else:
            self._relayout()
        self._announce()

    def reload(self) -> None:
        self.model.reload()

    def _model_reset(self) -> None:
        ids = {e.id for d in self.model.days for e in self.model.events_on(d)}
        if self.current_event_id and self.current_event_id not in ids:
            self.current_event_id = ""
        self._relayout()

    def _relayout(self) -> None:
        self._chips = self._layout_chips() if self.width() > 0 and self.height() > 0 else []
        self.update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._relayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._forget_looks()
            self._relayout()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # -- the current day and event --------------------------------------------------------
    def current_event(self) -> CalendarEvent | None:
        if not self.current_event_id:
            return None
        return next(
            (e for e in self.model.events_on(self.current_date) if e.id == self.current_event_id),
            None,
        )

    def select_event(self, ident: str) -> bool:
        """Make the event with `ident` current, if it is in the period shown."""
        for day in self.model.days:
            for event in self.model.events_on(day):
                if event.id == ident:
                    self._set_current(day, event)
                    return True
        return False

    def _set_current(self, day: date, event: CalendarEvent | None) -> None:
        day_changed = day != self.current_date
        ident = event.id if event is not None else ""
        event_changed = ident != self.current_event_id
        if day_changed and not self.model.first <= day <= self.model.last:
            self.set_date(day)
        self.current_date = day
        self.current_event_id = ident
        if day_changed:
            self.current_date_changed.emit(day)
        if event_changed:
            self.selection_changed.emit(event.kind if event else "", ident)
        self._relayout()
        self._announce()

    def _announce(self) -> None:
        """Tell assistive technology what is current: the day and the event."""
        event = self.current_event()
        events = self.model.events_on(self.current_date)
        day = QLocale().toString(QDate(self.current_date), QLocale.FormatType.LongFormat)
        text = self.tr("{day}: {n} events").format(day=day, n=len(events))
        if event is not None:
            text = f"{event.accessible_text()}. {text}"
        if text != self.accessibleDescription():
            self.setAccessibleDescription(text)
            if self.hasFocus():
                # Loaded here, not at start-up: making its enums alone takes milliseconds.
                from PySide6.QtGui import QAccessible, QAccessibleEvent

                if QAccessible.isActive():
                    QAccessible.updateAccessibility(
                        QAccessibleEvent(self, QAccessible.Event.DescriptionChanged)
                    )

    def activate_current(self) -> None:
        event = self.current_event()
        if event is None:
            return
        if event.is_step:
            self.step_activated.emit(event.id)
        else:
            self.interview_activated.emit(event.id)

    ALT_MOVES: ClassVar[Mapping[Qt.Key, timedelta]] = {}
    """What Alt+arrow moves the current step by (each view its own)."""

    def _navigate(self, key: int, events: list[CalendarEvent], position: int) -> bool:
        """Move the current day or event for a key (each view its own); False if not handled."""
        raise NotImplementedError

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and key in self.ALT_MOVES:
            self._move_current(self.ALT_MOVES[Qt.Key(key)])
            return
        events = self.model.events_on(self.current_date)
        position = next((i for i, e in enumerate(events) if e.id == self.current_event_id), -1)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.current_event() is None and events:
                self._set_current(self.current_date, events[0])
            else:
                self.activate_current()
        elif not self._navigate(key, events, position):
            super().keyPressEvent(event)

    def _move_current(self, delta: timedelta) -> None:
        """Move the current step by `delta` (Alt+arrows): the keyboard's drag and drop."""
        event = self.current_event()
        if event is None or not event.movable:
            return
        local = event.start + delta
        self.step_moved.emit(
            event.id, local_datetime(local.date(), local.hour, local.minute, self.cache.tz)
        )

    # -- mouse ----------------------------------------------------------------------------
    def _chip_at(self, pos: QPointF) -> _Chip | None:
        for chip in reversed(self._chips):  # the last drawn is on top
            if chip.rect.contains(pos):
                return chip
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.position()
        chip = self._chip_at(pos)
        self._press = None
        if chip is not None and chip.event is None:
            self._set_current(chip.day, None)
            self.day_activated.emit(chip.day)
            return
        if chip is not None and chip.event is not None:
            self._set_current(chip.day, chip.event)
            if chip.event.movable:
                self._press = (event.position().toPoint(), chip.event)
                self._drag_offset = self._grab_offset(pos, chip)
            return
        day = self._day_at(pos)
        if day is not None:
            self._set_current(day, None)

    def _grab_offset(self, pos: QPointF, chip: _Chip) -> timedelta:
        return timedelta(0)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        chip = self._chip_at(event.position())
        if chip is not None and chip.event is not None:
            self._set_current(chip.day, chip.event)
            self.activate_current()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        start, dragged = self._press
        if (event.position().toPoint() - start).manhattanLength() < (
            QApplication.startDragDistance()
        ):
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(step_mime(dragged))
        drag.exec(Qt.DropAction.MoveAction)
        self._drag_offset = timedelta(0)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    # -- dropping a step ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if read_step_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()  # files and links go to the window

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        dragged = read_step_mime(event.mimeData())
        if dragged is None:
            event.ignore()
            return
        target = self._drop_time(event.position(), dragged[1])
        day = self._day_at(event.position())
        hint = (day, target) if day is not None and target is not None else None
        if hint != self._drop_hint:
            self._drop_hint = hint
            self.update()
        if target is None:
            event.ignore()
        else:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: Any) -> None:
        self._drop_hint = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_hint = None
        self.update()
        dragged = read_step_mime(event.mimeData())
        if dragged is None:
            event.ignore()
            return
        if self.drop_step(dragged[0], dragged[1], event.position()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def drop_step(self, step_id: str, start: datetime, pos: QPointF) -> bool:
        """A step that starts at `start` was dropped at `pos`: ask to move it there."""
        target = self._drop_time(pos, start)
        if target is None:
            return False
        if target != start:
            self.step_moved.emit(step_id, target)
        return True

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        with keeping_none():
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            colours = self._palette_colours()
            painter.fillRect(self.rect(), colours.base)
            self._paint(painter, colours, QRectF(event.rect()))
            painter.end()

    def _paint(self, painter: QPainter, colours: _Colours, exposed: QRectF) -> None:
        """Paint the grid, its chips and marks over the base colour; `exposed` needs painting."""
        raise NotImplementedError

    def _palette_colours(self) -> _Colours:
        """The palette's colours for the widget's state now (active, inactive, disabled)."""
        palette = self.palette()
        group = palette.currentColorGroup()
        found = self._palettes.get(group)
        if found is None:
            found = self._palettes[group] = _Colours.of(palette)
        return found

    def _chip_colours(self, event: CalendarEvent, selected: bool) -> tuple[QColor, QColor, QColor]:
        """(fill, accent bar, text) for an event, from the palette and the event's kind."""
        dim = event.status in _DIM
        key = (event.step_kind, event.status is EventStatus.OVERDUE, dim, selected)
        found = self._colours.get(key)
        if found is not None:
            return found
        colours = self._palette_colours()
        base = colours.base
        text = colours.text
        accent = kind_colour(event.step_kind)
        bar = QColor(OVERDUE_COLOUR) if event.status is EventStatus.OVERDUE else accent
        if selected:
            fill = colours.highlight
            text = colours.highlighted_text
        elif dim:
            fill = _blend(accent, base, 0.08)
            text = colours.muted
        else:
            fill = _blend(accent, base, 0.28 if _luminance(base) > 0.5 else 0.38)
        self._colours[key] = (fill, bar, text)
        return fill, bar, text

    def _chip_text(self, event: CalendarEvent, with_time: bool) -> str:
        parts = []
        mark = _MARKS[event.status]
        if mark:
            parts.append(mark)
        if with_time:
            parts.append(event.time_text())
        parts.append(event.short_text())
        return " ".join(parts)

    def _chip_font(self, status: EventStatus) -> tuple[QFont, QFontMetricsF]:
        """The font of an event's label (bold when due, struck out when dropped), kept."""
        found = self._fonts.get(status)
        if found is None:
            font = QFont(self.font())
            font.setBold(status in (EventStatus.DUE, EventStatus.OVERDUE))
            font.setStrikeOut(status in (EventStatus.SKIPPED, EventStatus.CANCELLED))
            found = self._fonts[status] = (font, QFontMetricsF(font))
        return found

    def _forget_looks(self) -> None:
        """Colours, fonts and chips' looks are kept between paints until these change."""
        self._palettes: dict[QPalette.ColorGroup, _Colours] = {}
        self._colours: dict[tuple[object, ...], tuple[QColor, QColor, QColor]] = {}
        self._fonts: dict[EventStatus, tuple[QFont, QFontMetricsF]] = {}
        self._looks: dict[tuple[object, ...], _ChipLook] = {}

    def _chip_look(
        self, key: tuple[object, ...], event: CalendarEvent, selected: bool, with_time: bool,
        wrap: bool, rect: QRectF, inner: QRectF,
    ) -> _ChipLook:
        """Work out how a chip of `event` in `rect` is drawn, and keep it under `key`.

        `key` starts with the event object's id: events are immutable and the cache builds a
        new one when anything of it changes, so a renamed event is worked out again.
        """
        if len(self._looks) >= _MAX_LOOKS:
            self._looks.clear()
        fill, bar, text_colour = self._chip_colours(event, selected)
        font, metrics = self._chip_font(event.status)
        text = self._chip_text(event, with_time)
        radius = min(4.0, rect.height() / 4)
        if wrap and inner.height() >= 2 * metrics.height():  # over the lines there is room for
            lines = max(1, int(inner.height() // metrics.height()))
            look = _ChipLook(
                event, fill, bar, text_colour, font, text, radius, lines * metrics.height()
            )
        else:
            label = metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
            look = _ChipLook(event, fill, bar, text_colour, font, label, radius)
        self._looks[key] = look
        return look

    def _paint_chips(
        self, painter: QPainter, colours: _Colours, exposed: QRectF, with_time: bool | None,
        wrap: bool = False,
    ) -> None:
        """Draw the events' chips that `exposed` meets, the last one on top.

        `with_time` None: a chip says its time when it is drawn lower than that time; `wrap`:
        a label may take several lines where the chip is tall enough. The chips' shapes are
        drawn first and their labels after, which is much faster than one chip at a time;
        where a chip may cover one whose label is still to come, that label is drawn first.
        """
        current_id, current_day = self.current_event_id, self.current_date
        focused = self.hasFocus()
        bar_width = max(3.0, self.fontMetrics().height() / 5)
        looks = self._looks
        labels: list[tuple[QRectF, _ChipLook]] = []
        bottoms: dict[date, float] = {}  # per day, the lowest chip whose label is to come
        painter.setPen(_NO_PEN)
        for chip in self._chips:
            event = chip.event
            rect = chip.rect
            if event is None or not rect.intersects(exposed):
                continue
            top = rect.top()
            if top < bottoms.get(chip.day, top):  # it may cover a label still to come
                self._paint_labels(painter, labels)
                labels.clear()
                bottoms.clear()
                painter.setPen(_NO_PEN)
            selected = event.id == current_id and chip.day == current_day
            timed = chip.shifted if with_time is None else with_time
            inner = rect.adjusted(bar_width + 3, 1, -3, -1)
            key = (id(event), selected, timed, wrap, rect.width(), rect.height())
            look = looks.get(key)
            if look is None or look.event is not event:
                look = self._chip_look(key, event, selected, timed, wrap, rect, inner)
            radius = look.radius
            painter.setBrush(look.fill)
            painter.drawRoundedRect(rect, radius, radius)
            painter.setBrush(look.bar)
            painter.drawRoundedRect(QRectF(rect.left(), top, bar_width, rect.height()), 1, 1)
            if selected and focused:
                pen = QPen(colours.highlighted_text)
                pen.setStyle(Qt.PenStyle.DotLine)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius)
                painter.setPen(_NO_PEN)
            labels.append((inner, look))
            bottoms[chip.day] = max(bottoms.get(chip.day, top), rect.bottom())
        self._paint_labels(painter, labels)

    def _paint_labels(self, painter: QPainter, labels: list[tuple[QRectF, _ChipLook]]) -> None:
        """Write the chips' labels, each in the room inside its chip; the font is left as it was."""
        font: QFont | None = None
        pen: QColor | None = None
        for inner, look in labels:
            if look.font is not font:
                font = look.font
                painter.setFont(font)
            if look.text is not pen:
                pen = look.text
                painter.setPen(pen)
            if look.wrapped_height:
                clipped = QRectF(inner.left(), inner.top(), inner.width(), look.wrapped_height)
                painter.save()
                painter.setClipRect(clipped)
                painter.drawText(clipped, _WRAPPED, look.label)
                painter.restore()
            else:
                painter.drawText(inner, _LEFT_MIDDLE, look.label)
        if font is not None:
            painter.setFont(self.font())

    def _paint_focus(self, painter: QPainter, colours: _Colours, rect: QRectF) -> None:
        """The frame of the current day (or column) while it has the focus and no event."""
        if self.hasFocus() and not self.current_event_id:
            painter.setPen(QPen(colours.highlight, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))

    def _drop_pen(self, painter: QPainter, colours: _Colours) -> None:
        """Ready `painter` to mark where a dragged step would land."""
        painter.setPen(QPen(colours.highlight, 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)


class MonthGrid(_PaintedCalendar):
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

    def _layout_chips(self) -> list[_Chip]:
        chips: list[_Chip] = []
        line = self._line_height()
        for day, cell in self._cells():
            events = self.model.events_on(day)
            if not events:
                continue
            top = cell.top() + line + 2
            capacity = max(0, int((cell.bottom() - top - 2) // line))
            shown = events
            hidden = 0
            if len(events) > capacity:
                keep = max(0, capacity - 1)
                start = 0
                if day == self.current_date and self.current_event_id:
                    position = next(
                        (i for i, e in enumerate(events) if e.id == self.current_event_id), 0
                    )
                    if position >= keep:
                        start = position - keep + 1
                shown = events[start : start + keep]
                hidden = len(events) - len(shown)
            for n, event in enumerate(shown):
                rect = QRectF(cell.left() + 3, top + n * line, cell.width() - 6, line - 2)
                chips.append(_Chip(rect, day, event))
            if hidden:
                if capacity == 0:  # no room for a line: the count goes beside the day number
                    rect = QRectF(cell.left() + cell.width() / 2, cell.top() + 1,
                                  cell.width() / 2 - 3, line)
                else:
                    rect = QRectF(cell.left() + 3, top + len(shown) * line, cell.width() - 6,
                                  line - 2)
                chips.append(_Chip(rect, day, None, hidden))
        return chips

    # -- painting -------------------------------------------------------------------------
    def _paint(self, painter: QPainter, colours: _Colours, exposed: QRectF) -> None:
        header = self._header_height()
        width = self.width() / 7.0
        painter.fillRect(QRectF(0, 0, self.width(), header), colours.window)
        painter.setPen(colours.window_text)
        locale = QLocale()
        for column in range(7):
            weekday = (self.first_weekday - 1 + column) % 7 + 1
            name = locale.dayName(weekday, QLocale.FormatType.ShortFormat)
            painter.drawText(QRectF(column * width, 0, width, header), _CENTRE, name)
        today = self.cache.today()
        month = self.current_date.month
        line = self._line_height()
        other_month = _blend(colours.window, colours.base, 0.5)
        cells = self._cells()
        for day, cell in cells:  # the backgrounds first, then the numbers: faster
            if day.month != month:
                painter.fillRect(cell, other_month)
            if day == self.current_date and not self.current_event_id:
                painter.fillRect(cell, _blend(colours.highlight, colours.base, 0.12))
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
                painter.drawText(bubble, _CENTRE, label)
                painter.setFont(self.font())
                pen = None
            else:
                colour = colours.text if day.month == month else colours.muted
                if colour is not pen:
                    painter.setPen(colour)
                    pen = colour
                painter.drawText(number_rect, _LEFT_MIDDLE, label)
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
        self._paint_chips(painter, colours, exposed, with_time)
        more = self.tr("+{n} more")
        painter.setPen(colours.text)
        for chip in self._chips:
            if chip.event is None:
                painter.drawText(chip.rect.adjusted(4, 0, 0, 0), _LEFT_MIDDLE,
                                 more.format(n=chip.hidden))
        self._paint_focus(painter, colours, self.cell_rect(self.current_date))
        if self._drop_hint is not None:
            self._drop_pen(painter, colours)
            painter.drawRect(self.cell_rect(self._drop_hint[0]).adjusted(2, 2, -2, -2))

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
            self._set_current(_add_months(day, -1), None)
        elif key == Qt.Key.Key_PageDown:
            self._set_current(_add_months(day, 1), None)
        elif key == Qt.Key.Key_Home:
            self._set_current(day.replace(day=1), None)
        elif key == Qt.Key.Key_End:
            self._set_current(_add_months(day.replace(day=1), 1) - timedelta(days=1), None)
        else:
            return False
        return True


class WeekGrid(_PaintedCalendar):
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

    def _grab_offset(self, pos: QPointF, chip: _Chip) -> timedelta:
        minutes = (pos.y() - chip.rect.top()) / self.hour_height() * 60.0
        return timedelta(minutes=max(0.0, minutes))

    def _layout_chips(self) -> list[_Chip]:
        chips: list[_Chip] = []
        minimum = self.fontMetrics().height() + 6.0
        for day in self.model.days:
            column = self.column_rect(day)
            blocks: list[tuple[float, float, CalendarEvent]] = []
            for event in self.model.events_on(day):
                top = self.y_of(event.start)
                end = event.end if event.end.date() == day else None
                bottom = self.y_of(end) if end is not None else self.hour_height() * 24
                blocks.append((top, max(bottom, top + minimum), event))
            narrowest = self.fontMetrics().averageCharWidth() * 11.0
            for top, bottom, event, lane, lanes in _lanes(blocks, column.width() - 4, narrowest):
                width = (column.width() - 4) / lanes
                left = column.left() + 2 + lane * width
                rect = QRectF(left, top + 1, width - 1, bottom - top - 2)
                shifted = top > self.y_of(event.start) + 0.5
                chips.append(_Chip(rect, day, event, shifted=shifted))
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

    def _paint(self, painter: QPainter, colours: _Colours, exposed: QRectF) -> None:
        base, window = colours.base, colours.window
        hour = self.hour_height()
        gutter = self.gutter_width()
        work_start, work_end = self.working_hours()
        off_hours = _blend(window, base, 0.55)
        painter.fillRect(QRectF(gutter, 0, self.width() - gutter, work_start * hour), off_hours)
        painter.fillRect(
            QRectF(gutter, work_end * hour, self.width() - gutter, (24 - work_end) * hour),
            off_hours,
        )
        painter.fillRect(QRectF(0, 0, gutter, self.height()), window)
        today = self.cache.today()
        if self.model.first <= today <= self.model.last:
            painter.fillRect(self.column_rect(today), _blend(colours.highlight, base, 0.07))
        grid = QPen(colours.mid)
        grid.setCosmetic(True)
        faint = QPen(_blend(colours.mid, base, 0.4))
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
                    _RIGHT_MIDDLE,
                    f"{h:02d}:00",
                )
        painter.setPen(grid)
        for column in range(8):
            x = gutter + column * self.column_width()
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        self._paint_chips(painter, colours, exposed, with_time=None, wrap=True)
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
            painter.drawText(QRectF(column.left() + 6, y, column.width() - 8, hour / 2),
                             _LEFT_MIDDLE, target.strftime("%H:%M"))

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
    blocks: list[tuple[float, float, CalendarEvent]], width: float, narrowest: float
) -> list[tuple[float, float, CalendarEvent, int, int]]:
    """Where clashing blocks go: (top, bottom, event, lane, lanes in its group).

    Blocks that overlap share the column's width while each keeps at least `narrowest`;
    beyond that they stack one under the other from the first one's time (steps are
    planned for a time of day, so their order tells more than an unreadable sliver).
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
        count = len(lane_ends)
        if count == 1 or width / count >= narrowest:
            placed.extend(
                (top, bottom, event, lane, count)
                for (top, bottom, event), lane in zip(group, lanes, strict=True)
            )
            continue
        floor = -1.0
        for top, bottom, event in group:
            shift = max(0.0, floor - top)
            placed.append((top + shift, bottom + shift, event, 0, 1))
            floor = bottom + shift
    return placed


class _WeekHeader(QWidget):
    """Day names and dates above the week grid, aligned with its columns."""

    def __init__(self, grid: WeekGrid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.right_margin = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(400, int(self.fontMetrics().height() * 2 + 10))

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
        for n, day in enumerate(self.grid.model.days[:7]):
            rect = QRectF(gutter + n * width, 0, width, self.height())
            if day == today:
                painter.fillRect(rect.adjusted(2, 2, -2, -2),
                                 palette.color(QPalette.ColorRole.Highlight))
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            else:
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.setFont(bold if day == self.grid.current_date else self.font())
            weekday = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter),
                             f"{weekday}\n{locale.toString(QDate(day), 'd MMM')}")
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


class ActivatesOnEnter:
    """Mixed into an item view (before it): Enter on the current item emits `enter_pressed`.

    So that the keyboard opens an item as a double-click does, whatever the platform's
    `activated` says; other keys, and Enter with nothing current, go to the view.
    """

    enter_pressed = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()  # type: ignore[attr-defined]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self.enter_pressed.emit(current)
            return
        super().keyPressEvent(event)  # type: ignore[misc]


class EnterTree(ActivatesOnEnter, QTreeView):
    """A tree view that opens its current item on Enter as well as on double-click."""


class EnterList(ActivatesOnEnter, QListView):
    """A list view that opens its current item on Enter as well as on a click."""


class AgendaView(QWidget):
    """The coming days that have something, each step with its message's first line."""

    step_activated = Signal(str)
    interview_activated = Signal(str)
    selection_changed = Signal(str, str)
    step_moved = Signal(str, object)  # never emitted (the agenda has no drag); the API is shared
    current_date_changed = Signal(object)

    def __init__(self, cache: EventCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self.model = AgendaModel(cache, self)
        self.current_date = cache.today()
        self.view = EnterTree(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Agenda"))
        self.view.setUniformRowHeights(True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setRootIsDecorated(False)
        self.view.setIconSize(QSize(4, self.fontMetrics().height()))  # the kind as a thin bar
        self.view.setItemsExpandable(False)
        self.view.setExpandsOnDoubleClick(False)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(AgendaModel.TIME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AgendaModel.TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AgendaModel.COMPANY, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AgendaModel.DRAFT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AgendaModel.STATUS, QHeaderView.ResizeMode.Interactive)
        # Widths from the font, not from every row: measuring rows costs a Python call each.
        metrics = self.fontMetrics()
        char = metrics.averageCharWidth()
        for column, chars in ((AgendaModel.TITLE, 34), (AgendaModel.COMPANY, 16)):
            header.resizeSection(column, char * chars)
        # Time and status: their longest text whole, in bold as due steps show it; the time
        # column also holds the event's indent and colour bar.
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        header.resizeSection(
            AgendaModel.TIME,
            self.view.indentation() + self.view.iconSize().width() + 4 * char
            + wide.horizontalAdvance("00:00"),
        )
        labels = [status.label for status in EventStatus] + [kind_label(INTERVIEW_KIND)]
        header.resizeSection(
            AgendaModel.STATUS, max(wide.horizontalAdvance(text) for text in labels) + 3 * char
        )
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        self.setFocusProxy(self.view)
        self.model.modelReset.connect(self._model_reset)
        self.view.doubleClicked.connect(self._activate)
        self.view.enter_pressed.connect(self._activate)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self._current_id = ""

    def range_for(self, day: date) -> tuple[date, date]:
        return day, day + timedelta(days=AGENDA_DAYS - 1)

    def set_date(self, day: date, *, reload: bool = False) -> None:
        self.current_date = day
        first, last = self.range_for(day)
        if reload or (first, last) != (self.model.first, self.model.last):
            self.model.set_range(first, last)

    def reload(self) -> None:
        self.model.reload()

    def _model_reset(self) -> None:
        self.view.expandAll()
        for row in range(self.model.rowCount()):
            self.view.setFirstColumnSpanned(row, QModelIndex(), True)
        empty = self.model.rowCount() == 0
        self.view.setVisible(not empty)
        self.empty.setVisible(empty)
        first, last = self.model.first, self.model.last
        locale = QLocale()
        self.empty.setText(self.tr("Nothing planned from {first} to {last}.").format(
            first=locale.toString(QDate(first), QLocale.FormatType.ShortFormat),
            last=locale.toString(QDate(last), QLocale.FormatType.ShortFormat),
        ))
        if self._current_id:
            self.select_event(self._current_id)


    def select_event(self, ident: str) -> bool:
        index = self.model.event_index(ident)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def current_event(self) -> CalendarEvent | None:
        return self.model.event_at(self.view.currentIndex())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = self.model.event_at(current)
        ident = event.id if event is not None else ""
        if ident != self._current_id:
            self._current_id = ident
            self.selection_changed.emit(event.kind if event is not None else "", ident)
        day = current.data(Roles.DATE)
        if isinstance(day, date) and day != self.current_date:
            self.current_date = day
            self.current_date_changed.emit(day)

    def _activate(self, index: QModelIndex) -> None:
        event = self.model.event_at(index)
        if event is None:
            return
        if event.is_step:
            self.step_activated.emit(event.id)
        else:
            self.interview_activated.emit(event.id)


class CalendarWidget(QWidget):
    """Month, week and agenda views of the same days, with navigation and a mini-month.

    `mini_month` is created here and, unless `mini_month_inside` is false, laid out on the
    left; a window may place it elsewhere (above its side panel) and it keeps working.
    """

    step_activated = Signal(str)
    interview_activated = Signal(str)
    selection_changed = Signal(str, str)  # "step" or "interview" (or "" for none), and its id
    step_moved = Signal(str, object)  # step id, new start (an aware datetime)
    date_changed = Signal(object)
    view_changed = Signal(str)

    def __init__(
        self,
        cache: EventCache,
        parent: QWidget | None = None,
        *,
        first_weekday: int | None = None,
        mini_month_inside: bool = True,
    ) -> None:
        super().__init__(parent)
        self.cache = cache
        self.current_date = cache.today()
        self.month_view = MonthGrid(cache, first_weekday)
        self.week_view = WeekView(cache, first_weekday)
        self.agenda_view = AgendaView(cache)
        self.views: dict[str, Any] = {
            MONTH: self.month_view, WEEK: self.week_view, AGENDA: self.agenda_view
        }
        self._stale = {MONTH: True, WEEK: True, AGENDA: True}
        # Building reads nothing: the window refreshes once it is built, or showing reads.
        self._reading_waits = True
        # Reading the neighbouring periods waits until the user pauses: it is for later.
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(800)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self.stack = QStackedWidget(self)
        for view in self.views.values():
            self.stack.addWidget(view)
        self.current_view = MONTH

        for view in (self.month_view, self.week_view.grid, self.agenda_view):
            view.step_activated.connect(self.step_activated)
            view.interview_activated.connect(self.interview_activated)
            view.selection_changed.connect(self.selection_changed)
            view.step_moved.connect(self.step_moved)
            view.current_date_changed.connect(self._view_date_changed)
        self.month_view.day_activated.connect(self._show_day)

        # -- navigation bar ----------------------------------------------------------------
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 4)
        self.today_button = QToolButton(self)
        self.today_button.setText(self.tr("Today"))
        self.today_button.setToolTip(self.tr("Go to today (Ctrl+T)"))
        self.today_button.setAccessibleName(self.tr("Go to today"))
        self.previous_button = QToolButton(self)
        self.previous_button.setIcon(icon("previous"))
        self.previous_button.setAccessibleName(self.tr("Previous period"))
        self.previous_button.setToolTip(self.tr("Previous (Ctrl+PgUp)"))
        self.next_button = QToolButton(self)
        self.next_button.setIcon(icon("next"))
        self.next_button.setAccessibleName(self.tr("Next period"))
        self.next_button.setToolTip(self.tr("Next (Ctrl+PgDown)"))
        self.period_label = QLabel(self)
        font = QFont(self.period_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.period_label.setFont(font)
        self.period_label.setAccessibleName(self.tr("Period shown"))
        bar.addWidget(self.today_button)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addSpacing(8)
        bar.addWidget(self.period_label, 1)
        self._bar = bar
        self.pages: dict[str, str] = {}  # name -> title, for pages the window adds
        self.view_buttons = QButtonGroup(self)
        self.view_buttons.setExclusive(True)
        for name, label, shortcut in (
            (MONTH, self.tr("Month"), "Ctrl+1"),
            (WEEK, self.tr("Week"), "Ctrl+2"),
            (AGENDA, self.tr("Agenda"), "Ctrl+3"),
        ):
            button = QToolButton(self)
            button.setText(label)
            button.setCheckable(True)
            button.setAccessibleName(self.tr("{view} view").format(view=label))
            button.setToolTip(f"{label} ({shortcut})")
            button.setProperty("view", name)
            self.view_buttons.addButton(button)
            bar.addWidget(button)
        self.view_buttons.buttonClicked.connect(
            lambda button: self.set_view(str(button.property("view")))
        )
        self.today_button.clicked.connect(self.go_today)
        self.previous_button.clicked.connect(lambda: self.step_period(-1))
        self.next_button.clicked.connect(lambda: self.step_period(1))

        # -- mini-month ---------------------------------------------------------------------
        self.mini_month = QCalendarWidget(self)
        self.mini_month.setAccessibleName(self.tr("Jump to a date"))
        self.mini_month.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader
        )
        self.mini_month.setGridVisible(False)
        if first_weekday:
            self.mini_month.setFirstDayOfWeek(Qt.DayOfWeek(first_weekday))
        self.mini_month.clicked.connect(lambda qdate: self.set_date(qdate.toPython()))
        self.mini_month.activated.connect(lambda qdate: self.set_date(qdate.toPython()))

        # -- actions (the window may put them in its menus) ---------------------------------
        self.today_action = self._action(self.tr("&Today"), "Ctrl+T", self.go_today)
        self.previous_action = self._action(
            self.tr("&Previous"), "Ctrl+PgUp", lambda: self.step_period(-1)
        )
        self.next_action = self._action(
            self.tr("&Next"), "Ctrl+PgDown", lambda: self.step_period(1)
        )
        for action, name in (
            (self.today_action, "today"),
            (self.previous_action, "previous"),
            (self.next_action, "next"),
        ):
            action.setIcon(icon(name))
        self.view_actions = {
            MONTH: self._action(self.tr("&Month"), "Ctrl+1", lambda: self.set_view(MONTH)),
            WEEK: self._action(self.tr("&Week"), "Ctrl+2", lambda: self.set_view(WEEK)),
            AGENDA: self._action(self.tr("&Agenda"), "Ctrl+3", lambda: self.set_view(AGENDA)),
        }

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addLayout(bar)
        body.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if mini_month_inside:
            side = QVBoxLayout()
            side.addWidget(self.mini_month)
            side.addStretch(1)
            layout.addLayout(side)
        else:
            self.mini_month.hide()  # until the window lays it out elsewhere
        layout.addLayout(body, 1)
        self.setFocusProxy(self.month_view)
        self.set_view(MONTH)
        self._reading_waits = False

    def _action(self, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- what the window calls -------------------------------------------------------------
    def view(self, name: str | None = None) -> Any:
        return self.views[name or self.current_view]

    def add_page(self, name: str, label: str, widget: QWidget, shortcut: str = "") -> QAction:
        """Add a page that is not a view of dates (a list, say) to the view switcher.

        Returns the action that shows it.
        """
        self.pages[name] = label
        self.stack.addWidget(widget)
        self.views[name] = widget
        button = QToolButton(self)
        button.setText(label)
        button.setCheckable(True)
        button.setAccessibleName(self.tr("{view} view").format(view=label))
        button.setToolTip(f"{label} ({shortcut})" if shortcut else label)
        button.setProperty("view", name)
        self.view_buttons.addButton(button)
        self._bar.addWidget(button)
        action = self._action(label, shortcut or None, lambda: self.set_view(name))
        self.view_actions[name] = action
        return action

    def set_view(self, name: str) -> None:
        """Show the month, week or agenda view of the current date (or an added page)."""
        had_focus = self.stack.currentWidget() is not None and self.stack.currentWidget().hasFocus()
        self.current_view = name
        view = self.views[name]
        self.stack.setCurrentWidget(view)
        self.setFocusProxy(view)
        for button in self.view_buttons.buttons():
            button.setChecked(button.property("view") == name)
        dated = name not in self.pages
        for widget in (self.previous_button, self.next_button):
            widget.setEnabled(dated)
        for action in (self.previous_action, self.next_action):
            action.setEnabled(dated)
        self._show(self.current_date)
        if had_focus or self.hasFocus():
            view.setFocus()
        self.view_changed.emit(name)

    def set_date(self, day: date) -> None:
        """Show the period of the current view that holds `day`."""
        self._show(day)
        self.date_changed.emit(day)

    def go_today(self) -> None:
        self.set_date(self.cache.today())

    def step_period(self, direction: int) -> None:
        """Go to the previous (-1) or next (+1) month, week or agenda page."""
        if self.current_view in self.pages:
            return
        day = self.current_date
        if self.current_view == MONTH:
            day = _add_months(day, direction)
        elif self.current_view == WEEK:
            day = day + timedelta(days=7 * direction)
        else:
            day = day + timedelta(days=AGENDA_DAYS * direction)
        self.set_date(day)

    def refresh(self, *, cache: bool = True) -> None:
        """Re-read the store (after a change) and redraw the visible view.

        `cache=False` when the caller has just refreshed the cache itself.
        """
        if cache:
            self.cache.refresh()
        for name in self._stale:
            self._stale[name] = True
        self._show(self.current_date)

    def select_event(self, kind: str, ident: str) -> None:
        """Show the day of an event and make it current (from the side panel, say)."""
        try:
            event = self.cache.event(kind, ident)
        except ValueError:
            return
        self._show(event.day)
        self.date_changed.emit(event.day)
        if self.current_view in self.pages:
            return
        view = self.views[self.current_view]
        target = view.grid if view is self.week_view else view
        target.select_event(ident)

    def current_event(self) -> CalendarEvent | None:
        if self.current_view in self.pages:
            return None
        view = self.views[self.current_view]
        target = view.grid if view is self.week_view else view
        return target.current_event()

    def period_text(self) -> str:
        locale = QLocale()
        day = self.current_date
        if self.current_view == MONTH:
            return f"{locale.standaloneMonthName(day.month)} {day.year}"
        first, last = (
            self.week_view.grid.range_for(day)
            if self.current_view == WEEK
            else self.agenda_view.range_for(day)
        )
        fmt = "d MMM" if first.year == last.year else "d MMM yyyy"
        last_text = locale.toString(QDate(last), "d MMM yyyy")
        return f"{locale.toString(QDate(first), fmt)} – {last_text}"

    # -- inside -----------------------------------------------------------------------------
    def _show(self, day: date) -> None:
        self.current_date = day
        if self.current_view in self.pages:
            self.period_label.setText(self.pages[self.current_view])
            return
        view = self.views[self.current_view]
        target = view.grid if view is self.week_view else view
        if not self._reading_waits:
            target.set_date(day, reload=self._stale[self.current_view])
            self._stale[self.current_view] = False
        self.period_label.setText(self.period_text())
        self.week_view.header.update()
        if self.mini_month.selectedDate().toPython() != day:
            self.mini_month.blockSignals(True)
            self.mini_month.setSelectedDate(QDate(day))
            self.mini_month.blockSignals(False)
        if self.isVisible():  # not while the window is still being built
            self._prefetch_timer.start()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale.get(self.current_view):  # shown before any refresh: read it now
            self._show(self.current_date)
        self._prefetch_timer.start()

    def hideEvent(self, event: Any) -> None:
        self._prefetch_timer.stop()  # closing: the store may be closed next
        super().hideEvent(event)

    def _prefetch(self) -> None:
        """Read the periods before and after the one shown, so the next step is instant."""
        if self.current_view in self.pages or not self.isVisible():
            return
        view = self.views[self.current_view]
        target = view.grid if view is self.week_view else view
        day = self.current_date
        if self.current_view == MONTH:
            neighbours = [_add_months(day, -1), _add_months(day, 1)]
        elif self.current_view == WEEK:
            neighbours = [day - timedelta(days=7), day + timedelta(days=7)]
        else:
            neighbours = [day - timedelta(days=AGENDA_DAYS), day + timedelta(days=AGENDA_DAYS)]
        for other in neighbours:
            self.cache.prefetch(*target.range_for(other))

    def _view_date_changed(self, day: date) -> None:
        self.current_date = day
        self.period_label.setText(self.period_text())
        self.mini_month.blockSignals(True)
        self.mini_month.setSelectedDate(QDate(day))
        self.mini_month.blockSignals(False)
        self.date_changed.emit(day)

    def _show_day(self, day: date) -> None:
        """"+N more" in the month: the week view shows every event of that day."""
        self.current_date = day
        self.set_view(WEEK)

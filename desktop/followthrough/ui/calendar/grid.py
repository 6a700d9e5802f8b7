"""What the month grid and the week grid share: `PaintedCalendar`, a widget painted from a
`CalendarModel`, with a current day and event, keyboard and mouse, and steps dragged and
dropped (the views only emit `step_moved`; the window changes the store).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from PySide6.QtCore import QDate, QEvent, QLocale, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from followthrough.core.model import ValidationError, local_datetime
from followthrough.ui.calendar.day_events import build_together
from followthrough.ui.calendar.day_models import CalendarModel
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import CalendarEvent, emit_activated
from followthrough.ui.calendar.painting import Chip, Colours, GridPainting, keeping_none
from followthrough.ui.calendar.step_drag import read_step_mime, step_mime


def _locale_first_weekday() -> int:
    return int(QLocale().firstDayOfWeek().value)


class PaintedCalendar(GridPainting, QWidget):
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
        self._chips: list[Chip] = []
        self._press: tuple[QPoint, CalendarEvent] | None = None
        self.day_popup: QWidget | None = None  # the "+N more" popup last opened
        self._drag_offset = timedelta(0)  # where in the dragged event it was grabbed
        self._drop_hint: tuple[date, datetime | None] | None = None
        self._drop_note = ""  # what the drop hint's time falls on, when not a working time
        self._forget_looks()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setMouseTracking(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # -- what subclasses provide ----------------------------------------------------------
    def range_for(self, day: date) -> tuple[date, date]:
        raise NotImplementedError

    def _layout_chips(self) -> list[Chip]:
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

    AHEAD_PER_DAY = 6  # about the chips a day's cell shows in a large window

    def build_ahead(self) -> None:
        """Build the first events of each day shown, in one read, before the view is shown
        again (a page swapped in): its first layout and paint then find them built."""
        days = [self.model.day_events(day) for day in self.model.days]
        build_together([(events, range(min(len(events), self.AHEAD_PER_DAY)))
                        for events in days if events])

    def _model_reset(self) -> None:
        if self.current_event_id and not self.model.holds(self.current_event_id):
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
        day = self.model.day_holding(ident)  # only that day's events are built
        if day is None:
            return False
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
        count = len(self.model.day_events(self.current_date))  # counted, none built
        day = QLocale().toString(QDate(self.current_date), QLocale.FormatType.LongFormat)
        text = self.tr("{day}: {n} events").format(day=day, n=count)
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
        if event is not None:
            emit_activated(self, event)

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
            if self.current_event() is None and events:  # a day: its first event opens
                self._set_current(self.current_date, events[0])
            self.activate_current()
        elif self._navigate(key, events, position):
            self._tell_current()
        else:
            super().keyPressEvent(event)

    def _tell_current(self) -> None:
        """The keyboard's hover: the event the keys moved to says all of it in a tooltip."""
        from PySide6.QtWidgets import QToolTip

        event = self.current_event()
        ident = event.id if event is not None else None
        chip = next((c for c in self._chips if c.event is not None and c.event.id == ident), None)
        if event is None or chip is None:
            QToolTip.hideText()
            return
        rect = chip.rect.toAlignedRect()
        QToolTip.showText(self.mapToGlobal(rect.bottomLeft()), event.tooltip(), self, rect)

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
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)  # type: ignore[arg-type]
            return True
        return super().event(event)

    def _show_tooltip(self, event: QHelpEvent) -> None:
        """Hovering over an event says all of it: a narrow chip shows little of its label."""
        from PySide6.QtWidgets import QToolTip

        chip = self._chip_at(QPointF(event.pos()))
        if chip is None:
            QToolTip.hideText()
            event.ignore()
            return
        if chip.event is not None:
            text = chip.event.tooltip()
        else:  # "+N more": everything of that day, since the cell shows only part of it
            text = "\n".join(f"{e.times_text()}  {e.title}" for e in self.model.events_on(chip.day))
        QToolTip.showText(event.globalPos(), text, self, chip.rect.toAlignedRect())

    def _chip_at(self, pos: QPointF) -> Chip | None:
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
            self.show_day(chip.day, chip.rect.toAlignedRect())
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

    def show_day(self, day: date, anchor: QRect) -> None:
        """"+N more": every event of `day` in a popup under `anchor`; choosing one opens it."""
        from followthrough.ui.calendar.day_popup import DayPopup

        if self.day_popup is not None:
            self.day_popup.deleteLater()  # one at a time; closed, not yet let go
        popup = DayPopup(day, self.model.events_on(day), self)
        popup.chosen.connect(lambda event: self._open_chosen(day, event))
        popup.week_wanted.connect(self.day_activated)
        self.day_popup = popup
        popup.show_below(anchor, self)

    def _open_chosen(self, day: date, event: CalendarEvent) -> None:
        self._set_current(day, event)
        self.activate_current()

    def _grab_offset(self, pos: QPointF, chip: Chip) -> timedelta:
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
            self._drop_note = self.drop_note(dragged[0], target) if target is not None else ""
            self.update()
        if target is None:
            event.ignore()
        else:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: Any) -> None:
        self._drop_hint, self._drop_note = None, ""
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_hint, self._drop_note = None, ""
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

    def drop_note(self, step_id: str, target: datetime) -> str:
        """What `target` falls on when it is not a working time ("on a Saturday"), said where
        the step would be dropped: moving it there is allowed all the same."""
        from followthrough.core.actions import placement_note
        from followthrough.core.workdays import WorkCalendar

        try:
            event = self.cache.event("step", step_id)
        except ValidationError:
            return ""
        end = target + (event.end - event.start)
        return placement_note(target, end, WorkCalendar(self.cache.store.settings()))

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

    def _paint(self, painter: QPainter, colours: Colours, exposed: QRectF) -> None:
        """Paint the grid, its chips and marks over the base colour; `exposed` needs painting."""
        raise NotImplementedError

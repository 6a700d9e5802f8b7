"""How the month and week grids paint: the palette's colours, chips' colours, fonts and
labels, the focus frame and the drop mark, and `keeping_none` (a PySide6 6.12.0 workaround
every painted widget of the calendar paints inside).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import PySide6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen

from followthrough.ui.calendar.events import (
    OVERDUE_COLOUR,
    CalendarEvent,
    EventStatus,
    kind_colour,
)

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


_NO_PEN = QPen(Qt.PenStyle.NoPen)
_MAX_LOOKS = 4096  # chips' looks kept (a month shows a few hundred at most)
_DIM = frozenset({EventStatus.DONE, EventStatus.SKIPPED, EventStatus.CANCELLED})
_MARKS = {status: status.mark for status in EventStatus}
CENTRE = int(Qt.AlignmentFlag.AlignCenter)
LEFT_MIDDLE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT_MIDDLE = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_WRAPPED = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)


def blend(front: QColor, back: QColor, amount: float) -> QColor:
    """`amount` of `front` over `back`, opaque."""
    return QColor.fromRgbF(
        front.redF() * amount + back.redF() * (1 - amount),
        front.greenF() * amount + back.greenF() * (1 - amount),
        front.blueF() * amount + back.blueF() * (1 - amount),
    )


def _luminance(colour: QColor) -> float:
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()


@dataclass
class Chip:
    """Where one event (or a "+N more") is drawn, for painting and hit-testing."""

    rect: QRectF
    day: date
    event: CalendarEvent | None  # None: the "+N more" line of `day`
    hidden: int = 0


class _ChipLook(NamedTuple):
    """What a chip of one event is painted with, worked out once (see `_chip_look`)."""

    event: CalendarEvent  # the very object it is for (which also keeps its id unique)
    fill: QColor
    bar: QColor
    text: QColor
    font: QFont
    label: str  # elided to the chip's width (each line of a two-line label on its own)
    radius: float  # of the chip's corners
    wrapped_height: float = 0.0  # the height of the lines it wraps over; 0: one line


@dataclass(frozen=True, slots=True)
class Colours:
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
    def of(cls, palette: QPalette) -> Colours:
        role = QPalette.ColorRole
        return cls(*(palette.color(r) for r in (
            role.Base, role.Window, role.Text, role.WindowText, role.PlaceholderText,
            role.Highlight, role.HighlightedText, role.Mid,
        )))


class GridPainting:
    """Mixed into a painted grid (before QWidget): how its chips look and are drawn.

    Colours, fonts and chips' looks are worked out once and kept until the palette or the
    font changes (`_forget_looks`). The grid provides its chips and its current day and event.
    """

    _chips: list[Chip]
    current_date: date
    current_event_id: str

    def _palette_colours(self) -> Colours:
        """The palette's colours for the widget's state now (active, inactive, disabled)."""
        palette = self.palette()
        group = palette.currentColorGroup()
        found = self._palettes.get(group)
        if found is None:
            found = self._palettes[group] = Colours.of(palette)
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
            fill = blend(accent, base, 0.08)
            text = colours.muted
        else:
            fill = blend(accent, base, 0.28 if _luminance(base) > 0.5 else 0.38)
        self._colours[key] = (fill, bar, text)
        return fill, bar, text

    def _chip_text(self, event: CalendarEvent, with_time: bool, two_lines: bool) -> str:
        """The mark, the time, the person; then on a second line (or after a dot) what."""
        parts = []
        mark = _MARKS[event.status]
        if mark:
            parts.append(mark)
        if with_time:
            parts.append(event.time_text())
        who, what = event.chip_lines()
        parts.append(who)
        return " ".join(parts) + ("\n" if two_lines else " · ") + what

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
        self._palettes: dict[QPalette.ColorGroup, Colours] = {}
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
        two_lines = wrap and inner.height() >= 2 * metrics.height()
        radius = min(4.0, rect.height() / 4)
        if inner.width() < 2 * metrics.averageCharWidth():
            # Too narrow for a letter (many clashing steps side by side): its colour says the
            # kind, its tooltip the rest; no label is worked out or drawn.
            look = _ChipLook(event, fill, bar, text_colour, font, "", radius)
            self._looks[key] = look
            return look
        text = self._chip_text(event, with_time, two_lines)
        if two_lines:  # who, then what: each line elided on its own, never a name cut in two
            lines = max(1, int(inner.height() // metrics.height()))
            label = "\n".join(
                metrics.elidedText(part, Qt.TextElideMode.ElideRight, inner.width())
                for part in text.split("\n")
            )
            look = _ChipLook(
                event, fill, bar, text_colour, font, label, radius, lines * metrics.height()
            )
        else:
            label = metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
            look = _ChipLook(event, fill, bar, text_colour, font, label, radius)
        self._looks[key] = look
        return look

    def _paint_chips(
        self, painter: QPainter, colours: Colours, exposed: QRectF, with_time: bool,
        wrap: bool = False,
    ) -> None:
        """Draw the events' chips that `exposed` meets, the last one on top.

        `with_time`: a chip's label starts with its time; `wrap`: a label may take several
        lines where the chip is tall enough. The chips' shapes are drawn first and their
        labels after, which is much faster than one chip at a time; where a chip may cover
        one whose label is still to come, that label is drawn first.
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
            timed = with_time
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
            if not look.label:
                continue
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
                painter.drawText(inner, LEFT_MIDDLE, look.label)
        if font is not None:
            painter.setFont(self.font())

    def _paint_focus(self, painter: QPainter, colours: Colours, rect: QRectF) -> None:
        """The frame of the current day (or column) while it has the focus and no event."""
        if self.hasFocus() and not self.current_event_id:
            painter.setPen(QPen(colours.highlight, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))

    def _drop_pen(self, painter: QPainter, colours: Colours) -> None:
        """Ready `painter` to mark where a dragged step would land."""
        painter.setPen(QPen(colours.highlight, 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)

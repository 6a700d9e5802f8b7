"""The models of a range of days, each day with its events: every day (`CalendarModel`, for
the month and week grids) or only the days with something (`AgendaModel`). Steps are dragged
from and dropped on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QLocale, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from followthrough.core import shown_dates
from followthrough.core.model import local_datetime
from followthrough.ui.calendar.day_events import DayEvents
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import (
    INTERVIEW_KIND,
    OVERDUE_COLOUR,
    CalendarEvent,
    EventStatus,
    kind_label,
    tr,
)
from followthrough.ui.calendar.item_model import Index, Roles, TwoLevelModel, event_data
from followthrough.ui.calendar.step_drag import STEP_MIME, read_step_mime, step_mime

_SERVED_ROLES = frozenset(
    [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ForegroundRole,
        *Roles,
    ]
)


# Item flags, combined once (a Python enum's | costs a call per use, and views ask per cell).
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DAY_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsDropEnabled
_MOVABLE_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsDragEnabled


class _DayTreeModel(TwoLevelModel):
    """Days at the top level, each with its events as children.

    An event's index carries its day's row + 1 as internal id; a day's carries 0.
    """

    move_requested = Signal(str, object)
    """A step was dropped on another day (by a view using the model's drag and drop)."""

    def __init__(self, cache: EventCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self._days: list[date] = []
        self._events: list[Sequence[CalendarEvent]] = []
        self._row_of: dict[date, int] = {}
        self.first = self.last = cache.today()
        self.show_cancelled = False

    # -- loading --------------------------------------------------------------------------
    def set_range(self, first: date, last: date) -> None:
        """Show the days from `first` to `last` (inclusive)."""
        self.first, self.last = first, last
        self._load()

    def reload(self) -> None:
        """Re-read the store (after a change) and show the same range."""
        self.cache.refresh()
        self._load()

    def set_show_cancelled(self, show: bool) -> None:
        self.show_cancelled = show
        self._load()

    def _load(self) -> None:
        by_day = self._read_days()
        self.beginResetModel()
        self._days, self._events = self._choose_days(by_day)
        self._row_of = {day: row for row, day in enumerate(self._days)}
        self.endResetModel()

    def _read_days(self) -> Mapping[date, Sequence[CalendarEvent]]:
        """Each day's events, built as they are looked at (a grid shows a few of a busy
        day's events and counts the rest)."""
        return self.cache.day_events(self.first, self.last, cancelled=self.show_cancelled)

    def _choose_days(
        self, by_day: Mapping[date, Sequence[CalendarEvent]]
    ) -> tuple[list[date], list[Sequence[CalendarEvent]]]:
        days = [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]
        return days, [by_day.get(day, []) for day in days]

    # -- lookups the views use ------------------------------------------------------------
    @property
    def days(self) -> list[date]:
        return list(self._days)

    def events_on(self, day: date) -> list[CalendarEvent]:
        row = self.day_row(day)
        return list(self._events[row]) if row >= 0 else []

    def day_events(self, day: date) -> Sequence[CalendarEvent]:
        """The events of `day`, each built when first asked for (do not change it)."""
        row = self.day_row(day)
        return self._events[row] if row >= 0 else ()

    def holds(self, ident: str) -> bool:
        """Whether an event with id `ident` is in the range shown (building none)."""
        return self.day_holding(ident) is not None

    def day_holding(self, ident: str) -> date | None:
        """The day of the range shown that has the event `ident` (building none), or None."""
        for day, events in zip(self._days, self._events, strict=False):
            if events.has(ident) if isinstance(events, DayEvents) else any(
                e.id == ident for e in events
            ):
                return day
        return None

    def day_row(self, day: date) -> int:
        return self._row_of.get(day, -1)

    def day_index(self, day: date) -> QModelIndex:
        row = self.day_row(day)
        return self.index(row, 0) if row >= 0 else QModelIndex()

    def event_index(self, ident: str, column: int = 0) -> QModelIndex:
        return self._index_where(lambda event: event.id == ident, column)

    def event_at(self, index: Index) -> CalendarEvent | None:
        event: CalendarEvent | None = self._member_at(index)
        return event

    # -- QAbstractItemModel ---------------------------------------------------------------
    COLUMNS: tuple[str, ...] = ("Day",)

    def _members(self) -> list[Sequence[CalendarEvent]]:
        return self._events

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        event = self.event_at(index)
        if event is None:
            return _DAY_FLAGS
        return _MOVABLE_FLAGS if event.movable else _ITEM_FLAGS

    def _value(self, index: Index, role: int) -> Any:
        if role not in _SERVED_ROLES:
            return None  # views ask for many roles; answering those cheaply keeps them fast
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self._days):
                return None
            return self._day_data(self._days[index.row()], self._events[index.row()], index, role)
        event = self.event_at(index)
        if event is None:
            return None
        return self._event_data(event, index, role)

    def _day_data(
        self, day: date, events: Sequence[CalendarEvent], index: Index, role: int
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return shown_dates.day(day, year=False)
        if role == Roles.KIND:
            return "day"
        if role == Roles.DATE:
            return day
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return tr("{day}, {n} events").format(
                day=QLocale().toString(QDate(day), QLocale.FormatType.LongFormat), n=len(events)
            )
        if role == Qt.ItemDataRole.FontRole and day == self.cache.today():
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _event_data(self, event: CalendarEvent, index: Index, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return f"{event.times_text()} {event.title}"
        return event_data(event, role, index.column())

    # -- drag and drop --------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [STEP_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        for index in indexes:
            event = self.event_at(index)
            if event is not None and event.movable:
                return step_mime(event)
        return None

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return read_step_mime(data) is not None and self._drop_day(parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        dragged = read_step_mime(data)
        day = self._drop_day(parent)
        if dragged is None or day is None:
            return False
        ident, start = dragged
        local = start.astimezone(self.cache.tz)
        new_start = local_datetime(day, local.hour, local.minute, self.cache.tz)
        if new_start != local:
            self.move_requested.emit(ident, new_start)
        # The store changes, then the model reloads: nothing to insert here.
        return False

    def _drop_day(self, parent: Index) -> date | None:
        if not parent.isValid():
            return None
        if parent.internalId() == 0:
            return self._days[parent.row()] if 0 <= parent.row() < len(self._days) else None
        event = self.event_at(parent)
        return event.day if event is not None else None


class CalendarModel(_DayTreeModel):
    """Every day of a range (a month grid, a week), each with its events."""


def overdue_day(day: date) -> str:
    """How an overdue step's day shows in the agenda's time column: "3 Dec"."""
    return shown_dates.day(day, year=False, named=False)


class AgendaModel(_DayTreeModel):
    """The days of a range that have something, each with its events and the drafts' first line.

    Columns: time, what, company, the draft's first line (its subject for an email), status.
    """

    COLUMNS = ("When", "Follow-up", "Company", "Message", "Status")
    TIME, TITLE, COMPANY, DRAFT, STATUS = range(5)

    # Nothing is dragged from or dropped on the agenda: Qt's own flags (enabled, selectable)
    # serve, without a call into Python for every cell the view paints.
    flags = QAbstractItemModel.flags

    # The group of planned steps left from days before today: first, when the agenda starts
    # today. Keyed by a date no day has, so the tree's day rows serve it as they are.
    OVERDUE = date.min
    OVERDUE_SHOWN = 50  # the latest ones; the group's title says how many there are in all
    _overdue_total = 0

    def _read_days(self) -> Mapping[date, Sequence[CalendarEvent]]:
        """Each day's events, all built at once: the agenda's rows show every one of them."""
        by_day: dict[date, list[CalendarEvent]] = {}
        for event in self.cache.events(self.first, self.last, cancelled=self.show_cancelled):
            by_day.setdefault(event.day, []).append(event)
        return by_day

    def _choose_days(
        self, by_day: Mapping[date, Sequence[CalendarEvent]]
    ) -> tuple[list[date], list[Sequence[CalendarEvent]]]:
        days = sorted(by_day)
        events = [by_day[day] for day in days]
        self._overdue_total = 0
        if self.first == self.cache.today():
            overdue = self.cache.step_events(self.cache.overdue_rows(self.OVERDUE_SHOWN))
            if overdue:
                self._overdue_total = self.cache.overdue_count()
                days.insert(0, self.OVERDUE)
                events.insert(0, sorted(overdue, key=lambda event: event.start))
        return days, events

    def in_overdue_group(self, index: Index) -> bool:
        """Whether `index` is the overdue group or one of its steps."""
        row = index.internalId() - 1 if index.internalId() else index.row()
        return index.isValid() and 0 <= row < len(self._days) and self._days[row] == self.OVERDUE

    def _day_data(
        self, day: date, events: Sequence[CalendarEvent], index: Index, role: int
    ) -> Any:
        if day == self.OVERDUE:
            return self._overdue_data(events, index, role)
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            text = QLocale().toString(QDate(day), "dddd d MMMM yyyy")
            if day == self.cache.today():
                return tr("Today, {day}").format(day=text)
            return text
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return super()._day_data(day, events, index, role)

    def _overdue_data(self, events: Sequence[CalendarEvent], index: Index, role: int) -> Any:
        total = self._overdue_total
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() != 0:
                return None
            if total > len(events):
                return tr("Overdue: the latest {shown} of {total}").format(
                    shown=len(events), total=total
                )
            return tr("Overdue ({total})").format(total=total)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(OVERDUE_COLOUR)
        if role == Roles.KIND:
            return "overdue"
        return None

    def _event_data(self, event: CalendarEvent, index: Index, role: int) -> Any:
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                if event.day < self.first:  # in the overdue group: its day says more
                    return overdue_day(event.day)
                return event.times_text()
            if column == self.TITLE:
                mark = event.status.mark
                return f"{mark} {event.title}" if mark else event.title
            if column == self.COMPANY:
                return event.company
            if column == self.DRAFT:
                return self.cache.draft_line(event)
            if column == self.STATUS:
                return event.status.label if event.is_step else kind_label(INTERVIEW_KIND)
            return None
        if role == Roles.DRAFT:
            return self.cache.draft_line(event)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS and (
            event.status is EventStatus.OVERDUE
        ):
            return QColor(OVERDUE_COLOUR)
        return event_data(event, role, column)

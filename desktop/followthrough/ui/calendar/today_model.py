"""Today's list: the planned steps due today, then the overdue ones, read a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from followthrough.core import shown_dates
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import CalendarEvent, EventStatus
from followthrough.ui.calendar.item_model import Index, event_data


class TodayModel(QAbstractListModel):
    """Planned steps due today, then the overdue ones (latest first): what to do now.

    Rows are read a batch at a time as the view scrolls (`fetchMore`): a long backlog costs
    nothing until it is looked at. `total` counts them all.
    """

    BATCH = 40  # some screens' worth; each row read costs its step and its interview

    def __init__(self, cache: EventCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self._total = 0
        self._events: list[CalendarEvent] = []

    @property
    def total(self) -> int:
        return self._total

    def reload(self, refresh: bool = True) -> None:
        if refresh:
            self.cache.refresh()
        self.beginResetModel()
        self._total = self.cache.due_count()
        self._events = self.cache.step_events(self.cache.due_rows(0, self.BATCH))
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._events) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        start = len(self._events)
        batch = self.cache.step_events(self.cache.due_rows(start, self.BATCH))
        if not batch:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(batch) - 1)
        self._events.extend(batch)
        self.endInsertRows()

    def event_at(self, index: Index) -> CalendarEvent | None:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        return self._events[index.row()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        event = self.event_at(index)
        if event is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            when = (
                event.times_text()
                if event.status is EventStatus.DUE
                else shown_dates.day(event.start, year=False, named=False)
            )
            return f"{event.status.mark} {when}  {event.title} · {event.company}"
        if role == Qt.ItemDataRole.FontRole:
            return None  # everything here is due: bold would say nothing
        return event_data(event, role)

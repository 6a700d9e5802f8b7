"""What the calendar's item models share: their data roles, what an event's row answers, and
`TwoLevelModel`, the tree of groups and their items (days and events, states and
interviews) that keeps the values it gave until the next reset.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from followthrough.ui.calendar.events import CalendarEvent, EventStatus, kind_colour, tr

Index = QModelIndex | QPersistentModelIndex


class Roles(IntEnum):
    """Data roles the calendar models answer besides Qt's own."""

    EVENT = Qt.ItemDataRole.UserRole + 1  # the CalendarEvent (events only)
    KIND = Qt.ItemDataRole.UserRole + 2  # "day", "step", "interview", "group"
    ID = Qt.ItemDataRole.UserRole + 3  # step id or interview id
    INTERVIEW_ID = Qt.ItemDataRole.UserRole + 4
    STEP_KIND = Qt.ItemDataRole.UserRole + 5
    STATUS = Qt.ItemDataRole.UserRole + 6  # EventStatus value, or PipelineState value
    START = Qt.ItemDataRole.UserRole + 7  # datetime in the user's zone
    END = Qt.ItemDataRole.UserRole + 8
    COLOUR = Qt.ItemDataRole.UserRole + 9  # QColor by kind
    DATE = Qt.ItemDataRole.UserRole + 10  # the day (a date)
    SEARCH = Qt.ItemDataRole.UserRole + 11  # lower-case text a search matches
    DRAFT = Qt.ItemDataRole.UserRole + 12  # the draft's first line


def event_data(event: CalendarEvent, role: int, column: int = 0) -> Any:
    """What the event-rows of every model answer for the roles they share."""
    if role == Roles.EVENT:
        return event
    if role == Roles.KIND:
        return event.kind
    if role == Roles.ID:
        return event.id
    if role == Roles.INTERVIEW_ID:
        return event.interview_id
    if role == Roles.STEP_KIND:
        return event.step_kind
    if role == Roles.STATUS:
        return event.status.value
    if role == Roles.START:
        return event.start
    if role == Roles.END:
        return event.end
    if role == Roles.DATE:
        return event.day
    if role == Roles.COLOUR:
        return kind_colour(event.step_kind)
    if role == Qt.ItemDataRole.ToolTipRole:
        return event.tooltip()
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return event.accessible_text()
    if role == Qt.ItemDataRole.DecorationRole and column == 0:
        return kind_colour(event.step_kind)
    if role == Qt.ItemDataRole.FontRole and event.status in (EventStatus.DUE, EventStatus.OVERDUE):
        font = QFont()
        font.setBold(True)
        return font
    if role == Qt.ItemDataRole.FontRole and event.status in (
        EventStatus.SKIPPED, EventStatus.CANCELLED
    ):
        font = QFont()
        font.setStrikeOut(True)
        return font
    return None


class TwoLevelModel(QAbstractItemModel):
    """Groups at the top level, each with its items as children (days and events, states and
    interviews). An item's index carries its group's row + 1 as internal id; a group's, 0."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # The values asked for, by cell (internal id, row, column) and role, until the next
        # reset: a view paints a cell by asking for some ten roles, again at every paint.
        self._cells: dict[tuple[int, int, int], dict[int, Any]] = {}
        self.modelAboutToBeReset.connect(self._cells.clear)

    def _value(self, index: Index, role: int) -> Any:
        """What `data()` answers for a valid index, before it is kept (subclasses)."""
        raise NotImplementedError

    def _cell(self, index: Index) -> dict[int, Any]:
        key = (index.internalId(), index.row(), index.column())
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = {}
        return cell

    def _kept(self, cell: dict[int, Any], index: Index, role: int) -> Any:
        """The cell's value for `role`, worked out the first time it is asked for."""
        if role in cell:
            return cell[role]
        value = cell[role] = self._value(index, role)
        return value

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self._kept(self._cell(index), index, role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        """All the roles a delegate asks for at once: one call per cell instead of one per role."""
        if not index.isValid():
            for item in roleDataSpan:
                item.clearData()
            return
        cell = self._cell(index)
        for item in roleDataSpan:
            value = self._kept(cell, index, item.role())
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def _members(self) -> list[list[Any]]:
        """Each group's items, in row order (subclasses)."""
        raise NotImplementedError

    def _member_at(self, index: Index) -> Any:
        """The item an index points at (None for a group, or an index out of date)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        members = self._members()
        group = index.internalId() - 1
        if not 0 <= group < len(members) or not 0 <= index.row() < len(members[group]):
            return None
        return members[group][index.row()]

    def _index_where(self, found: Callable[[Any], bool], column: int = 0) -> QModelIndex:
        """The index of the first item for which `found` is true (invalid if none)."""
        for group, items in enumerate(self._members()):
            for row, item in enumerate(items):
                if found(item):
                    return self.createIndex(row, column, group + 1)
        return QModelIndex()

    # Views call these for every row they lay out (a thousand when a tree is expanded): each
    # asks the index as little as it can, since every question crosses into Qt.
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.internalId() != 0:
            return 0
        return len(self.COLUMNS)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        members = self._members()
        if not parent.isValid():
            return len(members)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        group = parent.row()
        return len(members[group]) if 0 <= group < len(members) else 0

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # The bounds checked here, not by hasIndex(): that would call back into Python twice.
        if row < 0 or column < 0 or column >= len(self.COLUMNS):
            return QModelIndex()
        members = self._members()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(members) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        group = parent.row()
        if group >= len(members) or row >= len(members[group]):
            return QModelIndex()
        return self.createIndex(row, column, group + 1)

    def parent(self, child: Index | None = None) -> Any:  # type: ignore[override]
        if child is None:
            return super().parent()
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return tr(self.COLUMNS[section])
        return None

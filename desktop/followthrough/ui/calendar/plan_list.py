"""The list view: every follow-up still to do or done, one row each, in time order."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from followthrough.core import shown_dates
from followthrough.core.model import Interview, Step, StepStatus
from followthrough.core.zones import in_both_zones
from followthrough.ui.calendar.events import OVERDUE_COLOUR, EventStatus, display_status

_Index = QModelIndex | QPersistentModelIndex


class PlanModel(QAbstractTableModel):
    """The follow-up steps still to do or done (and cancelled, when asked), one row each: in
    time order until the user sorts by another column. A planned step whose day has passed
    is shown as overdue."""

    COLUMNS = ("When", "Follow-up", "Company", "Channel", "Status")
    # The order a sort by status follows: what needs the user first.
    STATUS_ORDER = (EventStatus.OVERDUE, EventStatus.DUE, EventStatus.PLANNED, EventStatus.DONE,
                    EventStatus.SKIPPED, EventStatus.CANCELLED)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._steps: list[Step] = []
        self._shown: list[EventStatus] = []
        self._companies: dict[str, str] = {}
        self._zones: dict[str, str] = {}  # interview id -> its zone
        self._tz = ZoneInfo("UTC")
        self._order: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self.show_cancelled = False  # the cancelled steps too (read at the next set_plan)

    def set_plan(
        self, interviews: list[Interview], steps: list[Step], tz: ZoneInfo, today: date
    ) -> None:
        self.beginResetModel()
        self._companies = {iv.id: iv.company for iv in interviews}
        self._zones = {iv.id: iv.tz for iv in interviews}
        self._steps = [
            s for s in steps if self.show_cancelled or s.status is not StepStatus.CANCELLED
        ]
        self._tz = tz
        self._shown = [display_status(s.status, s.start.astimezone(tz), today)
                       for s in self._steps]
        self._arrange()
        self.endResetModel()

    def step_at(self, row: int) -> Step:
        return self._steps[row]

    def status_at(self, row: int) -> EventStatus:
        return self._shown[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._steps)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._steps):
            return None
        step = self._steps[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return step.why
        overdue = self._shown[index.row()] is EventStatus.OVERDUE
        if role == Qt.ItemDataRole.ForegroundRole and overdue and index.column() in (0, 4):
            return QColor(OVERDUE_COLOUR)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by `column` (ties in time order), as a click on its header asks."""
        self.layoutAboutToBeChanged.emit()
        self._order = (column, order)
        self._arrange()
        self.layoutChanged.emit()

    def _text(self, row: int, column: int) -> str:
        step = self._steps[row]
        if column == 0:
            there = self._zones.get(step.interview_id, "")
            return in_both_zones(step.start, self._tz, there, shown_dates.day_time)
        if column == 1:
            return step.title
        if column == 2:
            return self._companies.get(step.interview_id, "")
        if column == 3:
            return step.channel.value
        return self._shown[row].label

    def _arrange(self) -> None:
        column, order = self._order
        rows = sorted(range(len(self._steps)), key=lambda r: self._steps[r].start)
        if column == 4:
            rank = {status: n for n, status in enumerate(self.STATUS_ORDER)}
            rows.sort(key=lambda r: rank.get(self._shown[r], len(rank)))
        elif column != 0:
            rows.sort(key=lambda r: self._text(r, column).casefold())
        if order == Qt.SortOrder.DescendingOrder:
            rows.reverse()
        self._steps = [self._steps[r] for r in rows]
        self._shown = [self._shown[r] for r in rows]


class PlanList(QTableView):
    """The list page of the calendar: a table over a PlanModel, rows selected whole, sorted
    by a click on any column's header, each column as wide as its content."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan_model = PlanModel(self)
        self.setModel(self.plan_model)
        self.setAccessibleName(self.tr("Every follow-up"))
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

"""The list view: every follow-up still to do or done, one row each, in time order."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from followthrough.core.model import Interview, Step, StepStatus

_Index = QModelIndex | QPersistentModelIndex


class PlanModel(QAbstractTableModel):
    """The follow-up steps still to do or done, one row each, in time order."""

    COLUMNS = ("When", "Follow-up", "Company", "Channel", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._steps: list[Step] = []
        self._companies: dict[str, str] = {}
        self._tz = ZoneInfo("UTC")

    def set_plan(self, interviews: list[Interview], steps: list[Step], tz: ZoneInfo) -> None:
        self.beginResetModel()
        self._companies = {iv.id: iv.company for iv in interviews}
        self._steps = [s for s in steps if s.status is not StepStatus.CANCELLED]
        self._tz = tz
        self.endResetModel()

    def step_at(self, row: int) -> Step:
        return self._steps[row]

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
            column = index.column()
            if column == 0:
                return _local(step.start, self._tz)
            if column == 1:
                return step.title
            if column == 2:
                return self._companies.get(step.interview_id, "")
            if column == 3:
                return step.channel.value
            if column == 4:
                return step.status.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return step.why
        return None


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b %Y %H:%M")


class PlanList(QTableView):
    """The list page of the calendar: a table over a PlanModel, rows selected whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan_model = PlanModel(self)
        self.setModel(self.plan_model)
        self.setAccessibleName(self.tr("Every follow-up"))
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()

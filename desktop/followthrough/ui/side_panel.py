"""The side panel: what is due today (one click opens it) and the pipeline of interviews."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.item_model import Roles
from followthrough.ui.calendar.item_views import EnterList, EnterTree
from followthrough.ui.calendar.pipeline import PipelineState
from followthrough.ui.calendar.pipeline_model import PipelineModel
from followthrough.ui.calendar.today_model import TodayModel


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class SidePanel(QWidget):
    """Today's follow-ups and the interviews grouped by where they stand.

    `header` (the calendar's mini-month, say) is laid out on top when given.
    """

    step_activated = Signal(str)  # a click on a due step: open its editor
    interview_activated = Signal(str)  # double-click or Enter on an interview
    selection_changed = Signal(str, str)  # "step" or "interview", and its id

    def __init__(
        self, cache: EventCache, parent: QWidget | None = None, header: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cache = cache
        self.setAccessibleName(self.tr("Side panel"))

        # -- today ---------------------------------------------------------------------------
        today_box = QWidget(self)
        today_layout = QVBoxLayout(today_box)
        today_layout.setContentsMargins(0, 0, 0, 0)
        self.today_heading = _heading(self.tr("Today"), today_box)
        today_layout.addWidget(self.today_heading)
        self.today_model = TodayModel(cache, self)
        self.today_view = EnterList(today_box)
        self.today_view.setModel(self.today_model)
        self.today_view.setAccessibleName(self.tr("Due today and overdue"))
        self.today_view.setToolTip(self.tr("Click a follow-up to open its message"))
        self.today_view.setUniformItemSizes(True)
        self.today_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.today_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.today_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # The kind's colour as a thin bar, not a block.
        self.today_view.setIconSize(QSize(4, self.fontMetrics().height()))
        self.today_heading.setBuddy(self.today_view)
        today_layout.addWidget(self.today_view)
        self.today_empty = QLabel(self.tr("Nothing due today."), today_box)
        self.today_empty.setWordWrap(True)
        self.today_empty.setEnabled(False)
        today_layout.addWidget(self.today_empty)

        # -- pipeline ------------------------------------------------------------------------
        pipeline_box = QWidget(self)
        pipeline_layout = QVBoxLayout(pipeline_box)
        pipeline_layout.setContentsMargins(0, 0, 0, 0)
        pipeline_layout.addWidget(_heading(self.tr("Pipeline"), pipeline_box))
        filters = QHBoxLayout()
        self.search = QLineEdit(pipeline_box)
        self.search.setPlaceholderText(self.tr("Search company, role, people…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search interviews"))
        self.state_filter = QComboBox(pipeline_box)
        self.state_filter.setAccessibleName(self.tr("Show interviews that are"))
        self.state_filter.addItem(self.tr("All"), "")
        for state in PipelineState:
            self.state_filter.addItem(state.label, state.value)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.state_filter)
        pipeline_layout.addLayout(filters)
        self.pipeline_model = PipelineModel(cache, self)
        self.pipeline_view = EnterTree(pipeline_box)
        self.pipeline_view.setModel(self.pipeline_model)
        self.pipeline_view.setAccessibleName(self.tr("Interviews by state"))
        self.pipeline_view.setUniformRowHeights(True)
        self.pipeline_view.setAllColumnsShowFocus(True)
        self.pipeline_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pipeline_view.setColumnHidden(PipelineModel.ROLE, True)
        self.pipeline_view.setColumnHidden(PipelineModel.DATE, True)
        header_view = self.pipeline_view.header()
        header_view.setStretchLastSection(True)
        header_view.setSectionResizeMode(PipelineModel.COMPANY, QHeaderView.ResizeMode.Interactive)
        # A width from the font, not from every row: measuring a thousand rows costs seconds.
        header_view.resizeSection(PipelineModel.COMPANY, self.fontMetrics().averageCharWidth() * 18)
        pipeline_layout.addWidget(self.pipeline_view, 1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(today_box)
        splitter.addWidget(pipeline_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        if header is not None:
            layout.addWidget(header)
            header.show()
        layout.addWidget(splitter, 1)

        self.today_view.clicked.connect(self._today_activated)
        self.today_view.enter_pressed.connect(self._today_activated)
        self.today_view.selectionModel().currentChanged.connect(self._today_current)
        self.pipeline_view.selectionModel().currentChanged.connect(self._pipeline_current)
        self.pipeline_view.doubleClicked.connect(self._pipeline_activated)
        self.pipeline_view.enter_pressed.connect(self._pipeline_activated)
        self.search.textChanged.connect(self._search_changed)
        self.state_filter.currentIndexChanged.connect(
            lambda _n: self.pipeline_model.set_state(str(self.state_filter.currentData()))
        )
        self.pipeline_model.modelReset.connect(self._show_groups)

    def reload(self, refresh: bool = True) -> None:
        """Re-read the store (after a change)."""
        if refresh:
            self.cache.refresh()
        self.today_model.reload(refresh=False)
        self.pipeline_model.reload(refresh=False)
        count = self.today_model.total
        self.today_heading.setText(
            self.tr("Today ({n})").format(n=count) if count else self.tr("Today")
        )
        self.today_view.setVisible(count > 0)
        self.today_empty.setVisible(count == 0)

    def _show_groups(self, *_args: object) -> None:
        """Every group open, its name across the columns."""
        self.pipeline_view.expandAll()
        for row in range(self.pipeline_model.rowCount()):
            self.pipeline_view.setFirstColumnSpanned(row, QModelIndex(), True)

    def select_interview(self, interview_id: str) -> None:
        index = self.pipeline_model.interview_index(interview_id)
        if index.isValid():
            self.pipeline_view.setCurrentIndex(index)
            self.pipeline_view.scrollTo(index)

    def _search_changed(self, text: str) -> None:
        self.pipeline_model.set_search(text)

    def _today_activated(self, index: QModelIndex) -> None:
        event = self.today_model.event_at(index)
        if event is not None:
            self.step_activated.emit(event.id)

    def _today_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = self.today_model.event_at(current)
        if event is not None:
            self.selection_changed.emit("step", event.id)

    def _pipeline_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.data(Roles.KIND) == "interview":
            self.selection_changed.emit("interview", str(current.data(Roles.ID)))

    def _pipeline_activated(self, index: QModelIndex) -> None:
        if index.data(Roles.KIND) == "interview":
            self.interview_activated.emit(str(index.data(Roles.ID)))

    def sizeHint(self) -> Any:
        hint = super().sizeHint()
        hint.setWidth(max(hint.width(), 280))
        return hint

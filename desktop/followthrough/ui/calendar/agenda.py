"""The agenda view: the coming days that have something, each step with its message's first
line, in a tree of an `AgendaModel`.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QVBoxLayout, QWidget

from followthrough.ui.calendar.day_models import AgendaModel, overdue_day
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import (
    INTERVIEW_KIND,
    CalendarEvent,
    EventStatus,
    emit_activated,
    kind_label,
)
from followthrough.ui.calendar.item_model import Roles
from followthrough.ui.calendar.item_views import EnterTree
from followthrough.ui.calendar.periods import AGENDA_DAYS


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
        self._share_width()
        # Time and status: their longest text whole, in bold as due steps show it; the time
        # column also holds the event's indent and colour bar.
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        # an overdue step shows its day there (the longest month counts)
        days = (overdue_day(date(2026, month, 28)) for month in range(1, 13))
        header.resizeSection(
            AgendaModel.TIME,
            self.view.indentation() + self.view.iconSize().width() + 4 * char
            + max(wide.horizontalAdvance(text) for text in ("00:00", *days)),
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

    TITLE_CHARS, COMPANY_CHARS, LEAST_MESSAGE_CHARS = 34, 16, 24

    def _share_width(self) -> None:
        """The follow-up and company columns at their width, narrowed alike when the view is
        too narrow for them and a readable message column (its first words, not "…")."""
        header = self.view.header()
        char = self.fontMetrics().averageCharWidth()
        title, company = self.TITLE_CHARS * char, self.COMPANY_CHARS * char
        room = (
            self.view.viewport().width()
            - header.sectionSize(AgendaModel.TIME)
            - header.sectionSize(AgendaModel.STATUS)
            - self.LEAST_MESSAGE_CHARS * char
        )
        if 0 < room < title + company:
            share = room / (title + company)
            title, company = max(int(title * share), 10 * char), max(int(company * share), 6 * char)
        elif room <= 0:
            title, company = 10 * char, 6 * char
        header.resizeSection(AgendaModel.TITLE, title)
        header.resizeSection(AgendaModel.COMPANY, company)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share_width()

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
        # A step in the overdue group is looked at where it is: the agenda stays on today.
        if self.model.in_overdue_group(current):
            return
        if isinstance(day, date) and day != self.current_date:
            self.current_date = day
            self.current_date_changed.emit(day)

    def _activate(self, index: QModelIndex) -> None:
        event = self.model.event_at(index)
        if event is not None:
            emit_activated(self, event)

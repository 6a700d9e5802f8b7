"""The List page of the main window: every step of the plan in a table, made when first
shown and read again, whole, only when shown after a change (the other views, not this one,
are what most changes repaint). Mixed into MainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QMenu

from followthrough.ui.calendar.widget import LIST

if TYPE_CHECKING:
    from followthrough.ui.calendar.plan_list import PlanList, PlanModel


class ListPage:
    """The List page's making, reading, rows and menu (mixed into MainWindow)."""

    def _make_plan_view(self) -> PlanList:
        """The List page, made when first shown (or asked for)."""
        from followthrough.ui.calendar.plan_list import PlanList

        view = PlanList(self.calendar)
        view.plan_model.show_cancelled = self.calendar.show_cancelled
        # Double-click and Enter (and a single click where the platform says so).
        view.activated.connect(self._plan_row_activated)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show_plan_menu)
        return view

    @property
    def plan_view(self) -> PlanList:
        """The List page (made now if it was not shown yet)."""
        view: PlanList = self.calendar.page(LIST)
        return view

    @property
    def plan_model(self) -> PlanModel:
        """The List view's model, with the plan as it is now (read on first use after a
        change: the other views, not this one, are what most changes repaint)."""
        self._load_list()
        return self.plan_view.plan_model

    def _load_list(self) -> None:
        if not self._list_stale:
            return
        self._list_stale = False
        interviews = self.store.interviews()
        steps = [s.step for s in self.store.steps()]
        zone, today = self.store.settings().zone, self.cache.today()
        self.plan_model.set_plan(interviews, steps, zone, today)

    def _plan_row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_editor(self.plan_model.step_at(index.row()).id)

    def plan_menu(self, row: int) -> QMenu:
        """The context menu of a plan row: write the message, mark the step done, move or
        reopen it."""
        from followthrough.core.model import StepStatus

        step = self.plan_model.step_at(row)
        menu = QMenu(self)
        write = menu.addAction(self.tr("Write message…"))
        write.triggered.connect(lambda: self.open_editor(step.id))
        done = menu.addAction(self.tr("Mark done"))
        done.setEnabled(step.status is StepStatus.PLANNED)
        done.triggered.connect(lambda: self.mark_done(step.id))
        menu.addAction(self.tr("Move…")).triggered.connect(lambda: self.ask_move(step.id))
        reopen = menu.addAction(self.tr("Reopen"))  # done, skipped or cancelled: back in the plan
        reopen.setEnabled(step.status is not StepStatus.PLANNED)
        reopen.triggered.connect(lambda: self.reopen_step(step.id))
        return menu

    def _show_plan_menu(self, position: QPoint) -> None:
        index = self.plan_view.indexAt(position)
        if index.isValid():
            menu = self.plan_menu(index.row())
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.plan_view.viewport().mapToGlobal(position))

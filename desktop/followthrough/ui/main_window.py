"""The main window. Until the calendar views arrive it lists the follow-up plan."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

from followthrough.store import Store
from followthrough.ui.app import user_zone
from followthrough.ui.models import PlanModel


class MainWindow(QMainWindow):
    def __init__(self, store: Store, warnings: list[str]) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle(self.tr("Followthrough"))
        self.resize(960, 600)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.empty_label = QLabel(
            self.tr(
                "No interviews yet. Add one with “followthrough interview add” "
                "and its follow-ups appear here."
            ),
            central,
        )
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        self.plan_model = PlanModel(self)
        self.plan_view = QTableView(central)
        self.plan_view.setModel(self.plan_model)
        self.plan_view.setAccessibleName(self.tr("Follow-up plan"))
        self.plan_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.plan_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.plan_view.verticalHeader().hide()
        layout.addWidget(self.plan_view)
        self.setCentralWidget(central)
        for warning in warnings:
            self.statusBar().showMessage(warning)
        self.reload()

    def reload(self) -> None:
        interviews = self.store.interviews()
        steps = [s.step for s in self.store.steps()]
        self.plan_model.set_plan(interviews, steps, user_zone(self.store))
        self.empty_label.setVisible(not interviews)
        self.plan_view.setVisible(bool(interviews))
        self.plan_view.resizeColumnToContents(0)

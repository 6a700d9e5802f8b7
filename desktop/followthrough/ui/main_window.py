"""The main window. Until the calendar views arrive it lists the follow-up plan."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMetaMethod, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError
from followthrough.ui.app import user_zone
from followthrough.ui.models import PlanModel


class MainWindow(QMainWindow):
    compose_requested = Signal(str)
    """A link asked for the message editor of a step; carries the step's UID.

    The message editor (ui/editor.py) connects to it; until something is connected, the
    window names the step in the status bar.
    """

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

    # -- links and files handed over by another launch ---------------------------------------

    def open_handed_over(self, items: list[str]) -> None:
        """Bring the window forward and open what another launch handed over, in order."""
        from followthrough.ui.single_instance import ACTIVATE

        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        for item in items:
            if item != ACTIVATE:
                self.open_request(item)

    def open_request(self, text: str) -> None:
        """Open a `followthrough://compose/...` link or an `.ics` file; warn about anything else.

        A link never sends anything: at most it opens the editor of one step.
        """
        from followthrough.links import ComposeRequest, LinkError, parse_link

        try:
            request = parse_link(text)
        except LinkError as error:
            self._warn(self.tr("This link cannot be opened"), str(error))
            return
        if isinstance(request, ComposeRequest):
            self._open_compose(request.uid, request.step_id)
        else:
            self._import_file(request.path)

    def _open_compose(self, uid: str, step_id: str) -> None:
        try:
            stored = self.store.step(step_id)
        except ValidationError:
            self._warn(
                self.tr("Follow-up not found"),
                self.tr(
                    "This link points to a follow-up that is not in your data (it may have been "
                    "deleted, or it comes from another computer that has not synced yet)."
                ),
            )
            return
        if not self.isSignalConnected(QMetaMethod.fromSignal(self.compose_requested)):
            step = stored.step
            self.statusBar().showMessage(
                self.tr("Follow-up: {title} ({company}).").format(
                    title=step.title, company=self._company(step.interview_id)
                )
            )
        self.compose_requested.emit(uid)

    def _company(self, interview_id: str) -> str:
        try:
            return self.store.interview(interview_id).company
        except ValidationError:
            return ""

    def _import_file(self, path: Path) -> None:
        from followthrough.ical.ics_import import import_file

        try:
            report = import_file(self.store, path)
        except (ValueError, StoreError) as error:  # IcsImportError, bad content, a locked store
            self._warn(self.tr("The file cannot be imported"), str(error))
            return
        self.reload()
        added, updated = len(report.added), len(report.updated)
        self.statusBar().showMessage(
            self.tr("Imported {name}: {added} added, {updated} updated, {same} unchanged.").format(
                name=path.name, added=added, updated=updated, same=len(report.unchanged)
            )
            + (self.tr(" {n} skipped.").format(n=len(report.skipped)) if report.skipped else "")
        )

    def _warn(self, title: str, text: str) -> None:
        """A warning that does not block the window (the link may come while the user types)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()

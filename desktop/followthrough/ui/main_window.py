"""The main window. Until the calendar views arrive it lists the follow-up plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMetaMethod, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError
from followthrough.ui.app import user_zone
from followthrough.ui.models import PlanModel

if TYPE_CHECKING:
    from followthrough.ui.editor import MessageEditor


class MainWindow(QMainWindow):
    compose_requested = Signal(str)
    """A link asked for the message editor of a step; carries the step's UID.

    The window opens the editor itself (`open_editor`); this tells other listeners. Until
    one is connected, the window also names the step in the status bar.
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
        # Double-click and Enter (and a single click where the platform says so).
        self.plan_view.activated.connect(self._plan_row_activated)
        self.plan_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.plan_view.customContextMenuRequested.connect(self._show_plan_menu)
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

    # -- the message editor ------------------------------------------------------------------

    def open_editor(self, step_id: str) -> MessageEditor | None:
        """Open (or bring forward) the message editor of a step; warn when there is no such step.

        Opening only shows the message: nothing is sent or recorded until the user says so.
        """
        from followthrough.ui.editor import MessageEditor

        try:
            editor = MessageEditor.open(self.store, step_id, self)
        except ValidationError:
            self._warn(
                self.tr("Follow-up not found"),
                self.tr(
                    "This follow-up is not in your data (it may have been deleted, or it comes "
                    "from another computer that has not synced yet)."
                ),
            )
            return None
        editor.step_changed.connect(self._step_changed, Qt.ConnectionType.UniqueConnection)
        return editor

    def _step_changed(self, _step_id: str) -> None:
        self.reload()

    def _plan_row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_editor(self.plan_model.step_at(index.row()).id)

    def plan_menu(self, row: int) -> QMenu:
        """The context menu of a plan row: write the message, or mark the step done."""
        from followthrough.core.model import StepStatus

        step = self.plan_model.step_at(row)
        menu = QMenu(self)
        write = menu.addAction(self.tr("Write message…"))
        write.triggered.connect(lambda: self.open_editor(step.id))
        done = menu.addAction(self.tr("Mark done"))
        done.setEnabled(step.status is StepStatus.PLANNED)
        done.triggered.connect(lambda: self.mark_done(step.id))
        return menu

    def _show_plan_menu(self, position: QPoint) -> None:
        index = self.plan_view.indexAt(position)
        if index.isValid():
            menu = self.plan_menu(index.row())
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.plan_view.viewport().mapToGlobal(position))

    def mark_done(self, step_id: str) -> None:
        """Record a step as done (through its editor when one is open) and re-plan."""
        from followthrough.store.drafts import finish_step
        from followthrough.ui.editor import MessageEditor

        for editor in MessageEditor.open_editors():
            if editor.store is self.store and editor.step.id == step_id:
                editor.mark_done()
                return
        try:
            finish_step(self.store, self.store.step(step_id).step, "")
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The follow-up was not marked done"), str(error))
            return
        self.reload()

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
        self.open_editor(step_id)

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

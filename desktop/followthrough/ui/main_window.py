"""The main window: the calendar in the middle, today and the pipeline beside it, details on
the right. It composes the widgets and applies what they ask through the store.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QMetaMethod,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import Activity, ActivityKind, ValidationError
from followthrough.store import Store, StoredInterview, StoreError
from followthrough.ui.calendar_model import EventCache
from followthrough.ui.calendar_view import CalendarWidget
from followthrough.ui.detail_panel import DelayDialog, DetailPanel, MoveDialog, OutcomeDialog
from followthrough.ui.models import PlanModel
from followthrough.ui.side_panel import SidePanel

if TYPE_CHECKING:
    from followthrough.ui.banner import Banner
    from followthrough.ui.editor import MessageEditor

LIST = "list"
# Below this many steps the full list is read with every change; above, when it is shown.
EAGER_LIST_STEPS = 2000


def _is_ics(path: str) -> bool:
    return path.lower().endswith((".ics", ".ical", ".ifb", ".icalendar"))


class _ExportSignals(QObject):
    finished = Signal(str, str)  # the file written, "" or the sentence that says why not


class _EmptyState(QWidget):
    """What the window shows before the first interview: what to do, and a way to try it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Getting started"))
        heading = QLabel(self.tr("Follow up on every interview, on time"), self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.text = QLabel(
            self.tr(
                "Add an interview you had (or are about to have). Followthrough plans the "
                "thank-you and the follow-ups after it, puts them on this calendar and drafts "
                "each message. You can also drop an employer's invitation (.ics) onto this "
                "window, or import one."
            ),
            self,
        )
        self.text.setWordWrap(True)
        self.text.setMaximumWidth(self.fontMetrics().averageCharWidth() * 72)  # readable lines
        self.add_button = QPushButton(self.tr("Add an interview…"), self)
        self.add_button.setDefault(True)
        self.import_button = QPushButton(self.tr("Import an invitation…"), self)
        self.sample_button = QPushButton(self.tr("Add a sample interview"), self)
        self.sample_button.setToolTip(
            self.tr("A made-up interview with its follow-ups, to explore; delete it later")
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.import_button, self.sample_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(heading, 0, Qt.AlignmentFlag.AlignHCenter)
        # Centred by stretches, not by alignment: a wrapped label needs its width to size.
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.text, 4)
        middle.addStretch(1)
        layout.addLayout(middle)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    compose_requested = Signal(str)
    """A link asked for the message editor of a step; carries the step's UID.

    The window opens the editor itself (`open_editor`); this tells other listeners. Until
    one is connected, the window also names the step in the status bar.
    """

    def __init__(self, store: Store, warnings: list[str], *, clock: Any = None) -> None:
        super().__init__()
        self.store = store
        self.cache = EventCache(store, clock)
        self._deleted: StoredInterview | None = None
        self._selected = ("", "")
        self._list_stale = True
        from followthrough.ui.background import Background

        self.exports = Background(store.path.parent, self)
        self.imports = Background(store.path.parent, self)
        self._pending_imports: list[Path] = []
        self.setWindowTitle(self.tr("Followthrough"))
        self.resize(1280, 760)
        self.setAcceptDrops(True)

        # -- the calendar, or what to do first ------------------------------------------
        self.calendar = CalendarWidget(self.cache, self, mini_month_inside=False)
        self.plan_model = PlanModel(self)
        self.plan_view = QTableView(self.calendar)
        self.plan_view.setModel(self.plan_model)
        self.plan_view.setAccessibleName(self.tr("Every follow-up"))
        self.plan_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.plan_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.plan_view.verticalHeader().hide()
        # Double-click and Enter (and a single click where the platform says so).
        self.plan_view.activated.connect(self._plan_row_activated)
        self.plan_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.plan_view.customContextMenuRequested.connect(self._show_plan_menu)
        self.list_action = self.calendar.add_page(LIST, self.tr("List"), self.plan_view, "Ctrl+4")
        self.empty_state = _EmptyState(self)
        self.empty_label = self.empty_state.text
        self.central = QStackedWidget(self)
        self.central.addWidget(self.calendar)
        self.central.addWidget(self.empty_state)
        holder = QWidget(self)
        self._column = QVBoxLayout(holder)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(4)
        self._column.addWidget(self.central, 1)
        self._banner: Banner | None = None  # made when the first message comes
        self.setCentralWidget(holder)

        # -- panels ---------------------------------------------------------------------
        self.side_panel = SidePanel(self.cache, header=self.calendar.mini_month)
        self.side_dock = self._dock(self.tr("Overview"), "overview", self.side_panel,
                                    Qt.DockWidgetArea.LeftDockWidgetArea)
        self.detail_panel = DetailPanel(self.cache)
        self.detail_dock = self._dock(self.tr("Details"), "details", self.detail_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.side_dock, self.detail_dock], [290, 300],
                         Qt.Orientation.Horizontal)

        # -- status bar -------------------------------------------------------------------
        self.counts = QLabel(self)
        self.counts.setAccessibleName(self.tr("Summary"))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy, with no known end
        self.progress.setMaximumWidth(160)
        self.progress.setAccessibleName(self.tr("Working"))
        self.progress.hide()
        self.undo_button = QToolButton(self)
        self.undo_button.hide()
        self.statusBar().addPermanentWidget(self.undo_button)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.counts)

        self._build_menus()
        self._connect()
        for warning in warnings:
            self.statusBar().showMessage(warning)
        # A big pipeline is read off the UI thread once the window is on screen.
        from followthrough.ui.first_paint import after_first_paint

        self.side_panel.pipeline_model.hold()
        after_first_paint(self, self.side_panel.pipeline_model.release)
        self.reload(refresh=False)  # the cache was read a moment ago

    @property
    def banner(self) -> Banner:
        """The message banner above the calendar (hidden until a message comes)."""
        if self._banner is None:
            from followthrough.ui.banner import Banner

            self._banner = Banner(self.centralWidget())
            self._column.insertWidget(0, self._banner)
        return self._banner

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(area, dock)
        return dock

    def _action(self, menu: QMenu, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = menu.addAction(text)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.new_action = self._action(file_menu, self.tr("&New interview…"),
                                       self.new_interview, QKeySequence.StandardKey.New)
        self.import_action = self._action(file_menu, self.tr("&Import…"), self.import_dialog,
                                          "Ctrl+I")
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, self.tr("&Export…"), self.export_dialog,
                                          "Ctrl+E")
        self.feed_action = self._action(file_menu, self.tr("Write subscription &feed…"),
                                        lambda: self.export_dialog(feed=True))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self._action(edit_menu, self.tr("&Undo delete"), self.undo_delete,
                                        QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        edit_menu.addSeparator()
        self.edit_action = self._action(edit_menu, self.tr("&Edit interview…"),
                                        lambda: self.edit_interview(self._interview_id()))
        self.delete_action = self._action(edit_menu, self.tr("&Delete interview"),
                                          lambda: self.delete_interview(self._interview_id()))

        view_menu = bar.addMenu(self.tr("&View"))
        calendar = self.calendar
        for action in (calendar.today_action, calendar.previous_action, calendar.next_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            view_menu.addAction(action)
        view_menu.addSeparator()
        for action in calendar.view_actions.values():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.side_dock.toggleViewAction())
        view_menu.addAction(self.detail_dock.toggleViewAction())

        step_menu = bar.addMenu(self.tr("F&ollow-up"))
        self.open_action = self._action(step_menu, self.tr("&Open message"),
                                        lambda: self._with_step(self.open_editor), "Ctrl+O")
        self.done_action = self._action(step_menu, self.tr("Mark &done"),
                                        lambda: self._with_step(self.mark_done), "Ctrl+D")
        self.skip_action = self._action(step_menu, self.tr("&Skip"),
                                        lambda: self._with_step(self.skip_step), "Ctrl+K")
        self.move_action = self._action(step_menu, self.tr("&Move…"),
                                        lambda: self._with_step(self.ask_move), "Ctrl+M")
        self.reopen_action = self._action(step_menu, self.tr("&Reopen"),
                                          lambda: self._with_step(self.reopen_step))
        step_menu.addSeparator()
        self.reply_action = self._action(step_menu, self.tr("Log &reply"),
                                         lambda: self.log_reply(self._interview_id()), "Ctrl+R")
        self.delay_action = self._action(step_menu, self.tr("Log de&lay…"),
                                         lambda: self.log_delay(self._interview_id()))
        self.outcome_action = self._action(step_menu, self.tr("Log ou&tcome…"),
                                           lambda: self.log_outcome(self._interview_id()))

        from followthrough.ui.icons import icon

        for action, name in (
            (self.new_action, "new"),
            (self.import_action, "import"),
            (self.export_action, "export"),
            (self.open_action, "message"),
            (self.done_action, "done"),
            (self.skip_action, "skip"),
        ):
            action.setIcon(icon(name))

    def _connect(self) -> None:
        calendar, side, detail = self.calendar, self.side_panel, self.detail_panel
        calendar.step_activated.connect(self.open_editor)
        calendar.interview_activated.connect(self.edit_interview)
        calendar.selection_changed.connect(self._select)
        calendar.step_moved.connect(self.move_step)
        calendar.view_changed.connect(self._view_changed)
        side.step_activated.connect(self.open_editor)
        side.interview_activated.connect(self.edit_interview)
        side.selection_changed.connect(self._side_selection)
        detail.open_editor_requested.connect(self.open_editor)
        detail.mark_done_requested.connect(self.mark_done)
        detail.skip_requested.connect(self.skip_step)
        detail.reopen_requested.connect(self.reopen_step)
        detail.move_requested.connect(self.ask_move)
        detail.reply_requested.connect(self.log_reply)
        detail.delay_requested.connect(self.log_delay)
        detail.outcome_requested.connect(self.log_outcome)
        detail.edit_requested.connect(self.edit_interview)
        detail.delete_requested.connect(self.delete_interview)
        self.empty_state.add_button.clicked.connect(self.new_interview)
        self.empty_state.import_button.clicked.connect(self.import_dialog)
        self.empty_state.sample_button.clicked.connect(self.add_sample)
        self.undo_button.clicked.connect(self.undo_delete)

    # -- showing the store ------------------------------------------------------------------

    def reload(self, *, refresh: bool = True) -> None:
        """Show the store as it is now (after any change, here or elsewhere)."""
        if refresh:
            self.cache.refresh()
        has_interviews = self.cache.interview_count > 0
        was_empty = self.central.currentWidget() is self.empty_state
        self.central.setCurrentWidget(self.calendar if has_interviews else self.empty_state)
        if has_interviews == was_empty:
            # The panels have nothing to say before the first interview: keep the page simple.
            self.side_dock.setVisible(has_interviews)
            self.detail_dock.setVisible(has_interviews)
        self.calendar.refresh(cache=False)
        self.side_panel.reload(refresh=False)
        self.detail_panel.show_item(*self._selected)
        self._list_stale = True
        if self.calendar.current_view == LIST or self._step_count() <= EAGER_LIST_STEPS:
            self._load_list()
        self._update_counts()
        self._update_actions()

    def _step_count(self) -> int:
        return self.cache.step_count

    def _load_list(self) -> None:

        if not self._list_stale:
            return
        self._list_stale = False
        interviews = self.store.interviews()
        steps = [s.step for s in self.store.steps()]
        self.plan_model.set_plan(interviews, steps, self.store.settings().zone)
        self.plan_view.resizeColumnToContents(0)

    def _view_changed(self, name: str) -> None:
        if name == LIST:
            self._load_list()

    def _update_counts(self) -> None:
        due = self.side_panel.today_model.total  # all of them, not the rows read so far
        self.counts.setText(
            self.tr("{interviews} interviews · {due} follow-ups due").format(
                interviews=self.cache.interview_count, due=due
            )
        )

    def _select(self, kind: str, ident: str) -> None:
        self._selected = (kind, ident)
        self.detail_panel.show_item(kind, ident)
        self._update_actions()

    def _side_selection(self, kind: str, ident: str) -> None:
        self._select(kind, ident)
        self.calendar.select_event(kind, ident)

    def _selected_event(self) -> Any:
        kind, ident = self._selected
        if not kind:
            return None
        try:
            return self.cache.event(kind, ident)
        except ValidationError:
            return None

    def _interview_id(self) -> str:
        event = self._selected_event()
        return event.interview_id if event is not None else ""

    def _with_step(self, action: Any) -> None:
        event = self._selected_event()
        if event is not None and event.is_step:
            action(event.id)

    def _update_actions(self) -> None:
        event = self._selected_event()
        step = event is not None and event.is_step
        open_ = step and event.status.open
        self.open_action.setEnabled(step)
        self.done_action.setEnabled(open_)
        self.skip_action.setEnabled(open_)
        self.move_action.setEnabled(open_)
        self.reopen_action.setEnabled(step and not event.status.open
                                      and event.status.value in ("done", "skipped"))
        for action in (self.reply_action, self.delay_action, self.outcome_action,
                       self.edit_action, self.delete_action):
            action.setEnabled(event is not None)

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

    # -- what the user does to a step or an interview ------------------------------------------

    def _now(self) -> datetime:
        """When something is recorded: the wall clock, as the editor records it too."""
        return datetime.now(self.cache.tz).replace(microsecond=0)

    def _record(self, interview_id: str, activity: Activity, done: str) -> bool:
        """Log what happened, re-plan, show it; a problem is told, not raised."""
        try:
            self.store.record(interview_id, activity)
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("That change was not saved"), str(error))
            return False
        self.reload()
        self.statusBar().showMessage(done, 8000)
        return True

    def _step(self, step_id: str) -> Any:
        try:
            return self.store.step(step_id).step
        except ValidationError as error:
            self._warn(self.tr("Follow-up not found"), str(error))
            return None

    def skip_step(self, step_id: str) -> None:
        step = self._step(step_id)
        if step is not None:
            self._record(step.interview_id, Activity(ActivityKind.SKIP, self._now(), step=step.key),
                         self.tr("Skipped: {title}.").format(title=step.title))

    def reopen_step(self, step_id: str) -> None:
        step = self._step(step_id)
        if step is not None:
            self._record(step.interview_id,
                         Activity(ActivityKind.REOPEN, self._now(), step=step.key),
                         self.tr("Reopened: {title}.").format(title=step.title))

    def move_step(self, step_id: str, start: datetime) -> None:
        """The user dragged a step (or moved it with Alt+arrows): its time is theirs now."""
        step = self._step(step_id)
        if step is None:
            return
        local = start.astimezone(self.cache.tz)
        if self._record(
            step.interview_id,
            Activity(ActivityKind.MOVE, self._now(), step=step.key, to=start),
            self.tr("Moved {title} to {when}.").format(
                title=step.title, when=local.strftime("%a %d %b %H:%M")
            ),
        ):
            self._selected = ("step", step_id)
            self.calendar.select_event("step", step_id)
            self.detail_panel.show_item("step", step_id)

    def ask_move(self, step_id: str) -> None:
        """Move a step by typing its new time (the keyboard's way besides Alt+arrows)."""
        step = self._step(step_id)
        if step is None:
            return
        dialog = MoveDialog(step.start.astimezone(self.cache.tz), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.move_step(step_id, dialog.start())

    def log_reply(self, interview_id: str) -> None:
        if not interview_id:
            return
        before = self.cache.open_steps(interview_id)
        if self._record(interview_id, Activity(ActivityKind.REPLY, self._now()),
                        self.tr("Reply logged.")):
            cancelled = before - self.cache.open_steps(interview_id)
            if cancelled > 0:
                self.statusBar().showMessage(
                    self.tr("Reply logged: {n} follow-ups no longer needed.").format(n=cancelled),
                    8000,
                )

    def log_delay(self, interview_id: str) -> None:
        if not interview_id:
            return
        interview = self.store.interview(interview_id)
        earliest = max(self.cache.today(), interview.start.astimezone(self.cache.tz).date())
        dialog = DelayDialog(earliest, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            activity = dialog.activity(self._now())
            self._record(interview_id, activity, self.tr("Delay logged: decision by {day}.").format(
                day=activity.until.isoformat() if activity.until else ""
            ))

    def log_outcome(self, interview_id: str) -> None:
        if not interview_id:
            return
        dialog = OutcomeDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._record(interview_id, dialog.activity(self._now()), self.tr("Outcome logged."))

    # -- interviews -----------------------------------------------------------------------------

    def new_interview(self) -> None:
        from followthrough.ui.interview_dialog import InterviewDialog

        dialog = InterviewDialog.for_store(self.store, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._add_interview(dialog.interview())

    def _add_interview(self, interview: Any) -> None:
        try:
            added = self.store.add_interview(interview)
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not added"), str(error))
            return
        self._show_added(added)

    def _show_added(self, interview: Any) -> None:
        self._selected = ("interview", interview.id)
        self.reload()
        self.calendar.select_event("interview", interview.id)
        self.side_panel.select_interview(interview.id)
        self.statusBar().showMessage(
            self.tr("Added the interview at {company} and its follow-ups.").format(
                company=interview.company
            ),
            8000,
        )

    def add_sample(self) -> None:
        from followthrough.ui.samples import add_sample_interview

        self._show_added(add_sample_interview(self.store, self.cache.now()))

    def edit_interview(self, interview_id: str) -> None:
        from followthrough.ui.interview_dialog import InterviewDialog

        if not interview_id:
            return
        try:
            interview = self.store.interview(interview_id)
        except ValidationError as error:
            self._warn(self.tr("Interview not found"), str(error))
            return
        dialog = InterviewDialog.for_store(self.store, interview, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.store.update_interview(dialog.interview())
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not saved"), str(error))
            return
        self.reload()
        self.statusBar().showMessage(self.tr("Saved; its follow-ups were planned again."), 8000)

    def delete_interview(self, interview_id: str) -> None:
        """Delete an interview and its plan; Undo (Ctrl+Z) brings both back."""
        if not interview_id:
            return
        try:
            (kept,) = self.store.stored_interviews([interview_id])
            self.store.delete_interview(interview_id)
        except (ValueError, ValidationError, StoreError) as error:
            self._warn(self.tr("The interview was not deleted"), str(error))
            return
        self._deleted = kept
        self._selected = ("", "")
        self.reload()
        text = self.tr("Deleted the interview at {company}.").format(
            company=kept.interview.company
        )
        self.statusBar().showMessage(text)
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo delete"))
        self.undo_button.show()
        self.undo_action.setEnabled(True)

    def undo_delete(self) -> None:
        kept, self._deleted = self._deleted, None
        self.undo_button.hide()
        self.undo_action.setEnabled(False)
        if kept is None:
            return
        try:
            self.store.merge_interviews(
                [(kept.interview, kept.activities, kept.sequence + 1)]
            )
        except (ValidationError, StoreError) as error:
            self._warn(self.tr("The interview could not be brought back"), str(error))
            return
        self._selected = ("interview", kept.interview.id)
        self.reload()
        self.calendar.select_event("interview", kept.interview.id)
        self.statusBar().showMessage(
            self.tr("The interview at {company} is back.").format(company=kept.interview.company),
            8000,
        )

    # -- files ----------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import an invitation or a calendar"), str(Path.home()),
            self.tr("iCalendar files (*.ics *.ical);;All files (*)"),
        )
        if name:
            self._import_file(Path(name))

    def export_dialog(self, feed: bool = False) -> None:
        title = self.tr("Write the subscription feed") if feed else self.tr("Export to a file")
        default = "followthrough-feed.ics" if feed else "followthrough.ics"
        name, _filter = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / default), self.tr("iCalendar files (*.ics)")
        )
        if name:
            self.export_to(Path(name), feed=feed)

    def export_to(self, path: Path, *, feed: bool = False) -> _ExportSignals:
        """Write every interview and follow-up (or the feed) to `path`, off the UI thread."""
        from followthrough.files import write_atomically
        from followthrough.ical.export import Exporter, Selection

        signals = _ExportSignals(self)
        signals.finished.connect(self._export_finished)

        def job(store: Store) -> None:
            exporter = Exporter(store)
            write_atomically(path, exporter.feed() if feed else exporter.ics(Selection()))

        def tell(problem: str) -> None:
            # The window may be gone: the file is written (or not) all the same.
            with contextlib.suppress(RuntimeError):
                signals.finished.emit(str(path), problem)

        if not self.exports.run(job, lambda _none: tell(""), tell):
            busy = self.tr("Another file is being written; try again in a moment.")
            QTimer.singleShot(0, lambda: tell(busy))
            return signals
        self.progress.show()
        self.export_action.setEnabled(False)
        self.feed_action.setEnabled(False)
        self.statusBar().showMessage(self.tr("Writing {name}…").format(name=path.name))
        return signals

    def _export_finished(self, path: str, problem: str) -> None:
        self.progress.setVisible(not self.imports_idle())
        self.export_action.setEnabled(True)
        self.feed_action.setEnabled(True)
        if problem:
            self.statusBar().clearMessage()
            self._warn(self.tr("The file was not written"), problem)
        else:
            self.statusBar().showMessage(self.tr("Wrote {path}.").format(path=path), 8000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        for path in paths:
            self._import_file(path)

    @staticmethod
    def _dropped_files(event: Any) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [
            Path(url.toLocalFile()) for url in mime.urls()
            if url.isLocalFile() and _is_ics(url.toLocalFile())
        ]

    def closeEvent(self, event: Any) -> None:
        self.exports.wait()  # an export half written is never left behind
        self.imports.wait()
        self.side_panel.pipeline_model.stop()
        super().closeEvent(event)

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
        """Import an .ics file off the UI thread (files dropped together, one after another)."""
        self._pending_imports.append(path)
        self._next_import()

    def _next_import(self) -> None:
        from followthrough.ical.ics_import import import_file

        if self.imports.busy or not self._pending_imports:
            return
        path = self._pending_imports.pop(0)
        self.progress.show()
        self.statusBar().showMessage(self.tr("Importing {name}…").format(name=path.name))

        def failed(problem: str) -> None:  # IcsImportError, bad content, a locked store
            self._import_done()
            self.statusBar().clearMessage()
            self._warn(self.tr("The file cannot be imported"), problem)

        def done(report: Any) -> None:
            self._import_done()
            self._imported(path, report)

        self.imports.run(lambda store: import_file(store, path), done, failed)

    def imports_idle(self) -> bool:
        """No import running nor waiting (tests wait for this)."""
        return not self.imports.busy and not self._pending_imports

    def _import_done(self) -> None:
        self.progress.setVisible(self.exports.busy)
        QTimer.singleShot(0, self._next_import)

    def _imported(self, path: Path, report: Any) -> None:
        self.reload()
        added, updated = len(report.added), len(report.updated)
        self.statusBar().showMessage(
            self.tr("Imported {name}: {added} added, {updated} updated, {same} unchanged.").format(
                name=path.name, added=added, updated=updated, same=len(report.unchanged)
            )
            + (self.tr(" {n} skipped.").format(n=len(report.skipped)) if report.skipped else "")
        )

    def _warn(self, title: str, text: str, details: str = "") -> None:
        """A warning across the top of the window, which it never blocks (a link may come
        while the user types); a long text shows its first line, the rest under Details."""
        first, _, rest = text.partition("\n")
        self.banner.show_message(title, first, details or rest.strip())

    def show_problem(self, text: str, details: str = "") -> None:
        """A problem reported by background work (a sync, an export), in the banner."""
        self.banner.show_message("", text, details, level="error")

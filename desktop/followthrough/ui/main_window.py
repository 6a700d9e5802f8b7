"""The main window: the calendar in the middle, today and the pipeline beside it, details on
the right. It composes the widgets and applies what they ask through the store; what the user
records about follow-ups and interviews, and the calendar files in and out, are mixed in from
follow_up_actions, interview_actions and import_export; links handed over by another launch, from
handed_over; the List page, from list_page.
"""

from __future__ import annotations

import contextlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError
from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.widget import AGENDA, LIST, MONTH, WEEK, CalendarWidget
from followthrough.ui.detail_panel import DetailPanel
from followthrough.ui.empty_state import EmptyState
from followthrough.ui.follow_up_actions import FollowUpActions
from followthrough.ui.handed_over import HandedOver
from followthrough.ui.import_export import ImportExport
from followthrough.ui.in_turns import InTurns
from followthrough.ui.interview_actions import InterviewActions
from followthrough.ui.list_page import ListPage
from followthrough.ui.side_panel import SidePanel
from followthrough.ui.take_back import TakeBack

if TYPE_CHECKING:
    from collections.abc import Callable

    from followthrough.ui.banner import Banner
    from followthrough.ui.editor.window import MessageEditor

WATCH_MS = 1000  # how often the window asks whether another process saved
HOLIDAYS_AFTER_MS = 300  # after the first paint, when the holidays are read


class MainWindow(
    FollowUpActions, InterviewActions, ImportExport, TakeBack, HandedOver, ListPage, QMainWindow
):
    compose_requested = Signal(str)
    _holidays_ready = Signal()  # from the thread that works them out
    """A link asked for the message editor of a step; carries the step's UID.

    The window opens the editor itself (`open_editor`); this tells other listeners. Until
    one is connected, the window also names the step in the status bar.
    """

    def __init__(self, store: Store, warnings: list[str], *, clock: Any = None) -> None:
        super().__init__()
        self.store = store
        self.cache = EventCache(store, clock)
        self._selected = ("", "")
        self._side_selecting = False  # the side panel is showing its choice in the calendar
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
        self.list_action = self.calendar.add_page(LIST, self.tr("List"), self._make_plan_view,
                                                  "Ctrl+4")
        self.empty_state = EmptyState(self)
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
        from followthrough.ui.first_paint import after_first_paint

        self.show_warnings(warnings)
        # The playbooks are read once the window is on screen (open_store(read_playbooks=False)):
        # what was wrong with the user's is said then, unless it was said already.
        after_first_paint(self, lambda: self.show_warnings(
            [each for each in store.playbook_warnings() if each not in warnings]))
        # A big pipeline is read off the UI thread once the window is on screen.
        self.side_panel.pipeline_model.hold()
        after_first_paint(self, self.side_panel.pipeline_model.release)
        # Public holidays are shaded and named once the window is on screen (the holidays
        # package takes a tenth of a second to load).
        self._holidays_timer = QTimer(self)
        self._holidays_timer.setSingleShot(True)
        self._holidays_timer.setInterval(HOLIDAYS_AFTER_MS)
        self._holidays_timer.timeout.connect(self.show_holidays)
        self._holidays_ready.connect(self._paint_holidays)
        after_first_paint(self, self._holidays_timer.start)
        self._turns = InTurns(self)
        self.reload(refresh=False)  # the cache was read a moment ago
        # What another process saves (the command line, a sync, an import) shows within
        # WATCH_MS; asking whether anything was saved costs one PRAGMA.
        self.store.changed_elsewhere()
        self._watch_held = 0  # our own background syncs and imports writing: see hold_watch
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._reload_if_changed_elsewhere)
        self._watch.start()
        from followthrough.ui import window_memory

        window_memory.restore(self, (MONTH, WEEK, AGENDA, LIST))
        # The keyboard starts in the calendar (or on the first run's one button).
        first = self.calendar if self.cache.interview_count else self.empty_state.add_button
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_warnings(self, warnings: list[str]) -> None:
        """What went wrong reading the user's files (a playbook, a store put back), in the
        status bar."""
        for warning in warnings:
            self.statusBar().showMessage(warning)

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
        self._add_undo_actions(edit_menu)
        edit_menu.addSeparator()
        self.edit_action = self._action(edit_menu, self.tr("&Edit interview…"),
                                        lambda: self.edit_interview(self._interview_id()))
        self.delete_action = self._action(edit_menu, self.tr("&Delete interview"),
                                          self.delete_selected,  # a follow-up: asked first
                                          QKeySequence.StandardKey.Delete)  # Undo brings it back

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
        self._add_show_cancelled(view_menu)

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

        from followthrough.ui import help_menu
        from followthrough.ui.icons import icon

        help_menu.attach(self)  # stays the last menu
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
        calendar.selection_changed.connect(self._calendar_selection)
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
        detail.reopen_interview_requested.connect(self.reopen_interview)
        self.empty_state.add_button.clicked.connect(self.new_interview)
        self.empty_state.import_button.clicked.connect(self.import_dialog)
        self.empty_state.sample_button.clicked.connect(self.add_sample)

    # -- showing the store ------------------------------------------------------------------

    def reload(self, *, refresh: bool = True, in_turns: bool = False) -> None:
        """Show the store as it is now (after any change, here or elsewhere).

        `in_turns`, for a change saved elsewhere (which may be a whole import): the calendar,
        then the side panels, then the events the calendar's first paint needs, then the page
        and the counts, each in a turn of the event loop of its own (ui.in_turns).
        """
        parts = [partial(self._reload_calendar, refresh), self._reload_panels, self._reload_page]
        if in_turns:
            parts.insert(2, self.calendar.build_ahead)  # the paint after the next finds them
            # The pipeline's reading off the UI thread would compete with these paints for
            # Python's lock: it starts once they are done.
            pipeline = self.side_panel.pipeline_model
            pipeline.hold()
            self._turns.run([partial(self._unless_closed, part) for part in parts],
                            done=pipeline.release)
            return
        self._turns.cancel()  # this reload shows all of it
        for part in parts:
            part()

    def reloaded(self) -> bool:
        """Whether every part of the last reload is shown (tests wait for this)."""
        return not self._turns.busy

    def _unless_closed(self, part: Callable[[], None]) -> None:
        if not self.store.closed:  # closed meanwhile, with its window
            part()

    def _reload_calendar(self, refresh: bool) -> None:
        if not self.store.closed:
            # What is saved by now is read below, this window's own changes too: the watch
            # need not read it again (a change saved after this is still seen at its next
            # tick), and a sync that then only records what it sent is no change to show.
            self.store.changed_elsewhere(seen=True)
        if refresh:
            self.cache.refresh()
        self.calendar.refresh(cache=False)  # not painted while the first-run page is shown

    def _reload_panels(self) -> None:
        has_interviews = self.cache.interview_count > 0
        if has_interviews == (self.central.currentWidget() is self.empty_state):
            # The panels have nothing to say before the first interview: keep the page simple.
            self.side_dock.setVisible(has_interviews)
            self.detail_dock.setVisible(has_interviews)
        self.side_panel.reload(refresh=False)
        self.detail_panel.show_item(*self._selected)

    def _reload_page(self) -> None:
        has_interviews = self.cache.interview_count > 0
        page = self.calendar if has_interviews else self.empty_state
        if page is not self.central.currentWidget():
            # The keyboard goes with the page: hiding the one it is in would hand it to the
            # next widget in line, the Today list, which would select (and show) a follow-up.
            focus = QApplication.focusWidget()
            focused = focus is not None and self.central.currentWidget().isAncestorOf(focus)
            if focused:
                focus.clearFocus()
            self.central.setCurrentWidget(page)
            if focused:
                (page if has_interviews else self.empty_state.add_button).setFocus(
                    Qt.FocusReason.OtherFocusReason)
        self._list_stale = True  # the List reads the whole plan: when shown, or asked for
        if self.calendar.current_view == LIST:
            self._load_list()
        self._update_counts()
        self._update_actions()

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

    def _calendar_selection(self, kind: str, ident: str) -> None:
        self._select(kind, ident)
        # Details sharing the side with the overview: a choice in the calendar brings it up.
        if kind and not self._side_selecting and self.tabifiedDockWidgets(self.detail_dock):
            self.detail_dock.raise_()

    def _side_selection(self, kind: str, ident: str) -> None:
        self._select(kind, ident)
        self._side_selecting = True  # the overview stays in front: the user is working there
        try:
            self.calendar.select_event(kind, ident)
        finally:
            self._side_selecting = False

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
        self.move_action.setEnabled(step and event.movable)  # a cancelled one comes back
        self.reopen_action.setEnabled(step and event.status.value in ("done", "skipped",
                                                                      "cancelled"))
        for action in (self.reply_action, self.delay_action, self.outcome_action,
                       self.edit_action, self.delete_action):
            action.setEnabled(event is not None)
        self._update_undo()

    # -- the message editor ------------------------------------------------------------------

    def open_editor(self, step_id: str) -> MessageEditor | None:
        """Open (or bring forward) the message editor of a step; warn when there is no such step.

        Opening only shows the message: nothing is sent or recorded until the user says so.
        """
        from followthrough.ui.editor.window import MessageEditor

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

    def mark_done(self, step_id: str) -> None:
        """Record a step as done (through its editor when one is open) and re-plan."""
        from followthrough.store.drafts import finish_step
        from followthrough.ui.editor.window import MessageEditor

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

    def show_holidays(self) -> None:
        """Shade and name the user's public holidays in the month and the week, once they
        are worked out on a thread of their own (a tenth of a second of Python; a sync or an
        import may have started beside the window by then)."""
        if self.store.closed:  # the window outlived its store (closing, or in tests)
            return
        import threading

        from followthrough.ui.calendar.event_cache import work_out_holidays

        what = self.cache.holidays_to_load()

        def work() -> None:
            try:
                work_out_holidays(what)
            finally:
                with contextlib.suppress(RuntimeError):  # the window is gone
                    self._holidays_ready.emit()

        threading.Thread(target=work, name="holidays", daemon=True).start()

    def _paint_holidays(self) -> None:
        if self.store.closed:
            return
        self.cache.load_holidays()  # worked out by now: only marks them loaded
        self.calendar.month_view.update()
        if WEEK in self.calendar.views:
            self.calendar.week_view.header.update()
            self.calendar.week_view.grid.update()

    def _reload_if_changed_elsewhere(self) -> None:
        if self.store.closed:
            self._watch.stop()
            return
        if not self._watch_held and self.store.changed_elsewhere():
            self.reload(in_turns=True)

    def hold_watch(self, held: bool) -> None:
        """While our own sync or import writes on its thread, the window does not reload after
        each of its writes (each reload held the event loop for tens of milliseconds, every
        second of a long first sync or import); released by the last of them, it reloads
        once if anything shown was saved meanwhile."""
        self._watch_held = max(0, self._watch_held + (1 if held else -1))
        if not self._watch_held:
            self._reload_if_changed_elsewhere()

    # -- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: Any) -> None:
        self._watch.stop()  # the store may be closed once the window is
        self._turns.cancel()
        self._holidays_timer.stop()
        from followthrough.ui import window_memory

        window_memory.save(self)
        self.exports.wait()  # an export half written is never left behind
        self.imports.wait()
        self.side_panel.pipeline_model.stop()
        super().closeEvent(event)

    def _warn(self, title: str, text: str, details: str = "") -> None:
        """A warning across the top of the window, which it never blocks (a link may come
        while the user types); a long text shows its first line, the rest under Details."""
        first, _, rest = text.partition("\n")
        self.banner.show_message(title, first, details or rest.strip())

    def show_problem(
        self, text: str, details: str = "", retry: Callable[[], object] | None = None
    ) -> None:
        """A problem reported by background work (a sync, an export), in the banner; with
        `retry`, a Retry button that does the work again."""
        self.banner.show_message("", text, details, level="error",
                                 action=(self.tr("&Retry"), retry) if retry else None)

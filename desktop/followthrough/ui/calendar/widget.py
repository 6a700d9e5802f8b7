"""`CalendarWidget`: the month, week and agenda views of the same days, with navigation, a
mini-month and the actions a window puts in its menus.

Every view is keyboard usable: arrows move between days and events, Enter opens a step,
Alt+arrows move a step. Dragging a step to another day (month) or time (week) asks to move
it: the views only emit `step_moved`; the window changes the store. The widgets know nothing
of the window: they get an `EventCache` and report by signals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from followthrough.ui.calendar.event_cache import EventCache
from followthrough.ui.calendar.events import CalendarEvent
from followthrough.ui.calendar.month import MonthGrid
from followthrough.ui.calendar.periods import AGENDA_DAYS, add_months
from followthrough.ui.collector import jobs_running
from followthrough.ui.icons import icon

MONTH, WEEK, AGENDA = "month", "week", "agenda"
LIST = "list"  # the page the window adds: every step in a table


class CalendarWidget(QWidget):
    """Month, week and agenda views of the same days, with navigation and a mini-month.

    `mini_month` is created here and, unless `mini_month_inside` is false, laid out on the
    left; a window may place it elsewhere (above its side panel) and it keeps working.
    """

    step_activated = Signal(str)
    interview_activated = Signal(str)
    selection_changed = Signal(str, str)  # "step" or "interview" (or "" for none), and its id
    step_moved = Signal(str, object)  # step id, new start (an aware datetime)
    date_changed = Signal(object)
    view_changed = Signal(str)

    def __init__(
        self,
        cache: EventCache,
        parent: QWidget | None = None,
        *,
        first_weekday: int | None = None,
        mini_month_inside: bool = True,
    ) -> None:
        super().__init__(parent)
        self.cache = cache
        self.current_date = cache.today()
        self.month_view = MonthGrid(cache, first_weekday)
        self.first_weekday = first_weekday
        # The week and the agenda are built when first shown (or asked for): start-up builds
        # only the month it paints. `views` holds what is built, and the window's pages.
        self.views: dict[str, Any] = {MONTH: self.month_view}
        self._page_makers: dict[str, Callable[[], QWidget]] = {}  # see add_page
        self.show_cancelled = False
        self._stale = {MONTH: True, WEEK: True, AGENDA: True}
        # Building reads nothing: the window refreshes once it is built, or showing reads.
        self._reading_waits = True
        # Reading the neighbouring periods waits until the user pauses: it is for later.
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(800)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.month_view)
        self.current_view = MONTH
        self._connect(self.month_view)
        self.month_view.day_activated.connect(self._show_day)

        # -- navigation bar ----------------------------------------------------------------
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 4)
        self.today_button = QToolButton(self)
        self.today_button.setText(self.tr("Today"))
        self.today_button.setToolTip(self.tr("Go to today (Ctrl+T)"))
        self.today_button.setAccessibleName(self.tr("Go to today"))
        self.previous_button = QToolButton(self)
        self.previous_button.setIcon(icon("previous"))
        self.previous_button.setAccessibleName(self.tr("Previous period"))
        self.previous_button.setToolTip(self.tr("Previous (Ctrl+PgUp)"))
        self.next_button = QToolButton(self)
        self.next_button.setIcon(icon("next"))
        self.next_button.setAccessibleName(self.tr("Next period"))
        self.next_button.setToolTip(self.tr("Next (Ctrl+PgDown)"))
        self.period_label = QLabel(self)
        font = QFont(self.period_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.period_label.setFont(font)
        self.period_label.setAccessibleName(self.tr("Period shown"))
        bar.addWidget(self.today_button)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addSpacing(8)
        bar.addWidget(self.period_label, 1)
        self._bar = bar
        self.pages: dict[str, str] = {}  # name -> title, for pages the window adds
        self.view_buttons = QButtonGroup(self)
        self.view_buttons.setExclusive(True)
        for name, label, shortcut in (
            (MONTH, self.tr("Month"), "Ctrl+1"),
            (WEEK, self.tr("Week"), "Ctrl+2"),
            (AGENDA, self.tr("Agenda"), "Ctrl+3"),
        ):
            button = QToolButton(self)
            button.setText(label)
            button.setCheckable(True)
            button.setAccessibleName(self.tr("{view} view").format(view=label))
            button.setToolTip(f"{label} ({shortcut})")
            button.setProperty("view", name)
            self.view_buttons.addButton(button)
            bar.addWidget(button)
        self.view_buttons.buttonClicked.connect(
            lambda button: self.set_view(str(button.property("view")))
        )
        self.today_button.clicked.connect(self.go_today)
        self.previous_button.clicked.connect(lambda: self.step_period(-1))
        self.next_button.clicked.connect(lambda: self.step_period(1))

        # -- mini-month ---------------------------------------------------------------------
        self.mini_month = QCalendarWidget(self)
        self.mini_month.setAccessibleName(self.tr("Jump to a date"))
        self.mini_month.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader
        )
        self.mini_month.setGridVisible(False)
        if first_weekday:
            self.mini_month.setFirstDayOfWeek(Qt.DayOfWeek(first_weekday))
        self.mini_month.clicked.connect(lambda qdate: self.set_date(qdate.toPython()))
        self.mini_month.activated.connect(lambda qdate: self.set_date(qdate.toPython()))

        # -- actions (the window may put them in its menus) ---------------------------------
        self.today_action = self._action(self.tr("&Today"), "Ctrl+T", self.go_today)
        self.previous_action = self._action(
            self.tr("&Previous"), "Ctrl+PgUp", lambda: self.step_period(-1)
        )
        self.next_action = self._action(
            self.tr("&Next"), "Ctrl+PgDown", lambda: self.step_period(1)
        )
        for action, name in (
            (self.today_action, "today"),
            (self.previous_action, "previous"),
            (self.next_action, "next"),
        ):
            action.setIcon(icon(name))
        self.view_actions = {
            MONTH: self._action(self.tr("&Month"), "Ctrl+1", lambda: self.set_view(MONTH)),
            WEEK: self._action(self.tr("&Week"), "Ctrl+2", lambda: self.set_view(WEEK)),
            AGENDA: self._action(self.tr("&Agenda"), "Ctrl+3", lambda: self.set_view(AGENDA)),
        }

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addLayout(bar)
        body.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if mini_month_inside:
            side = QVBoxLayout()
            side.addWidget(self.mini_month)
            side.addStretch(1)
            layout.addLayout(side)
        else:
            self.mini_month.hide()  # until the window lays it out elsewhere
        layout.addLayout(body, 1)
        self.setFocusProxy(self.month_view)
        self.set_view(MONTH)
        self._reading_waits = False

    def _action(self, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- what the window calls -------------------------------------------------------------
    def view(self, name: str | None = None) -> Any:
        return self._view(name or self.current_view)

    @property
    def week_view(self) -> Any:
        return self._view(WEEK)

    @property
    def agenda_view(self) -> Any:
        return self._view(AGENDA)

    def add_page(
        self, name: str, label: str, widget: QWidget | Callable[[], QWidget], shortcut: str = ""
    ) -> QAction:
        """Add a page that is not a view of dates (a list, say) to the view switcher: the
        widget, or what makes it when it is first shown (or asked for with `page`).

        Returns the action that shows it.
        """
        self.pages[name] = label
        if isinstance(widget, QWidget):
            self.stack.addWidget(widget)
            self.views[name] = widget
        else:
            self._page_makers[name] = widget
        button = QToolButton(self)
        button.setText(label)
        button.setCheckable(True)
        button.setAccessibleName(self.tr("{view} view").format(view=label))
        button.setToolTip(f"{label} ({shortcut})" if shortcut else label)
        button.setProperty("view", name)
        self.view_buttons.addButton(button)
        self._bar.addWidget(button)
        action = self._action(label, shortcut or None, lambda: self.set_view(name))
        self.view_actions[name] = action
        return action

    def set_view(self, name: str) -> None:
        """Show the month, week or agenda view of the current date (or an added page)."""
        had_focus = self.stack.currentWidget() is not None and self.stack.currentWidget().hasFocus()
        self.current_view = name
        view = self._view(name)
        self.stack.setCurrentWidget(view)
        self.setFocusProxy(view)
        for button in self.view_buttons.buttons():
            button.setChecked(button.property("view") == name)
        dated = name not in self.pages
        for widget in (self.previous_button, self.next_button):
            widget.setEnabled(dated)
        for action in (self.previous_action, self.next_action):
            action.setEnabled(dated)
        self._show(self.current_date)
        if had_focus or self.hasFocus():
            view.setFocus()
        self.view_changed.emit(name)

    def set_date(self, day: date) -> None:
        """Show the period of the current view that holds `day`."""
        self._show(day)
        self.date_changed.emit(day)

    def go_today(self) -> None:
        self.set_date(self.cache.today())

    def step_period(self, direction: int) -> None:
        """Go to the previous (-1) or next (+1) month, week or agenda page."""
        if self.current_view in self.pages:
            return
        day = self.current_date
        if self.current_view == MONTH:
            day = add_months(day, direction)
        elif self.current_view == WEEK:
            day = day + timedelta(days=7 * direction)
        else:
            day = day + timedelta(days=AGENDA_DAYS * direction)
        self.set_date(day)

    def refresh(self, *, cache: bool = True) -> None:
        """Re-read the store (after a change) and redraw the visible view.

        `cache=False` when the caller has just refreshed the cache itself.
        """
        if cache:
            self.cache.refresh()
        for name in self._stale:
            self._stale[name] = True
        self._show(self.current_date)

    def build_ahead(self) -> None:
        """The first events of each day of the view shown, built before it is painted anew
        (see PaintedCalendar.build_ahead); nothing for the agenda and the pages."""
        if self.current_view in (MONTH, WEEK) and self.current_view in self.views:
            self._dated(self.current_view).build_ahead()

    def set_show_cancelled(self, show: bool) -> None:
        """Show the follow-ups the plan cancelled too (to bring one back), or hide them."""
        self.show_cancelled = show
        for name in (MONTH, WEEK, AGENDA):
            if name in self.views:
                self._dated(name).model.set_show_cancelled(show)

    def select_event(self, kind: str, ident: str) -> None:
        """Show the day of an event and make it current (from the side panel, say)."""
        try:
            event = self.cache.event(kind, ident)
        except ValueError:
            return
        self._show(event.day)
        self.date_changed.emit(event.day)
        if self.current_view in self.pages:
            return
        target = self._dated(self.current_view)
        target.select_event(ident)

    def current_event(self) -> CalendarEvent | None:
        if self.current_view in self.pages:
            return None
        target = self._dated(self.current_view)
        return target.current_event()

    def period_text(self) -> str:
        locale = QLocale()
        day = self.current_date
        if self.current_view == MONTH:
            return f"{locale.standaloneMonthName(day.month)} {day.year}"
        first, last = (
            self.week_view.grid.range_for(day)
            if self.current_view == WEEK
            else self.agenda_view.range_for(day)
        )
        fmt = "d MMM" if first.year == last.year else "d MMM yyyy"
        last_text = locale.toString(QDate(last), "d MMM yyyy")
        return f"{locale.toString(QDate(first), fmt)} – {last_text}"

    # -- inside -----------------------------------------------------------------------------
    def _view(self, name: str) -> Any:
        """The view (or page) called `name`, built and added the first time it is asked for."""
        built = self.views.get(name)
        if built is not None:
            return built
        if name == WEEK:
            from followthrough.ui.calendar.week import WeekView

            built = WeekView(self.cache, self.first_weekday)
            self._connect(built.grid)
        elif name == AGENDA:
            from followthrough.ui.calendar.agenda import AgendaView

            built = AgendaView(self.cache)
            self._connect(built)
        elif name in self._page_makers:
            built = self._page_makers.pop(name)()
        else:
            raise KeyError(name)
        self.views[name] = built
        self.stack.addWidget(built)
        if self.show_cancelled and name not in self.pages:
            self._dated(name).model.show_cancelled = True  # before its first reading
        return built

    def page(self, name: str) -> Any:
        """The page added as `name` (made now if it was not shown yet)."""
        return self._view(name)

    def _dated(self, name: str) -> Any:
        """The widget that shows dates in the view `name` (the week's grid, not its frame)."""
        view = self._view(name)
        return view.grid if name == WEEK else view

    def _connect(self, view: Any) -> None:
        view.step_activated.connect(self.step_activated)
        view.interview_activated.connect(self.interview_activated)
        view.selection_changed.connect(self.selection_changed)
        view.step_moved.connect(self.step_moved)
        view.current_date_changed.connect(self._view_date_changed)

    def _show(self, day: date) -> None:
        self.current_date = day
        if self.current_view in self.pages:
            self.period_label.setText(self.pages[self.current_view])
            return
        target = self._dated(self.current_view)
        if not self._reading_waits:
            target.set_date(day, reload=self._stale[self.current_view])
            self._stale[self.current_view] = False
        self.period_label.setText(self.period_text())
        if WEEK in self.views:
            self.views[WEEK].header.update()
        if self.mini_month.selectedDate().toPython() != day:
            self.mini_month.blockSignals(True)
            self.mini_month.setSelectedDate(QDate(day))
            self.mini_month.blockSignals(False)
        if self.isVisible():  # not while the window is still being built
            self._prefetch_timer.start()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale.get(self.current_view):  # shown before any refresh: read it now
            self._show(self.current_date)
        self._prefetch_timer.start()

    def hideEvent(self, event: Any) -> None:
        self._prefetch_timer.stop()  # closing: the store may be closed next
        super().hideEvent(event)

    def _prefetch(self) -> None:
        """Read the periods before and after the one shown, so the next step is instant; not
        while a sync, an export or an import runs (read on the UI thread beside one, the two
        months took 0.27 to 0.3 s at 1,000 interviews: bench/stall.py), but after it."""
        if self.current_view in self.pages or not self.isVisible():
            return
        if jobs_running():
            self._prefetch_timer.start()  # again a little later
            return
        target = self._dated(self.current_view)
        day = self.current_date
        if self.current_view == MONTH:
            neighbours = [add_months(day, -1), add_months(day, 1)]
        elif self.current_view == WEEK:
            neighbours = [day - timedelta(days=7), day + timedelta(days=7)]
        else:
            neighbours = [day - timedelta(days=AGENDA_DAYS), day + timedelta(days=AGENDA_DAYS)]
        for other in neighbours:
            self.cache.prefetch(*target.range_for(other))

    def _view_date_changed(self, day: date) -> None:
        self.current_date = day
        self.period_label.setText(self.period_text())
        self.mini_month.blockSignals(True)
        self.mini_month.setSelectedDate(QDate(day))
        self.mini_month.blockSignals(False)
        self.date_changed.emit(day)

    def _show_day(self, day: date) -> None:
        """"+N more" in the month: the week view shows every event of that day."""
        self.current_date = day
        self.set_view(WEEK)

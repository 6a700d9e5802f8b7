"""The "+N more" of a month day: a small popup listing every event of that day, as calendar
apps show it. Choosing one (click, Enter) makes it current and opens it, as a double-click on
its chip does; "Show the week" shows the day among its week."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from followthrough.ui.calendar.events import CalendarEvent

MAX_HEIGHT = 420  # px: a longer day scrolls inside the popup


class DayPopup(QFrame):
    """Every event of one day; `chosen` gives the event picked, `week_wanted` the day."""

    chosen = Signal(object)  # a CalendarEvent
    week_wanted = Signal(object)  # the day (a date)

    def __init__(self, day: date, events: list[CalendarEvent], parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.day = day
        self._events = {event.id: event for event in events}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        named = QLocale().toString(QDate(day), QLocale.FormatType.LongFormat)
        title = QLabel(named, self)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Events of {day}").format(day=named))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        for event in events:
            item = QListWidgetItem(f"{event.times_text()}  {event.title}")
            item.setToolTip(event.tooltip())
            item.setData(Qt.ItemDataRole.UserRole, event.id)
            self.list.addItem(item)
        self.list.itemClicked.connect(self._choose)
        self.list.itemActivated.connect(self._choose)
        layout.addWidget(self.list)
        week = QPushButton(self.tr("Show the week"), self)
        week.setFlat(True)
        week.clicked.connect(self._show_week)
        layout.addWidget(week)
        rows = max(len(events), 1)
        wanted = self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 4
        self.list.setFixedHeight(min(wanted, MAX_HEIGHT - 80))
        width = max(self.list.sizeHintForColumn(0) + 24, 260)
        self.setFixedWidth(min(width, 480))
        self.list.setCurrentRow(0)
        self.list.setFocus()

    def show_below(self, anchor: QRect, view: QWidget) -> None:
        """Open under `anchor` (the "+N more" line, in `view`'s coordinates), on screen."""
        self.adjustSize()
        place = view.mapToGlobal(anchor.bottomLeft()) + QPoint(0, 2)
        screen = QGuiApplication.screenAt(place) or QGuiApplication.primaryScreen()
        free = screen.availableGeometry()
        x = min(max(place.x(), free.left()), free.right() - self.width())
        y = place.y()
        if y + self.height() > free.bottom():  # no room below: above the line
            y = max(view.mapToGlobal(anchor.topLeft()).y() - self.height() - 2, free.top())
        self.move(x, y)
        self.show()

    def _choose(self, item: QListWidgetItem) -> None:
        event = self._events.get(str(item.data(Qt.ItemDataRole.UserRole)))
        self.close()
        if event is not None:
            self.chosen.emit(event)

    def _show_week(self) -> None:
        self.close()
        self.week_wanted.emit(self.day)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

"""The Help menu: every keyboard shortcut of the window, and About.

The shortcuts are read from the window's actions when the list is opened, so an action added
later (Sync, Check mail, Settings) is listed too; the keys no action carries (the calendar's
arrows, Alt+arrows, Enter; the message editor's) are listed beside them. The menu stays the
last of the menu bar whatever is added after it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import followthrough


def tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


def _keys_without_action() -> list[tuple[str, str]]:
    """(keys, what they do) of the keys handled without an action."""
    return [
        (tr("Arrow keys"), tr("Calendar: go to another day or event")),
        (tr("Page Up, Page Down"), tr("Calendar: the period before or after")),
        (tr("Enter"), tr("Calendar: open the selected follow-up or interview (on a day, its "
                         "first event)")),
        (tr("Alt+Left, Alt+Right"), tr("Calendar: move the selected follow-up a day earlier "
                                       "or later")),
        (tr("Alt+Up, Alt+Down"), tr("Month: move the selected follow-up a week earlier or "
                                    "later; Week: 15 minutes earlier or later")),
        (tr("Esc"), tr("Close the message across the top of the window")),
        (tr("Ctrl+Return"), tr("Message editor: send, call, print or copy (its main button)")),
        (QKeySequence(QKeySequence.StandardKey.Save).toString(
            QKeySequence.SequenceFormat.NativeText), tr("Message editor: save the draft now")),
        (tr("Esc"), tr("Message editor: close it (the draft is kept)")),
    ]


def shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do) of every shortcut of `window`: its actions', then the others."""
    rows: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for action in window.findChildren(QAction):
        keys = ", ".join(
            key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts()
        )
        what = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        what = what.removesuffix("…").strip()
        if keys and what and (keys, what) not in seen:
            seen.add((keys, what))
            rows.append((keys, what))
    return rows + _keys_without_action()


class ShortcutsDialog(QDialog):
    """Every shortcut in a table: the keys, and what they do."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        rows = shortcuts(window)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels([tr("Keys"), tr("What they do")])
        self.table.setAccessibleName(tr("Keyboard shortcuts"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 480)


def about_text() -> str:
    return tr(
        "Followthrough {version}\n\nPlans the follow-ups after a job interview (thank-you, "
        "check-ins, calls) as calendar events, drafts each message and keeps the plan "
        "current with what happens."
    ).format(version=followthrough.__version__)


class _KeepLast(QObject):
    """Moves the Help menu back to the end when another menu is added to the bar."""

    def __init__(self, bar: QMenuBar, menu: QMenu) -> None:
        super().__init__(bar)
        self.bar, self.menu = bar, menu

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ActionAdded:
            actions = self.bar.actions()
            last = self.menu.menuAction()
            if actions and actions[-1] is not last and last in actions:
                self.bar.removeAction(last)
                self.bar.addAction(last)
        return False


def attach(window: QMainWindow) -> QMenu:
    """Give `window` the Help menu: Keyboard shortcuts (F1) and About; returns it."""
    bar = window.menuBar()
    menu = bar.addMenu(tr("&Help"))
    keys = menu.addAction(tr("&Keyboard shortcuts"))
    keys.setShortcut(QKeySequence(Qt.Key.Key_F1))
    keys.triggered.connect(lambda: show_shortcuts(window))
    about = menu.addAction(tr("&About Followthrough"))
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(
        lambda: QMessageBox.about(window, tr("About Followthrough"), about_text())
    )
    bar.installEventFilter(_KeepLast(bar, menu))
    return menu


def show_shortcuts(window: QWidget) -> None:
    dialog = ShortcutsDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()  # never blocks the window

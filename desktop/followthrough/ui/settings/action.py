"""The Settings… action of the window; the dialog itself is loaded when first opened."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from followthrough.store import Store


def attach(window: Any, store: Store, on_saved: Any) -> QAction:
    """Give `window` the Settings… action (Ctrl+, or the platform's key); returns it."""
    action = QAction(window.tr("&Settings…"), window)
    action.setShortcuts(
        [QKeySequence(QKeySequence.StandardKey.Preferences), QKeySequence("Ctrl+,")]
    )
    action.setMenuRole(QAction.MenuRole.PreferencesRole)

    def show() -> None:
        from followthrough.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(store, window)
        dialog.saved.connect(on_saved)
        dialog.accounts_changed.connect(on_saved)
        dialog.exec()
        dialog.deleteLater()

    action.triggered.connect(show)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    edit = next((m for m in menus if m.title().replace("&", "") == window.tr("Edit")), None)
    (edit or window.menuBar().addMenu(window.tr("&Edit"))).addAction(action)
    return action

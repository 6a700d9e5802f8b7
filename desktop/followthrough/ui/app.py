"""Starting the window: the application object, the main window, the start-up timing."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from followthrough.store import Store, StoreError, open_store


def process_age_ms() -> float:
    """Milliseconds since this process started (Linux: from /proc; else since first import)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return (uptime - int(fields[19]) / ticks) * 1000.0
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _IMPORTED) * 1000.0


_IMPORTED = time.perf_counter()


def run_gui(data_dir: Path | None, *, exit_when_ready: bool = False) -> int:
    """Open the main window on the user's data; returns the exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from followthrough.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Followthrough")
    app.setOrganizationName("Followthrough")
    try:
        store, warnings = open_store(data_dir)
    except StoreError as error:
        if exit_when_ready:
            sys.stderr.write(f"followthrough: {error}\n")
            return 1
        QMessageBox.critical(None, "Followthrough", str(error))
        return 1
    window = MainWindow(store, warnings)
    window.show()
    if exit_when_ready:

        def ready() -> None:
            sys.stdout.write(f"{process_age_ms():.0f}\n")
            sys.stdout.flush()
            app.quit()

        QTimer.singleShot(0, ready)
    try:
        return int(app.exec())
    finally:
        store.close()


def user_zone(store: Store) -> ZoneInfo:
    return ZoneInfo(store.settings().timezone)

"""`make screenshots`: PNGs of the main views with sample data, for the README."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from followthrough.store import open_store
from followthrough.ui.samples import add_sample_data

__all__ = ["add_sample_data", "main"]

SIZE = (1440, 860)
SMALL = (1024, 700)  # a small laptop screen: the panels as tabs, the calendar keeps the width


def _dark_palette() -> object:
    """A dark palette, as a desktop in dark mode gives the app (Fusion reads it)."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    role = QPalette.ColorRole
    for name, colour in (
        (role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#262626"), (role.Text, "#e6e6e6"), (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"), (role.Highlight, "#3d8ee6"),
        (role.HighlightedText, "#ffffff"), (role.ToolTipBase, "#353535"),
        (role.ToolTipText, "#e6e6e6"), (role.PlaceholderText, "#8c8c8c"), (role.Mid, "#505050"),
        (role.Light, "#505050"), (role.Dark, "#1a1a1a"), (role.Link, "#6fb1ff"),
    ):  # fmt: skip
        palette.setColor(name, QColor(colour))
    return palette


def main(argv: list[str]) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from followthrough.ui.calendar.widget import AGENDA, MONTH, WEEK
    from followthrough.ui.main_window import MainWindow

    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(argv[:1])
    app.setStyle("Fusion")  # the same pictures on every machine
    written: list[Path] = []

    def shoot(widget: object, name: str) -> None:
        for _ in range(3):
            app.processEvents()
        path = out / name
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)

    with tempfile.TemporaryDirectory() as folder:
        store, warnings = open_store(Path(folder))
        empty = MainWindow(store, warnings)
        empty.resize(*SIZE)
        empty.show()
        shoot(empty, "first-run.png")
        empty.close()

        add_sample_data(store)
        shots = (
            (SIZE, MONTH, "month.png"), (SIZE, WEEK, "week.png"), (SIZE, AGENDA, "agenda.png"),
            (SMALL, MONTH, "small-window.png"), (SIZE, WEEK, "dark.png"),
        )  # fmt: skip
        for size, view, name in shots:
            if name == "dark.png":
                app.setPalette(_dark_palette())  # type: ignore[arg-type]
            (store.path.parent / "window.ini").unlink(missing_ok=True)  # the first layout
            window = MainWindow(store, warnings)
            window.resize(*size)
            if size != SMALL and window.tabifiedDockWidgets(window.detail_dock):
                # The offscreen screen is small; the big pictures show a big screen's layout.
                window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.detail_dock)
                window.resizeDocks([window.side_dock, window.detail_dock], [290, 300],
                                   Qt.Orientation.Horizontal)
            window.show()
            calendar = window.calendar
            calendar.set_view(view)
            calendar.go_today()
            chosen = _first_due(window)
            if chosen is not None:  # as the user would open the window: today's first
                calendar.select_event("step", chosen.id)
            shoot(window, name)
            window.close()
        store.close()
    for path in written:
        print(f"wrote {path}")
    return 0


def _first_due(window: Any) -> Any:
    """The first follow-up due today in the window's Today list (else its last one)."""
    due = window.side_panel.today_model
    today = [due.event_at(due.index(r)) for r in range(due.rowCount())]
    return next(
        (e for e in today if e is not None and e.day == window.cache.today()),
        today[-1] if today else None,
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

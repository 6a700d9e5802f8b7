"""`make screenshots`: PNGs of the main views with sample data, for the README."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from followthrough.store import open_store
from followthrough.ui.samples import add_sample_data

__all__ = ["add_sample_data", "main"]

SIZE = (1440, 860)


def main(argv: list[str]) -> int:
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
        window = MainWindow(store, warnings)
        window.resize(*SIZE)
        window.show()
        calendar = window.calendar
        # Selected: the first follow-up due today, as the user would open the window.
        due = window.side_panel.today_model
        today = [due.event_at(due.index(r)) for r in range(due.rowCount())]
        chosen = next((e for e in today if e is not None and e.day == window.cache.today()),
                      today[-1] if today else None)
        for view, name in ((MONTH, "month.png"), (WEEK, "week.png"), (AGENDA, "agenda.png")):
            calendar.set_view(view)
            calendar.go_today()
            if chosen is not None:
                calendar.select_event("step", chosen.id)
            shoot(window, name)
        window.close()
        store.close()
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

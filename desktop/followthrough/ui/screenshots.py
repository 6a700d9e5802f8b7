"""`make screenshots`: PNGs of the main views with sample data, for the README."""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer
from followthrough.store import Store, open_store


def add_sample_data(store: Store) -> None:
    """Two interviews a user might have had this month, one already answered."""
    zone = ZoneInfo(store.settings().timezone)
    now = datetime.now(zone).replace(minute=0, second=0, microsecond=0)
    first_end = (now - timedelta(days=2)).replace(hour=15)
    acme = store.add_interview(
        Interview(id="", company="Acme Analytics", role="Data engineer",
                  interviewers=(Interviewer(name="Ana Diaz", title="CTO",
                                            email="ana@acme.example", key="p1"),
                                Interviewer(name="Bo Li", email="bo@acme.example", key="p2")),
                  start=first_end - timedelta(hours=1), end=first_end, tz=zone.key,
                  topics=("streaming pipelines",))
    )
    store.record(acme.id, Activity(ActivityKind.DONE, first_end + timedelta(hours=3),
                                   step="thank-you.p1", how="email"))
    second_end = (now - timedelta(days=9)).replace(hour=11)
    globex = store.add_interview(
        Interview(id="", company="Globex", role="Product manager",
                  interviewers=(Interviewer(name="Kim Park", email="kim@globex.example",
                                            key="p1"),),
                  start=second_end - timedelta(hours=1), end=second_end, tz=zone.key)
    )
    store.record(globex.id, Activity(ActivityKind.REPLY, second_end + timedelta(days=3)))


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from followthrough.ui.main_window import MainWindow

    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        store, warnings = open_store(Path(folder))
        add_sample_data(store)
        window = MainWindow(store, warnings)
        window.resize(1100, 520)
        window.show()
        app.processEvents()
        window.grab().save(str(out / "main-window.png"))
        window.close()
        store.close()
    print(f"wrote {out / 'main-window.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

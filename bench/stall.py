"""The window's event loop while a sync runs in the background: its longest stall.

Run from the repo root (sabre/dav needs Debian's php-cli php-sqlite3 php-xml php-mbstring):

    .venv/bin/python bench/stall.py [--interviews N] [--runs R] [--server sabre|radicale]

It fills a data folder as bench/plan.py does with N interviews (130 by default, about 1,000
events; 1,000 interviews make about 7,800),
starts the server as the tests do, opens the main window on the offscreen platform with its
sync controller (as `followthrough` wires it), and, while the window's own sync runs on its
background thread, ticks a 1 ms timer on the UI thread: a tick that comes late is a frame the
window could not paint, a click it could not answer. For each of R runs, on a new calendar,
it times three syncs: the first (every event sent), one with nothing changed, and one after
an interview changed (a reply logged). It prints, per kind of sync, the median over the runs
of: the sync's duration, the event loop's longest stall, and how many stalls were over 50 ms
(issue 18's target: none over 50 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring

from followthrough.core.model import Activity, ActivityKind
from followthrough.ical.export import Exporter
from plan import bench_store, fill

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests" / d) for d in ("sync", "")]
from conftest import MemoryKeyring  # noqa: E402 - the tests' own servers and keyring
from sync import start_server  # noqa: E402

STALL_MS = 50.0


def watch_sync(app: object, controller: object) -> tuple[float, list[float]]:
    """Start the controller's sync and tick the event loop until it ends; (seconds, the gaps
    between ticks over 5 ms, in ms)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    loop = QEventLoop()
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if now - last[0] > 5.0:
            gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    controller.finished.connect(loop.quit)  # type: ignore[attr-defined]
    controller.failed.connect(  # type: ignore[attr-defined]
        lambda message: (print(f"  sync failed: {message}"), loop.quit())
    )
    clock.start()
    timer.start()
    began = time.perf_counter()
    if not controller.sync_now():  # type: ignore[attr-defined]
        raise SystemExit("the sync did not start")
    loop.exec()
    spent = time.perf_counter() - began
    timer.stop()
    controller.finished.disconnect(loop.quit)  # type: ignore[attr-defined]
    return spent, gaps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--interviews", type=int, default=130, metavar="N")
    parser.add_argument("--runs", type=int, default=3, metavar="R")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--server", choices=("sabre", "radicale"), default="sabre")
    args = parser.parse_args(argv)
    keyring.set_keyring(MemoryKeyring())
    from PySide6.QtWidgets import QApplication

    from followthrough.sync.accounts import Account, list_accounts, remove_account
    from followthrough.sync.calendars import use_calendar
    from followthrough.sync.connection import add_account
    from followthrough.ui.main_window import MainWindow
    from followthrough.ui.sync_controller import SyncController, attach

    app = QApplication.instance() or QApplication(sys.argv[:1])
    results: dict[str, list[tuple[float, list[float]]]] = {}
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        root = Path(folder)
        store = bench_store(root / "data")
        fill(store, args.interviews, args.seed)
        events = len(Exporter(store).event_files())
        print(f"set-up: {args.interviews} interviews, {events} events; {args.server}")
        server = start_server(args.server, root / args.server)
        try:
            for run in range(args.runs):
                user, password = server.new_user()
                name = f"stall{run}"
                for other in list_accounts(store):  # one account syncs: the run's own
                    remove_account(store, other.name)
                add_account(store, Account(name, server.url, user), password, timeout=30)
                use_calendar(store, name, create=f"Stall {run}", timeout=30)
                window = MainWindow(store, [])
                window.show()
                for _ in range(5):
                    app.processEvents()  # type: ignore[union-attr]
                controller = SyncController(store, window)
                attach(window, controller)  # as the app wires it
                for kind in ("first sync", "nothing changed", "one interview changed"):
                    if kind == "one interview changed":
                        changed = store.interviews()[run]
                        store.record(changed.id, Activity(
                            ActivityKind.REPLY, changed.end + timedelta(days=1)))  # fmt: skip
                    results.setdefault(kind, []).append(watch_sync(app, controller))
                controller.shutdown()
                window.close()
                window.deleteLater()
                app.processEvents()  # type: ignore[union-attr]
        finally:
            server.stop()
            store.close()
    for kind, found in results.items():
        spent = statistics.median(s for s, _ in found)
        longest = [max(g, default=0.0) for _, g in found]
        over = [sum(1 for x in g if x > STALL_MS) for _, g in found]
        print(f"{kind}: sync {spent:.3f} s; longest stall median "
              f"{statistics.median(longest):.0f} ms (runs: "
              f"{', '.join(f'{x:.0f}' for x in longest)} ms); stalls over {STALL_MS:g} ms: "
              f"median {statistics.median(over):g} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The window's event loop while a sync runs in the background: its longest stall.

Run from the repo root (sabre/dav needs Debian's php-cli php-sqlite3 php-xml php-mbstring):

    .venv/bin/python bench/stall.py [--interviews N] [--runs R] [--server sabre|radicale]

It fills a data folder as bench/plan.py does with N interviews (130 by default, about 1,000
events; 1,000 interviews make about 7,800), starts the server as the tests do, opens the main
window on the offscreen platform with its sync controller (as `followthrough` wires it), lets
it finish its start-up reading (as the app does: its first sync comes after the sync
interval), and, while the window's own sync runs on its background thread, ticks a 1 ms
timer on the UI thread: a tick that comes late is a frame the window could not paint, a click
it could not answer. For each of R runs, on a new calendar, it times three syncs: the first
(every event sent), one with nothing changed, and one after an interview changed (a reply
logged). In each run it also times the window's File > Export of every interview and File >
Import of that file into a new, empty data folder (each interview added). It prints,
per kind of work, the median over the runs of: its duration, the event loop's longest stall
(watched until half a second after the work ends: the repaint of what it changed counts), and
how many stalls were over 50 ms (issue 18's target: none over 50 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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


AFTER_MS = 500.0  # the watch goes on this long after the work ends: its repaint is part of it


def watch(app: object, start: Callable[[], object], finished: Callable[[], bool]
          ) -> tuple[float, list[float]]:
    """Call `start`, then tick the event loop until `finished()` says the work is over, and
    AFTER_MS more (the window shows what the work changed once it ends); (seconds until the
    end of the work, the gaps between ticks over 5 ms, in ms)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    loop = QEventLoop()
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]
    ended: list[float] = []

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if now - last[0] > 5.0:
            gaps.append(now - last[0])
        last[0] = now
        if not ended and finished():
            ended.append(time.perf_counter())
        if ended and now - (ended[0] - began) * 1000 > AFTER_MS:
            loop.quit()

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    began = time.perf_counter()
    start()
    loop.exec()
    timer.stop()
    return ended[0] - began, gaps


def settle(app: object, window: object, limit: float = 120.0) -> None:
    """Let a window just shown finish its start-up reading (the pipeline, then every step
    read ahead, off the UI thread; the holidays) before the work watched begins: the app
    starts no sync, export or import of its own meanwhile (its first sync comes after the
    sync interval), so what is measured is the window at rest beside the work, not its
    start-up."""
    model = window.side_panel.pipeline_model  # type: ignore[attr-defined]
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        app.processEvents()  # type: ignore[attr-defined]
        cache = window.cache  # type: ignore[attr-defined]
        read = model.read_ahead_done or cache.interview_count == 0
        if not model.loading and read and cache.holidays_loaded:
            break
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()  # type: ignore[attr-defined]


def watch_sync(app: object, controller: object) -> tuple[float, list[float]]:
    """The window's own sync, started as Sync now starts it, watched until it ends."""
    ended: list[bool] = []

    def end(*_args: object) -> None:
        ended.append(True)

    def failed(message: str) -> None:
        print(f"  sync failed: {message}")
        ended.append(True)

    controller.finished.connect(end)  # type: ignore[attr-defined]
    controller.failed.connect(failed)  # type: ignore[attr-defined]

    def start() -> None:
        if not controller.sync_now():  # type: ignore[attr-defined]
            raise SystemExit("the sync did not start")

    try:
        return watch(app, start, lambda: bool(ended))
    finally:
        controller.finished.disconnect(end)  # type: ignore[attr-defined]
        controller.failed.disconnect(failed)  # type: ignore[attr-defined]


def watch_export_and_import(app: object, window: object, folder: Path) -> dict[str, tuple[
        float, list[float]]]:  # fmt: skip
    """File > Export of every interview, then File > Import of that file into a new, empty
    data folder's window (every interview added), each watched until it ends."""
    from followthrough.ui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "export.ics"
    written: list[str] = []

    def start_export() -> None:
        signals = window.export_to(path)  # type: ignore[attr-defined]
        signals.finished.connect(lambda *_a: written.append(str(path)))

    found = {"export": watch(app, start_export, lambda: bool(written))}
    other = bench_store(folder / "empty")
    empty = MainWindow(other, [])
    empty.show()
    settle(app, empty)
    started: list[bool] = []

    def start_import() -> None:
        empty._import_file(path)
        started.append(True)

    found["import"] = watch(
        app, start_import, lambda: bool(started) and empty.imports_idle()
    )
    print(f"  imported {len(other.interviews())} interviews from {path.stat().st_size:,} bytes")
    empty.close()
    empty.deleteLater()
    app.processEvents()  # type: ignore[attr-defined]
    other.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--interviews", type=int, default=130, metavar="N")
    parser.add_argument("--runs", type=int, default=3, metavar="R")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--server", choices=("sabre", "radicale"), default="sabre")
    args = parser.parse_args(argv)
    keyring.set_keyring(MemoryKeyring())
    from PySide6.QtWidgets import QApplication

    from followthrough.ui import import_scan

    import_scan.lighten()  # as the app does before it imports the window
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
                settle(app, window)
                controller = SyncController(store, window)
                attach(window, controller)  # as the app wires it
                for kind in ("first sync", "nothing changed", "one interview changed"):
                    if kind == "one interview changed":
                        changed = store.interviews()[run]
                        store.record(changed.id, Activity(
                            ActivityKind.REPLY, changed.end + timedelta(days=1)))  # fmt: skip
                        window.reload()  # as the window's Log reply does, before the sync
                        settle(app, window)
                    results.setdefault(kind, []).append(watch_sync(app, controller))
                controller.shutdown()
                for kind, found in watch_export_and_import(app, window, root / str(run)).items():
                    results.setdefault(kind, []).append(found)
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
        what = "it took" if kind in ("export", "import") else "sync"
        print(f"{kind}: {what} {spent:.3f} s; longest stall median "
              f"{statistics.median(longest):.0f} ms (runs: "
              f"{', '.join(f'{x:.0f}' for x in longest)} ms); stalls over {STALL_MS:g} ms: "
              f"median {statistics.median(over):g} (target 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

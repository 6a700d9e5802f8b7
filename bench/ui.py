"""The window with 1,000 interviews (about 7,000 events): start-up, switching, memory.

Run from the repo root:

    .venv/bin/python bench/ui.py [--interviews N] [--shape planned|invitations] [--runs R]
        [--seed S] [--store DIR] [--compare-with DIR]

It fills a temporary data folder as bench/plan.py does, then prints, each the median of R runs,
with Qt on the offscreen platform:

1. start-up: `followthrough --data-dir DIR --exit-when-ready` (the window shown and painted,
   then the event loop's next idle turn; the app prints the milliseconds since its process
   started), against the baseline, a bare PySide6 `QMainWindow` timed the same way (target:
   within 2.5x). Both start from compiled bytecode, as an installed app does, and are run
   in turn;
2. switching, in a process that opened the window on that data and let its background
   reading finish: the next month in the month view ten times in a row, then from the same
   month the previous one nine times, each after a pause as clicks come (every month timed
   the first time it is shown), and month -> week -> agenda -> month; each until its result
   is painted (the events the action posted handled, no forced repaint). Target: under
   50 ms each;
3. memory: that process's resident set size after the switches (target: under 250 MB).

`--shape invitations` fills the store with employers' invitations imported from an .ics file,
as File > Import does (from 400 days ago to 30 days ahead: their follow-ups mostly overdue),
instead of bench/plan.py's interviews. `--store DIR` keeps the filled store in DIR and uses it
as it is when DIR is not empty (filling 5,000 interviews takes minutes).

`--compare-with DIR` also times the start-up of another checkout's app (its `desktop/`
folder, for example a `git worktree` of an earlier commit) in the same turns, on a store that
checkout fills itself, so that a change's cost to start-up is measured against the code
before it on the machine as it is at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

START_RATIO, SWITCH_MS, MEMORY_MB = 2.5, 50.0, 250.0
# The month the switching starts from: bench/plan.py's interviews run from January 2026 to
# the summer of 2027, so the ten months after it and the nine before it all have events, and
# each of them is timed the first time it is shown.
START = date(2026, 10, 15)
FORWARD, BACKWARD = 10, 9

BARE = r"""
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

def age_ms():
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return (uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")) * 1000.0

def ready():
    print(f"{age_ms():.0f}")
    app.quit()

class FirstPaint(QObject):  # the same wait as the app's --exit-when-ready
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, ready)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
app.exec()
"""


BYTECODE = Path(tempfile.gettempdir()) / "followthrough-bench-bytecode"


def environment() -> dict[str, str]:
    """Offscreen Qt, no keyring, and Python's compiled bytecode kept between runs.

    An installed app (a wheel, the packages) starts from compiled bytecode; so do the
    benchmark's processes, ours and the baseline alike, after the warm-up run has written it
    (to a folder of its own: PYTHONDONTWRITEBYTECODE, set in some shells, would make every run
    compile every module again).
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    return env


# Fills a data folder with the code on PYTHONPATH (another checkout's, for --compare-with).
FILL = (
    "import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path; "
    "from ui import fill_store; "
    "fill_store(Path(sys.argv[1]), sys.argv[5], int(sys.argv[3]), int(sys.argv[4]))"
)
SHAPES = ("planned", "invitations")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell")


def invitations_ics(count: int, seed: int, today: date) -> str:
    """`count` employers' invitations (as Google Calendar sends them), from 400 days before
    `today` to 30 days after it: imported, their follow-ups are mostly overdue."""
    import random

    rng = random.Random(seed)
    events: list[str] = []
    for n in range(count):
        day = today - timedelta(days=rng.randrange(-30, 400))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        hour, minutes = rng.randrange(13, 21), rng.choice((30, 45, 60))
        start = f"{day:%Y%m%d}T{hour:02d}0000Z"
        end_hour, end_minute = hour + minutes // 60, minutes % 60
        company = f"{rng.choice(COMPANIES)} {n}"
        role = rng.choice(("Engineer", "Designer", "Analyst", "Manager"))
        events.append(
            "BEGIN:VEVENT\r\n"
            f"UID:bench-{seed}-{n}@calendar.example\r\nDTSTAMP:{day:%Y%m%d}T080000Z\r\n"
            f"DTSTART:{start}\r\nDTEND:{day:%Y%m%d}T{end_hour:02d}{end_minute:02d}00Z\r\n"
            f"SUMMARY:Interview with {company} - {role}\r\n"
            f"ORGANIZER;CN=Ana Diaz:mailto:ana@c{n}.example\r\n"
            "ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@mail.example\r\n"
            "DESCRIPTION:Join: https://meet.google.com/abc-defg-hij\r\n"
            "SEQUENCE:0\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n"
        )
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN"
        f"\r\nMETHOD:REQUEST\r\n{''.join(events)}END:VCALENDAR\r\n"
    )


def fill_store(data_dir: Path, shape: str, count: int, seed: int) -> None:
    """A data folder of `count` interviews: bench/plan.py's (`planned`), or employers'
    invitations imported from an .ics file as File > Import does (`invitations`)."""
    from followthrough.store import open_store
    from plan import USER_ZONE, fill

    store, _warnings = open_store(data_dir)
    try:
        store.set_setting("timezone", USER_ZONE)
        store.set_setting("country", "US")
        if shape == "invitations":
            from followthrough.ical.ics_import import import_file

            store.conn.execute("PRAGMA synchronous=OFF")  # set-up: durability is not measured
            path = data_dir.parent / f"{data_dir.name}-invitations.ics"
            path.write_text(invitations_ics(count, seed, date.today()), encoding="utf-8")
            try:
                import_file(store, path)
            finally:
                path.unlink()
        else:
            fill(store, count, seed)
    finally:
        store.close()


def run_ms(command: list[str], extra: dict[str, str] | None = None) -> float:
    done = subprocess.run(
        command, capture_output=True, text=True, env={**environment(), **(extra or {})},
        timeout=300, check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def child(data_dir: Path, runs: int) -> None:
    """In a process of its own: open the window, switch, report timings and memory as JSON."""
    from datetime import timedelta

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from followthrough.store import open_store
    from followthrough.ui.calendar.widget import AGENDA, MONTH, WEEK
    from followthrough.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    store, warnings = open_store(data_dir)
    window = MainWindow(store, warnings)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    calendar = window.calendar
    calendar.set_view(MONTH)
    calendar.set_date(START)
    # Switching is timed in a window that has settled: what it reads in the background after
    # its first paint (the pipeline, then every step ahead) is done.
    pipeline = window.side_panel.pipeline_model
    deadline = time.perf_counter() + 60
    while pipeline.loading and time.perf_counter() < deadline:  # started after the first paint
        app.processEvents()
        time.sleep(0.01)
    pipeline.wait()
    app.processEvents()

    class Paints(QObject):
        """Counts the paint events of the views and their parts (to see that one happened)."""

        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    for name in (MONTH, WEEK, AGENDA):
        view = calendar.view(name)
        for widget in [view, *view.findChildren(QWidget)]:
            widget.installEventFilter(paints)

    def timed(action: object) -> float:
        """One user action until its result is painted: no forced repaint, just the events
        the action posted (layout, update requests) handled as the event loop would."""
        paints.count = 0
        began = time.perf_counter()
        action()  # type: ignore[operator]
        app.sendPostedEvents()
        app.processEvents()
        elapsed = (time.perf_counter() - began) * 1000
        if paints.count == 0:
            raise SystemExit("the view was not painted after the action: nothing was measured")
        return elapsed

    def pause() -> None:
        """What a user's next click leaves the window: a moment of idle event loop."""
        until = time.perf_counter() + 0.4
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.01)

    months = [timed(lambda: calendar.step_period(1)) for _ in range(FORWARD)]
    paused: list[float] = []
    calendar.set_date(START)  # then the months before it, each after a pause
    app.processEvents()
    for _ in range(BACKWARD):
        pause()
        paused.append(timed(lambda: calendar.step_period(-1)))
    views: dict[str, list[float]] = {WEEK: [], AGENDA: [], MONTH: []}
    calendar.set_date(START + timedelta(days=60))  # a busy period for every view
    app.processEvents()
    for _ in range(runs):
        for name in (WEEK, AGENDA, MONTH):
            views[name].append(timed(lambda n=name: calendar.set_view(n)))
    with open("/proc/self/status", encoding="ascii") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    print(json.dumps({"months": months, "paused": paused, "views": views, "rss_kb": rss}),
          flush=True)
    store.close()
    os._exit(0)  # measured: skip tearing the widgets down


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--interviews", type=int, default=1000, metavar="N")
    parser.add_argument("--runs", type=int, default=5, metavar="R")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--shape", choices=SHAPES, default="planned",
                        help="planned: bench/plan.py's interviews; invitations: employers' "
                        "invitations imported from an .ics file (their follow-ups mostly overdue)")
    parser.add_argument("--store", type=Path, metavar="DIR",
                        help="the data folder to use: filled first when it holds nothing (a "
                        "store of 5,000 interviews takes minutes to fill), else used as it is")
    parser.add_argument("--compare-with", type=Path, metavar="DIR",
                        help="another checkout whose start-up is timed in the same turns")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.runs)
        return 0
    from followthrough.ical.export import Exporter
    from followthrough.store import open_store, utc_text
    from plan import _cores

    print(f"Python {platform.python_version()} on {platform.platform()}, {_cores()} cores")
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        data_dir = args.store.resolve() if args.store else Path(folder) / "data"
        if not (data_dir.is_dir() and any(data_dir.iterdir())):
            fill_store(data_dir, args.shape, args.interviews, args.seed)
        store, _warnings = open_store(data_dir)
        events = len(Exporter(store).event_files())
        overdue = store.step_count(status="planned", high=utc_text(datetime.now(UTC)))
        interviews = len(store.interview_index())
        store.close()
        print(f"set-up: {interviews} interviews ({args.shape}), {events} events, "
              f"{overdue} follow-ups overdue")

        app = [sys.executable, "-m", "followthrough", "--data-dir", str(data_dir)]
        other: dict[str, str] = {}
        other_app: list[str] = []
        if args.compare_with is not None:
            other = {"PYTHONPATH": str(args.compare_with.resolve() / "desktop")}
            other_dir = Path(folder) / "compared"
            subprocess.run(
                [sys.executable, "-c", FILL, str(other_dir), str(Path(__file__).parent),
                 str(args.interviews), str(args.seed), args.shape],
                env={**environment(), **other}, check=True, timeout=600,
            )
            other_app = [sys.executable, "-m", "followthrough", "--data-dir", str(other_dir)]
            run_ms([*other_app, "--exit-when-ready"], other)
        run_ms([*app, "--exit-when-ready"])  # warm the disk cache and Python's bytecode
        run_ms([sys.executable, "-c", BARE])
        # One of each in turn, so that all see the machine as it is at that moment.
        ours: list[float] = []
        bare: list[float] = []
        theirs: list[float] = []
        for _ in range(args.runs):
            ours.append(run_ms([*app, "--exit-when-ready"]))
            bare.append(run_ms([sys.executable, "-c", BARE]))
            if other_app:
                theirs.append(run_ms([*other_app, "--exit-when-ready"], other))
        ratio = statistics.median(ours) / statistics.median(bare)
        print(
            f"start-up to a responsive window: median {statistics.median(ours):.0f} ms, "
            f"{ratio:.2f}x the bare QMainWindow (target {START_RATIO:g}x)"
        )
        print(f"  runs: {', '.join(f'{t:.0f}' for t in ours)} ms")
        print(f"  baseline, a bare QMainWindow: median {statistics.median(bare):.0f} ms")
        print(f"  runs: {', '.join(f'{t:.0f}' for t in bare)} ms")
        if theirs:
            print(
                f"  {args.compare_with}: median {statistics.median(theirs):.0f} ms, "
                f"{statistics.median(theirs) / statistics.median(bare):.2f}x the bare "
                f"QMainWindow; this checkout {statistics.mean(ours) - statistics.mean(theirs):+.1f}"
                " ms on average"
            )
            print(f"  runs: {', '.join(f'{t:.0f}' for t in theirs)} ms")

        done = subprocess.run(
            [sys.executable, __file__, "--child", str(data_dir), "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            env=environment(),
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-3000:])
            return 1
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    months = figures["months"]
    print(
        f"next month (month view), one after another: median {statistics.median(months):.1f} ms "
        f"(target {SWITCH_MS:g} ms); runs: {', '.join(f'{t:.1f}' for t in months)}"
    )
    paused = figures["paused"]
    print(
        f"previous month after a pause of 0.4 s: median {statistics.median(paused):.1f} ms; "
        f"runs: {', '.join(f'{t:.1f}' for t in paused)}"
    )
    for name, times in figures["views"].items():
        print(
            f"switch to {name} view: median {statistics.median(times):.1f} ms "
            f"(target {SWITCH_MS:g} ms); runs: {', '.join(f'{t:.1f}' for t in times)}"
        )
    rss = figures["rss_kb"] / 1024
    print(f"resident memory with the window open: {rss:.0f} MB (target {MEMORY_MB:g} MB)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())

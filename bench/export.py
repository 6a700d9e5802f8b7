"""Exporting 1,000 interviews (about 7,000 events) to iCalendar, against bare icalendar.

Run from the repo root:

    .venv/bin/python bench/export.py [--interviews N] [--runs R] [--seed S] [--store DIR]

It fills a temporary data folder as bench/plan.py does, then prints, each as the median of R runs
(the cold export and its baseline, and the two whole processes, timed in turn, so that a change
in the machine's load falls on both sides alike):

1. cold export: a fresh `Exporter` (nothing cached) builds the whole .ics from the store:
   reading the store, drafting each step's message, mapping, time zones, serializing;
2. the baseline: bare `icalendar` building the same events (the same properties and values,
   taken from the exported file beforehand) and serializing them;
3. re-export with nothing changed, with the same `Exporter` (unchanged events' bytes are kept);
4. the whole process a user runs, `followthrough export FILE`, against `python -c "import
   icalendar"` (the floor of any Python program that writes iCalendar with it).

Targets: cold export within 1.2x of the baseline; unchanged re-export under 0.1 s; a cold
export of 5,000 interviews no slower per event than of 1,000 (the time per 1,000 events is
printed). `--store DIR` fills DIR once (5,000 interviews take minutes) and uses it after.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from icalendar import Calendar, Event

from followthrough.ical.export import Exporter
from plan import _cores, bench_store, fill, timed
from timing import interleaved, process

RATIO_TARGET = 1.2
UNCHANGED_TARGET = 0.1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--interviews", type=int, default=1000, metavar="N")
    parser.add_argument("--runs", type=int, default=5, metavar="R")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--store", type=Path, metavar="DIR",
                        help="the data folder to use: filled first when it holds nothing, "
                        "else used as it is")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.platform()}, {_cores()} cores")
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        data_dir = args.store.resolve() if args.store else Path(folder) / "data"
        filled = data_dir.is_dir() and any(data_dir.iterdir())
        store = bench_store(data_dir)
        if not filled:
            fill(store, args.interviews, args.seed)
        store.conn.execute("PRAGMA synchronous=FULL")
        interviews = len(store.interview_index())

        sample = Exporter(store).ics()
        parsed = Calendar.from_ical(sample)
        events = [
            [(name, ev.decoded(name) if name in ("DTSTART", "DTEND") else value)
             for name, value in ev.property_items(recursive=False)
             if name not in ("BEGIN", "END")]
            for ev in parsed.walk("VEVENT")
        ]
        print(f"set-up: {interviews} interviews, {len(events)} events, "
              f"{len(sample) / 1_048_576:.1f} MB of iCalendar")

        def baseline() -> bytes:
            cal = Calendar()
            cal.add("PRODID", "-//bench//EN")
            cal.add("VERSION", "2.0")
            for props in events:
                event = Event()
                for name, value in props:
                    event.add(name, value)
                cal.add_component(event)
            return cal.to_ical()

        def cold() -> bytes:
            return Exporter(store).ics()

        warm_exporter = Exporter(store)
        warm_exporter.ics()

        def unchanged() -> bytes:
            return warm_exporter.ics()

        base_times, cold_times = interleaved(args.runs, (baseline, cold))
        base = statistics.median(base_times)
        cold_median = statistics.median(cold_times)
        warm_times = timed(args.runs, unchanged)
        warm_median = statistics.median(warm_times)
        assert unchanged() == cold()
        print(f"baseline, bare icalendar builds and serializes the events: median {base:.3f} s")
        print(f"cold export: median {cold_median:.3f} s over {len(cold_times)} runs "
              f"({cold_median / base:.2f}x the baseline; target {RATIO_TARGET}x; "
              f"{cold_median / len(events) * 1000:.3f} s per 1,000 events)")
        print(f"  runs: {', '.join(f'{t:.3f}' for t in cold_times)} s")
        print(f"re-export with nothing changed: median {warm_median:.3f} s over "
              f"{len(warm_times)} runs (target {UNCHANGED_TARGET} s, "
              f"{warm_median / UNCHANGED_TARGET:.2f}x)")
        print(f"  runs: {', '.join(f'{t:.3f}' for t in warm_times)} s")
        store.close()
        program = Path(sys.executable).with_name("followthrough")
        whole, floor = interleaved(args.runs, (
            process([str(program), "--data-dir", str(data_dir), "export", f"{folder}/out.ics"]),
            process([sys.executable, "-c", "import icalendar"]),
        ))  # fmt: skip
        print(f"whole process, followthrough export: median {statistics.median(whole):.3f} s "
              f"({statistics.median(whole) / statistics.median(floor):.1f}x python -c "
              f"'import icalendar', median {statistics.median(floor):.3f} s)")
    return 0


if __name__ == "__main__":
    began = time.perf_counter()
    code = main()
    print(f"total {time.perf_counter() - began:.0f} s")
    raise SystemExit(code)

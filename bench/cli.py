"""The command line at 1,000 interviews: `interview list`, `plan` and `plan --json`, whole.

Run from the repo root:

    .venv/bin/python bench/cli.py [--interviews N] [--runs R] [--seed S] [--keep FOLDER]

It fills a data folder as bench/plan.py does (a temporary one, or FOLDER with --keep, which is
reused when it already holds a store, so that a profiler can be pointed at it:
`FOLLOWTHROUGH_DATA_DIR=FOLDER python -X importtime -m followthrough plan`), then times each
command as the user meets it, a process of its own from start to exit (`python -m
followthrough COMMAND`, the data folder given by FOLLOWTHROUGH_DATA_DIR, the output sent to
/dev/null), against the baseline, a process that only imports icalendar (`python -c "import
icalendar"`). The baseline and the commands are run in turn, R rounds, so that each figure
meets the machine as the others do. It prints each one's median and its ratio to the
baseline's (target: within 2x for `interview list` and `plan`; `plan --json` is shown beside
them), and the same for the CPU time each process used (user and system), which other work on
the machine disturbs less. Every process starts from compiled bytecode, as an installed app
does; the exit status is 1 when a target is missed.

`--compare-with DIR` also times another checkout's commands (its `desktop/` folder, for
example `git archive HEAD desktop bench | tar -x -C DIR`), in the same rounds, on a store that
its own bench/plan.py fills next to the first (FOLDER-compared).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plan import arguments, bench_store, fill

RATIO = 2.0  # `interview list` and `plan` within this many times the baseline's time
TARGETED = ("interview list", "plan")  # plan --json has none: it writes 3.5 MB of JSON
DESKTOP = Path(__file__).resolve().parent.parent / "desktop"
BASELINE = ("-c", "import icalendar")
COMMANDS = {
    "interview list": ("interview", "list"),
    "plan": ("plan",),
    "plan --json": ("plan", "--json"),
}


def run_once(argv: tuple[str, ...], env: dict[str, str]) -> tuple[float, float]:
    """Seconds one process takes, from start to exit, and the CPU seconds it used (user and
    system: what other work on the machine changes least); fails on a non-zero exit."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(argv)} failed (exit {child.returncode})")
    return took, usage.ru_utime + usage.ru_stime


def prepared(folder: Path, count: int, seed: int, other: Path | None = None) -> None:
    """A store of `count` interviews in `folder`, unless one is there already; filled by the
    checkout `other`'s code when given."""
    if (folder / "followthrough.db").exists():
        print(f"set-up: the store in {folder} as it is")
        return
    if other is not None:  # that checkout's schema and bench/plan.py, in a process of its own
        code = (
            "import sys; from pathlib import Path; sys.path[:0] = sys.argv[1:3]; "
            "from plan import bench_store, fill; "
            "store = bench_store(Path(sys.argv[3])); fill(store, int(sys.argv[4]), "
            "int(sys.argv[5])); store.close()"
        )
        where = [str(other / "bench"), str(other / "desktop"), str(folder), str(count), str(seed)]
        subprocess.run([sys.executable, "-c", code, *where], check=True)
        print(f"set-up: {count} interviews in {folder} by {other}'s code")
        return
    folder.mkdir(parents=True, exist_ok=True)
    store = bench_store(folder)
    began = time.perf_counter()
    recorded = fill(store, count, seed)
    print(
        f"set-up: {count} interviews, {recorded} activities, {len(store.steps())} steps "
        f"in {time.perf_counter() - began:.1f} s"
    )
    store.close()


def measure(folder: Path, runs: int, other: Path | None) -> dict[str, list[tuple[float, float]]]:
    """Each command's times and the baseline's (and the other checkout's), run in turn `runs`
    times after one warm-up."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    jobs: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {"import icalendar": (BASELINE, base)}
    for desktop, data, label in ((DESKTOP, folder, ""), (other, compared(folder), "before: ")):
        if desktop is None:
            continue
        if label:
            desktop = desktop / "desktop"
        compileall.compile_dir(desktop, quiet=1)
        env = {**base, "PYTHONPATH": str(desktop), "FOLLOWTHROUGH_DATA_DIR": str(data)}
        for name, argv in COMMANDS.items():
            jobs[label + name] = (("-m", "followthrough", *argv), env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    for argv, env in jobs.values():
        run_once(argv, env)  # warm: bytecode written, files in the page cache
    names = list(jobs)
    for run in range(runs):  # in turn, each round starting one further (as timing.interleaved)
        for offset in range(len(names)):
            name = names[(run + offset) % len(names)]
            times[name].append(run_once(*jobs[name]))
    return times


def compared(folder: Path) -> Path:
    return folder.with_name(folder.name + "-compared")


def main(argv: list[str] | None = None) -> int:
    def more(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--keep", type=Path, metavar="FOLDER", help="the data folder to use")
        parser.add_argument("--compare-with", type=Path, metavar="DIR", help="another checkout")

    args = arguments(__doc__, argv, "interviews", runs=7, more=more)
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as temporary:
        folder = (args.keep or Path(temporary) / "data").resolve()
        other = args.compare_with.resolve() if args.compare_with else None
        prepared(folder, args.interviews, args.seed)
        if other is not None:
            prepared(compared(folder), args.interviews, args.seed, other)
        times = measure(folder, args.runs, other)
    base = statistics.median(w for w, _cpu in times["import icalendar"])
    base_cpu = statistics.median(cpu for _w, cpu in times["import icalendar"])
    failed = False
    for name, taken in times.items():
        median = statistics.median(w for w, _cpu in taken)
        cpu = statistics.median(c for _w, c in taken)
        ratio = median / base
        verdict = ""
        if name != "import icalendar":
            target = f" (target {RATIO:g}x)" if name in TARGETED else ""
            verdict = f", {ratio:.2f}x{target}; CPU {cpu / base_cpu:.2f}x"
        failed |= ratio > RATIO and name in TARGETED
        print(f"{name}: median {median:.3f} s over {len(taken)} runs (CPU {cpu:.3f} s){verdict}")
        print(f"  runs: {', '.join(f'{w:.3f}' for w, _cpu in taken)} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Planning and loading 1,000 interviews: the planner's speed and the store's start-up read.

Run from the repo root:

    .venv/bin/python bench/plan.py [--interviews N] [--runs R] [--seed S] [--compare-with DIR]

It fills a temporary data folder with N interviews (varied companies, one to three interviewers,
some stated decision dates, every built-in playbook and pace, a few activities each), then prints
two figures, each the median of R runs against its target:

1. planning every interview with `followthrough.core.cadence.plan` and one shared WorkCalendar
   (the interviews, activities and playbooks are read beforehand; only the planner is timed);
2. loading at start-up: a fresh `open_store(folder)`, then `store.interviews()` and
   `store.steps()`.

The planner runs compiled when `make native` (which `make run` and `make test` run first) has
compiled it for the sources as they are, as the packaged app ships it; else from its Python
sources (followthrough/core/compiled.py). The line "planner:" says which.

`--compare-with DIR` also plans with another checkout's code (its `desktop/` folder, for
example a `git worktree` of an earlier commit), in a process of its own that fills its own
store the same way, one run of each in turn, so that both are measured on the machine as it
is at that moment; it prints that checkout's median and the ratio of the two medians, of each
turn's two runs (their median) and of the fastest runs. `--compare-with-sources` compares the
same way with this checkout's own Python sources (FOLLOWTHROUGH_PURE_PYTHON=1).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followthrough.core import workdays
from followthrough.core.cadence import plan
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
)
from followthrough.core.playbooks import Playbook
from followthrough.core.workdays import WorkCalendar
from followthrough.store import Store, open_store

# Seconds for 1,000 interviews; scaled in proportion for another --interviews.
PLAN_TARGET = 0.2
LOAD_TARGET = 0.2

USER_ZONE = "America/New_York"
ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell")
NAMES = ("Ana Diaz", "Bo Li", "Chen Wu", "Dee Okafor", "Eli Cohen", "Fay Moss", "Gus Patel")


def make_interview(rng: random.Random, n: int, playbooks: list[str]) -> Interview:
    zone = ZoneInfo(rng.choice(ZONES))
    day = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 600))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime(day.year, day.month, day.day, rng.randrange(9, 16), 0, tzinfo=zone)
    end = start + timedelta(minutes=rng.choice((30, 45, 60, 90)))
    people = tuple(
        Interviewer(
            name=rng.choice(NAMES),
            email=f"p{k}@{n}.example" if rng.random() < 0.8 else "",
            phone="+1 212 555 0100" if rng.random() < 0.3 else "",
            key=f"p{k}",
        )
        for k in range(1, rng.randint(1, 3) + 1)
    )
    decision = day + timedelta(days=rng.randrange(5, 30)) if rng.random() < 0.3 else None
    return Interview(
        id="",
        company=f"{rng.choice(COMPANIES)} {n}",
        role=rng.choice(("Engineer", "Designer", "Analyst", "Manager")),
        interviewers=people,
        start=start,
        end=end,
        tz=zone.key,
        channel=rng.choice(list(Channel)),
        decision_date=decision,
        pace=rng.choice(list(Pace)),
        playbook=rng.choice(playbooks),
        round=rng.randint(1, 3),
        topics=("the roadmap",) if rng.random() < 0.5 else (),
    )


def activities_for(rng: random.Random, interview: Interview, keys: list[str]) -> list[Activity]:
    """Zero to four things that happened after the interview, in time order."""
    at = interview.end
    acts: list[Activity] = []
    for _ in range(rng.randint(0, 4)):
        at += timedelta(hours=rng.randrange(3, 96))
        kind = rng.choice((ActivityKind.DONE, ActivityKind.DONE, ActivityKind.MOVE,
                           ActivityKind.SKIP, ActivityKind.REPLY, ActivityKind.DELAY))  # fmt: skip
        if kind is ActivityKind.DELAY:
            until = at.date() + timedelta(days=rng.randrange(3, 21))
            acts.append(Activity(kind, at, until=until))
        elif kind is ActivityKind.REPLY:
            acts.append(Activity(kind, at, note="They will be in touch."))
        elif kind is ActivityKind.MOVE:
            to = at + timedelta(days=rng.randrange(1, 10), hours=rng.randrange(0, 5))
            acts.append(Activity(kind, at, step=rng.choice(keys), to=to))
        else:
            acts.append(Activity(kind, at, step=rng.choice(keys), how="email"))
    if rng.random() < 0.15:
        at += timedelta(days=rng.randrange(1, 20))
        acts.append(Activity(ActivityKind.OUTCOME, at, outcome=rng.choice(list(Outcome))))
    return acts


def fill(store: Store, count: int, seed: int) -> int:
    """Add `count` interviews and their activities through the store; returns the activities."""
    rng = random.Random(seed)
    playbooks = ["", *sorted(store.library.playbooks)]
    # Durability is not what is measured here: skip the fsync of each of the set-up transactions.
    store.conn.execute("PRAGMA synchronous=OFF")
    recorded = 0
    for n in range(count):
        interview = store.add_interview(make_interview(rng, n, playbooks))
        keys = [s.step.key for s in store.steps(interview.id)]
        for activity in activities_for(rng, interview, keys):
            store.record(interview.id, activity)
            recorded += 1
    return recorded


def timed(runs: int, job: Callable[[], object]) -> list[float]:
    times: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        job()
        times.append(time.perf_counter() - began)
    return times


def report(what: str, times: list[float], target: float) -> None:
    median = statistics.median(times)
    print(
        f"{what}: median {median:.3f} s over {len(times)} runs "
        f"(target {target:g} s, {median / target:.2f}x)"
    )
    print(f"  runs: {', '.join(f'{t:.3f}' for t in times)} s")


def arguments(
    doc: str | None,
    argv: list[str] | None,
    size: str,
    runs: int,
    more: Callable[[argparse.ArgumentParser], object] | None = None,
    default: int = 1000,
) -> argparse.Namespace:
    """A benchmark's command line: --<size> N (`default`), --runs R (`runs`), --seed S (2026),
    and what `more` adds to the parser.

    Then prints the Python, platform and core count the figures below were measured on.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument(f"--{size}", type=int, default=default, metavar="N")
    parser.add_argument("--runs", type=int, default=runs, metavar="R")
    parser.add_argument("--seed", type=int, default=2026)
    if more is not None:
        more(parser)
    args = parser.parse_args(argv)
    if getattr(args, size) < 1 or args.runs < 1:
        parser.error(f"--{size} and --runs must be at least 1")
    print(f"Python {platform.python_version()} on {platform.platform()}, {_cores()} cores")
    return args


def bench_store(folder: Path) -> Store:
    """A store in `folder` (warnings on stderr) whose user is in New York: time, holidays."""
    store, warnings = open_store(folder)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    store.set_setting("timezone", USER_ZONE)
    store.set_setting("country", "US")
    store.set_setting("subdivision", "NY")
    return store


def engine() -> str:
    """What runs the planner: compiled or its sources (and why), as the smoke test says it;
    a checkout from before the compiled planner (a --compare-with baseline) has only sources."""
    try:
        from followthrough.core.compiled import running
    except ImportError:
        return "Python sources"
    return running()


def planner(data_dir: Path, count: int, seed: int) -> tuple[Callable[[], None], int, int]:
    """Fill a store in `data_dir` with `count` interviews and read back what the planner needs:
    (plan them all with one new WorkCalendar, the interviews, the steps stored); prints the set-up.
    """
    store = bench_store(data_dir)
    began = time.perf_counter()
    recorded = fill(store, count, seed)
    steps = len(store.steps())
    print(
        f"set-up: {count} interviews, {recorded} activities, {steps} steps "
        f"in {time.perf_counter() - began:.1f} s"
    )
    print(f"planner: {engine()}")
    settings = store.settings()
    work: list[tuple[Interview, list[Activity], Playbook]] = [
        (iv, store.activities(iv.id), store.playbook_for(iv)) for iv in store.interviews()
    ]
    store.close()

    def plan_all() -> None:
        calendar = WorkCalendar(settings)
        for interview, activities, book in work:
            plan(interview, activities, settings, book, calendar)

    return plan_all, len(work), steps


class Baseline:
    """Another checkout planning in a process of its own (`--serve`), one run when asked."""

    def __init__(
        self, checkout: Path, count: int, seed: int, pure_python: bool = False
    ) -> None:
        self.checkout = checkout
        self.engine = ""  # its "planner:" line
        env = {**os.environ, "PYTHONPATH": str(checkout.resolve() / "desktop")}
        if pure_python:  # this checkout's own sources (it has the compiled planner)
            from followthrough.core.compiled import PURE_PYTHON

            env[PURE_PYTHON] = "1"
        command = [sys.executable, __file__, "--serve", "--interviews", str(count),
                   "--seed", str(seed)]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:  # its set-up, then "ready"
            if line.startswith("planner: "):
                self.engine = line.removeprefix("planner: ").strip()
            if line.strip() == "ready":
                return
        raise RuntimeError(f"the planner of {checkout} did not start")

    def run(self) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("plan\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def serve(count: int, seed: int) -> None:
    """--serve: set up as main does, then time one planning run for each line on stdin."""
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        plan_all, _count, _steps = planner(Path(folder), count, seed)
        print("ready", flush=True)
        for _line in sys.stdin:
            (seconds,) = timed(1, plan_all)
            print(repr(seconds), flush=True)


def compare_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare-with",
        type=Path,
        metavar="DIR",
        help="another checkout whose planning is timed in the same turns",
    )
    parser.add_argument(
        "--compare-with-sources",
        action="store_true",
        help="compare with this checkout's planner run from its Python sources",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, argv, "interviews", runs=5, more=compare_option)
    if args.serve:
        serve(args.interviews, args.seed)
        return 0
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        data_dir = Path(folder)
        plan_all, count, steps = planner(data_dir, args.interviews, args.seed)
        scale = count / 1000
        if args.compare_with is None and not args.compare_with_sources:
            report(f"plan {count} interviews", timed(args.runs, plan_all), PLAN_TARGET * scale)
        else:
            checkout = args.compare_with or Path(__file__).resolve().parent.parent
            baseline = Baseline(checkout, args.interviews, args.seed, args.compare_with_sources)
            ours: list[float] = []
            theirs: list[float] = []
            for turn in range(args.runs):  # one of each in turn, each going first every other turn
                if turn % 2:
                    theirs.append(baseline.run())
                ours.extend(timed(1, plan_all))
                if not turn % 2:
                    theirs.append(baseline.run())
            baseline.close()
            report(f"plan {count} interviews", ours, PLAN_TARGET * scale)
            ratio = statistics.median(ours) / statistics.median(theirs)
            # On a busy machine the load changes from turn to turn: each turn's ratio and the
            # fastest runs say more than the medians' ratio.
            turns = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
            print(
                f"  {checkout} ({baseline.engine}), in the same turns: median "
                f"{statistics.median(theirs):.3f} s; this checkout takes {ratio:.2f}x its time "
                f"(turn by turn: median {turns:.2f}x; fastest runs: "
                f"{min(ours) / min(theirs):.2f}x)"
            )
            print(f"  runs: {', '.join(f'{t:.3f}' for t in theirs)} s")
        workdays._HOLIDAY_CACHE.clear()  # as after a change of country: the holidays are re-read
        workdays._KNOWN.clear()  # and the working days and hours worked out for the old one
        (cold,) = timed(1, plan_all)
        print(f"  one more run with the public-holiday cache emptied first: {cold:.3f} s")

        def load() -> None:
            fresh, _warnings = open_store(data_dir)
            try:
                assert len(fresh.interviews()) == count
                assert len(fresh.steps()) == steps
            finally:
                fresh.close()

        report(f"load {count} interviews at start-up", timed(args.runs, load), LOAD_TARGET * scale)
    return 0


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Planning and loading 1,000 interviews: the planner's speed and the store's start-up read.

Run from the repo root:

    .venv/bin/python bench/plan.py [--interviews N] [--runs R] [--seed S]

It fills a temporary data folder with N interviews (varied companies, one to three interviewers,
some stated decision dates, every built-in playbook and pace, a few activities each), then prints
two figures, each the median of R runs against its target:

1. planning every interview with `followthrough.core.cadence.plan` and one shared WorkCalendar
   (the interviews, activities and playbooks are read beforehand; only the planner is timed);
2. loading at start-up: a fresh `open_store(folder)`, then `store.interviews()` and
   `store.steps()`.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
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
) -> argparse.Namespace:
    """A benchmark's command line: --<size> N (1,000), --runs R (`runs`), --seed S (2026), and
    what `more` adds to the parser.

    Then prints the Python, platform and core count the figures below were measured on.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument(f"--{size}", type=int, default=1000, metavar="N")
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


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, argv, "interviews", runs=5)
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        data_dir = Path(folder)
        store = bench_store(data_dir)
        began = time.perf_counter()
        recorded = fill(store, args.interviews, args.seed)
        steps = len(store.steps())
        print(
            f"set-up: {args.interviews} interviews, {recorded} activities, {steps} steps "
            f"in {time.perf_counter() - began:.1f} s"
        )

        settings = store.settings()
        interviews = store.interviews()
        work: list[tuple[Interview, list[Activity], Playbook]] = [
            (iv, store.activities(iv.id), store.playbook_for(iv)) for iv in interviews
        ]
        store.close()

        def plan_all() -> None:
            calendar = WorkCalendar(settings)
            for interview, activities, book in work:
                plan(interview, activities, settings, book, calendar)

        def load() -> None:
            fresh, _warnings = open_store(data_dir)
            try:
                assert len(fresh.interviews()) == len(interviews)
                assert len(fresh.steps()) == steps
            finally:
                fresh.close()

        scale = len(interviews) / 1000
        report(f"plan {len(work)} interviews", timed(args.runs, plan_all), PLAN_TARGET * scale)
        workdays._HOLIDAY_CACHE.clear()  # as after a change of country: the holidays are re-read
        workdays._KNOWN.clear()  # and the working days and hours worked out for the old one
        (cold,) = timed(1, plan_all)
        print(f"  one more run with the public-holiday cache emptied first: {cold:.3f} s")
        report(
            f"load {len(interviews)} interviews at start-up",
            timed(args.runs, load),
            LOAD_TARGET * scale,
        )
    return 0


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main())

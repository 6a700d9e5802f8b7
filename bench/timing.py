"""Timing helpers the bench scripts share: jobs timed in turn, so that a change in the
machine's load falls on every job alike instead of flipping their ratio."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Sequence


def interleaved(runs: int, jobs: Sequence[Callable[[], object]]) -> list[list[float]]:
    """Time each job `runs` times, in turn (A B C, B C A, C A B, ...); the times per job."""
    times: list[list[float]] = [[] for _ in jobs]
    for run in range(runs):
        for offset in range(len(jobs)):
            which = (run + offset) % len(jobs)
            began = time.perf_counter()
            jobs[which]()
            times[which].append(time.perf_counter() - began)
    return times


def process(command: Sequence[str], env: dict[str, str] | None = None) -> Callable[[], object]:
    """A job that runs `command` as a whole process, as a user would, and checks it ends well."""

    def run() -> object:
        return subprocess.run(
            list(command), env=env, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    return run

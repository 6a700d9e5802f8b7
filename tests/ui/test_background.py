"""Background work beside the window: while any job runs, the collector does not run on its
own and what the window already holds is kept out of it (full collections held the event
loop 30 to 200 ms each during a long sync or an import), and threads take shorter turns (the
window's reads waited a whole turn per row), all given back when the last job ends."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from followthrough.store import Store, open_store
from followthrough.ui.background import Background
from followthrough.ui.collector import SWITCH_S


def test_objects_are_frozen_out_of_the_collector_while_jobs_run(
    qtbot: QtBot, tmp_path: Path
) -> None:
    open_store(tmp_path)[0].close()
    first, second = Background(tmp_path), Background(tmp_path)
    gates = [threading.Event(), threading.Event()]
    ended: list[str] = []
    assert gc.get_freeze_count() == 0

    frozen_during: list[int] = []
    collecting: list[bool] = []
    turns: list[float] = []
    usual = sys.getswitchinterval()

    kept: list[list[int]] = []  # made by the jobs, alive after them

    def waiting(gate: threading.Event) -> Callable[[Store], str]:
        def job(_store: Store) -> str:
            kept.append([len(kept)])
            frozen_during.append(gc.get_freeze_count())
            collecting.append(gc.isenabled())
            turns.append(sys.getswitchinterval())
            gate.wait(10)
            return "done"

        return job

    assert first.run(waiting(gates[0]), ended.append, ended.append)
    assert second.run(waiting(gates[1]), ended.append, ended.append)
    assert gc.get_freeze_count() > 0
    garbage: list[object] = []
    garbage.append(garbage)  # a cycle made while they run waits for a collection
    del garbage
    assert gc.collect() >= 1  # asked for, a collection runs
    gates[0].set()
    qtbot.waitUntil(lambda: len(ended) == 1)
    assert gc.get_freeze_count() > 0  # the other still runs
    gates[1].set()
    qtbot.waitUntil(lambda: len(ended) == 2)
    assert ended == ["done", "done"] and min(frozen_during) > 0
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # all given back
    # What the jobs made and left alive is not left young, for the next allocation to scan
    # at once, but joins the oldest generation.
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(made) in oldest for made in kept)
    assert collecting == [False, False]
    assert turns == [SWITCH_S, SWITCH_S] and sys.getswitchinterval() == usual
    first.wait()
    second.wait()


def test_a_failed_job_gives_the_objects_back_too(qtbot: QtBot, tmp_path: Path) -> None:
    open_store(tmp_path)[0].close()
    worker = Background(tmp_path)
    problems: list[str] = []

    def broken(_store: Store) -> None:
        raise ValueError("The file cannot be read.")

    assert worker.run(broken, problems.append, problems.append)
    qtbot.waitUntil(lambda: bool(problems))
    assert problems == ["The file cannot be read."]
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    worker.wait()


def test_the_calendar_reads_ahead_only_when_no_job_runs(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the months beside the one shown waits while a sync, an export or an import
    runs (on the UI thread beside one it took 0.27 to 0.3 s at 1,000 interviews), then
    happens."""
    from followthrough.ui.main_window import MainWindow
    from followthrough.ui.samples import add_sample_data

    store = open_store(tmp_path)[0]
    add_sample_data(store)  # the calendar is shown, not the first-run page
    window = MainWindow(store, [])
    qtbot.addWidget(window)
    window.show()
    calendar = window.calendar
    read: list[object] = []
    monkeypatch.setattr(calendar.cache, "prefetch", lambda *range_: read.append(range_))
    worker = Background(tmp_path)
    gate = threading.Event()
    ended: list[str] = []
    assert worker.run(lambda _store: gate.wait(10) and "done", ended.append, ended.append)
    calendar._prefetch()
    assert read == [] and calendar._prefetch_timer.isActive()  # again later
    gate.set()
    qtbot.waitUntil(lambda: bool(ended))
    qtbot.waitUntil(lambda: len(read) == 2, timeout=5000)  # the months before and after
    worker.wait()
    window.close()
    store.close()

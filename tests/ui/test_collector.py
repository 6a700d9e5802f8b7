"""The cyclic collector waits while the window starts and while background jobs run
(ui.collector), and runs again once both are over, whichever ends first."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from followthrough.ui import collector


@pytest.fixture(autouse=True)
def _collecting() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_start_up_holds_the_collector_until_resumed() -> None:
    collector.pause_for_start_up()
    assert not gc.isenabled()
    garbage = [[] for _ in range(1000)]
    del garbage
    collector.resume_after_start_up()
    assert gc.isenabled()
    assert gc.get_count()[0] < 1000  # what start-up made left the youngest generation
    collector.resume_after_start_up()  # again: nothing changes
    assert gc.isenabled()


@pytest.mark.parametrize("job_ends_first", [True, False])
def test_a_job_during_start_up_gives_the_collector_back_when_both_are_over(
    job_ends_first: bool,
) -> None:
    collector.pause_for_start_up()
    collector.hold_collector()  # a job starts before the first paint
    if job_ends_first:
        collector.release_collector()
        assert not gc.isenabled()  # the window is still starting
        collector.resume_after_start_up()
    else:
        collector.resume_after_start_up()
        assert not gc.isenabled()  # the job is still running
        collector.release_collector()
    assert gc.isenabled()
    assert not collector.jobs_running()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    collector.pause_for_start_up()
    collector.resume_after_start_up()
    assert not gc.isenabled()


def test_a_window_that_cannot_open_leaves_the_collector_running(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from followthrough.ui import import_scan
    from followthrough.ui.app import run_gui

    # PySide6's import hook stays as it is for the other tests (test_import_scan.py).
    monkeypatch.setattr(import_scan, "lighten", lambda: False)

    folder = tmp_path / "data"
    folder.write_text("not a folder", encoding="utf-8")  # the store cannot be opened
    assert run_gui(folder, exit_when_ready=True) == 1
    assert "followthrough:" in capsys.readouterr().err
    assert gc.isenabled()

"""The window shell: it opens on the user's store and shows the plan; start-up can be timed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from followthrough.core.model import Interview, Interviewer
from followthrough.store import open_store
from followthrough.ui.main_window import MainWindow


def _add_interview(data_dir: Path) -> None:
    store, _ = open_store(data_dir)
    end = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
    store.add_interview(
        Interview(id="", company="Acme", role="Engineer",
                  interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
                  start=end - timedelta(hours=1), end=end, tz="Europe/Paris")
    )
    store.close()


def test_empty_store_explains_the_first_step(qtbot: QtBot, tmp_path: Path) -> None:
    store, warnings = open_store(tmp_path)
    window = MainWindow(store, warnings)
    qtbot.addWidget(window)
    window.show()
    assert window.empty_label.isVisible()
    assert "interview" in window.empty_label.text()
    assert not window.plan_view.isVisible()
    store.close()


def test_window_lists_the_plan(qtbot: QtBot, tmp_path: Path) -> None:
    _add_interview(tmp_path)
    store, warnings = open_store(tmp_path)
    window = MainWindow(store, warnings)
    qtbot.addWidget(window)
    window.show()
    model = window.plan_model
    titles = [model.index(row, 1).data() for row in range(model.rowCount())]
    assert "Thank-you to Ana Diaz" in titles
    assert "Status check with Acme" in titles
    assert model.index(0, 2).data() == "Acme"
    assert window.plan_view.isVisible() and not window.empty_label.isVisible()
    store.close()


def test_exit_when_ready_opens_the_window_and_reports_startup(tmp_path: Path) -> None:
    _add_interview(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "followthrough", "--data-dir", str(tmp_path), "--exit-when-ready"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    milliseconds = float(result.stdout.strip().splitlines()[-1])
    assert 0 < milliseconds < 120_000

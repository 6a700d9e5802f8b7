"""Changes saved outside the window (the command line, a sync in another process, an import)
show in every view, panel and the status bar within two seconds, keeping the selection."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from window_helpers import shown_window

from followthrough.store import Store, open_store
from followthrough.ui.main_window import WATCH_MS
from one_interview import store_with_acme


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with store_with_acme(tmp_path / "data") as opened:
        yield opened


def test_what_the_command_line_saves_shows_within_two_seconds(
    qtbot: QtBot, store: Store
) -> None:
    window = shown_window(qtbot, store)
    (acme,) = store.interviews()
    window._select("interview", acme.id)  # the user is looking at Acme
    assert window.cache.interview_count == 1
    env = {**os.environ, "FOLLOWTHROUGH_DATA_DIR": str(store.path.parent)}
    added = subprocess.run(
        [sys.executable, "-m", "followthrough", "interview", "add", "--company", "Globex",
         "--role", "Analyst", "--start", "2026-11-24T10:00", "--end", "2026-11-24T11:00",
         "--tz", "Europe/Paris", "--interviewer", "Bo Li"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )
    globex = added.stdout.strip()
    qtbot.waitUntil(lambda: window.cache.interview_count == 2 and window.reloaded(),
                    timeout=2000 + WATCH_MS)
    assert window.counts.text().startswith("2 interviews")
    pipeline = window.side_panel.pipeline_model
    qtbot.waitUntil(lambda: pipeline.interview_index(globex).isValid(), timeout=2000)
    assert window._selected == ("interview", acme.id)  # still what the user was looking at


def test_a_reply_logged_elsewhere_updates_the_panels(qtbot: QtBot, store: Store) -> None:
    window = shown_window(qtbot, store)
    (acme,) = store.interviews()
    due_before = window.side_panel.today_model.total
    other, _ = open_store(store.path.parent)  # another process's connection
    try:
        from datetime import timedelta

        from followthrough.core.model import Activity, ActivityKind

        other.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: window.side_panel.today_model.total != due_before, timeout=2000 + WATCH_MS
    )


def test_nothing_saved_elsewhere_reads_nothing(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shown_window(qtbot, store)
    reloads: list[bool] = []
    monkeypatch.setattr(window, "reload", lambda **_kw: reloads.append(True))
    qtbot.wait(3 * WATCH_MS)
    assert reloads == []
    store.add_interview(replace(store.interviews()[0], id="", company="Initech"))  # its own
    qtbot.wait(2 * WATCH_MS)
    assert reloads == []  # its own saves are shown by the action that made them


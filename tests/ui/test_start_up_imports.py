"""What the window does not need for its first paint comes after it (issue 16): the planner,
the playbooks (their files and the TOML reader) and the List page are imported and read once
the window is on screen, and what was wrong with the user's playbooks is said then."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from calendar_data import add_interview
from pytestqt.qtbot import QtBot

from followthrough.store import open_store
from followthrough.ui.first_paint import after_first_paint
from followthrough.ui.main_window import MainWindow

# Opens the window on the folder given and prints, at its first paint, the modules imported.
FIRST_PAINT = r"""
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from followthrough.store import open_store
from followthrough.ui.first_paint import after_first_paint
from followthrough.ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
store, warnings = open_store(Path(sys.argv[1]), read_playbooks=False)
window = MainWindow(store, warnings)
seen = []
# Registered after the window's own: the first thing done once it is painted.
after_first_paint(window, lambda: (seen.extend(sys.modules), app.quit()))
window.show()
app.exec()
print(window.cache.interview_count)
print("\n".join(seen))
"""

LATER = (
    "followthrough.core.cadence",
    "followthrough.core.playbooks",
    "tomllib",
    "followthrough.ui.calendar.plan_list",
)

BROKEN = 'id = "mine"\nname = "Mine\n'  # an unclosed string


def _add(folder: Path) -> None:
    store, _ = open_store(folder)
    try:  # this month's: the window opens on it
        add_interview(store, end=datetime.now().astimezone().replace(microsecond=0))
    finally:
        store.close()


def test_the_first_paint_imports_no_planner_playbook_or_list(tmp_path: Path) -> None:
    _add(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )
    count, *modules = done.stdout.split()
    assert count == "1"  # the window did show the store
    assert "followthrough.ui.calendar.month" in modules  # and these are its modules
    assert [name for name in LATER if name in modules] == []


def test_playbooks_are_read_when_first_needed(tmp_path: Path) -> None:
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "mine.toml").write_text(BROKEN, encoding="utf-8")
    eager, warnings = open_store(tmp_path)
    eager.close()
    assert len(warnings) == 1 and "mine.toml" in warnings[0]
    store, later = open_store(tmp_path, read_playbooks=False)
    try:
        assert later == []
        assert callable(store._library)  # not read yet
        assert store.playbook_warnings() == warnings
        assert not callable(store._library)
        assert store.library.get("standard").name == "Standard"
        assert add_interview(store).id  # planned with the playbooks read then
        assert store.steps()
    finally:
        store.close()


def test_the_window_says_what_was_wrong_with_a_playbook_once_painted(
    qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "mine.toml").write_text(BROKEN, encoding="utf-8")
    store, warnings = open_store(tmp_path, read_playbooks=False)
    window = MainWindow(store, warnings)
    qtbot.addWidget(window)
    painted: list[str] = []
    after_first_paint(window, lambda: painted.append(window.statusBar().currentMessage()))
    window.show()
    qtbot.waitUntil(lambda: "mine.toml" in window.statusBar().currentMessage(), timeout=10_000)
    assert painted == [""]  # said after the first paint, not before it
    window.close()
    store.close()

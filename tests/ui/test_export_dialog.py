"""Export… from the window: everything, a range of dates or one interview, as the command line
offers; file dialogs that open in the documents folder, then where the last file was chosen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from calendar_data import PARIS, add_interview, clock, make_store
from PySide6.QtCore import QDate, QStandardPaths
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from followthrough.ical.export import Selection
from followthrough.store import Store
from followthrough.ui.export_dialog import ExportDialog
from followthrough.ui.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path / "data")
    yield store
    store.close()


def _window(qtbot: QtBot, store: Store) -> MainWindow:
    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_dialog_offers_everything_a_range_or_one_interview(
    qtbot: QtBot, store: Store
) -> None:
    acme = add_interview(store, "Acme")
    globex = add_interview(store, "Globex", end=datetime(2026, 11, 20, 11, tzinfo=PARIS))
    dialog = ExportDialog(store.interviews(), date(2026, 11, 25))
    qtbot.addWidget(dialog)
    assert dialog.everything.isChecked() and dialog.selection() == Selection()
    assert not dialog.start.isEnabled() and not dialog.interview.isEnabled()
    dialog.in_range.setChecked(True)
    assert dialog.start.isEnabled() and dialog.end.isEnabled()
    dialog.start.setDate(QDate(2026, 12, 1))
    dialog.end.setDate(QDate(2027, 1, 31))
    assert dialog.selection() == Selection(start=date(2026, 12, 1), end=date(2027, 1, 31))
    dialog.end.setDate(QDate(2026, 11, 1))  # before the start: said, not accepted
    dialog.accept()
    assert dialog.problem.text() == "The end date is before the start date."
    assert dialog.result() != ExportDialog.DialogCode.Accepted
    dialog.one.setChecked(True)
    names = [dialog.interview.itemText(i) for i in range(dialog.interview.count())]
    assert names[0].startswith("Acme") and names[1].startswith("Globex")  # the latest first
    dialog.interview.setCurrentIndex(1)
    assert dialog.selection() == Selection(interview_id=globex.id)
    # The sample is never offered: it stays on this computer.
    from followthrough.ui.samples import add_sample_interview

    sample = add_sample_interview(store)
    offered = ExportDialog(store.interviews(), date(2026, 11, 25), selected=sample.id)
    qtbot.addWidget(offered)
    assert offered.interview.findData(sample.id) < 0 and offered.everything.isChecked()
    # The interview selected in the window is the one offered.
    chosen = ExportDialog(store.interviews(), date(2026, 11, 25), selected=acme.id)
    qtbot.addWidget(chosen)
    assert chosen.one.isChecked() and chosen.selection() == Selection(interview_id=acme.id)


def test_export_one_interview_from_the_window_into_the_documents_folder_then_the_last_one(
    qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = add_interview(store, "Acme")
    add_interview(store, "Globex", end=datetime(2026, 11, 20, 11, tzinfo=PARIS))
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(documents))
    window = _window(qtbot, store)
    window.calendar.select_event("interview", acme.id)
    monkeypatch.setattr(ExportDialog, "exec", lambda self: ExportDialog.DialogCode.Accepted)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    asked: list[str] = []

    def save_as(_parent: Any, _title: str, start: str, _filter: str) -> tuple[str, str]:
        asked.append(start)
        return str(elsewhere / "acme.ics"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window.export_action.trigger()
    assert asked == [str(documents / "followthrough.ics")]
    target = elsewhere / "acme.ics"
    qtbot.waitUntil(target.exists, timeout=30_000)
    qtbot.waitUntil(lambda: window.export_action.isEnabled(), timeout=30_000)
    written = target.read_bytes()
    assert b"Acme" in written and b"Globex" not in written  # the selected interview only
    opened: list[str] = []

    def open_(_parent: Any, _title: str, start: str, _filter: str) -> tuple[str, str]:
        opened.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_)
    window.import_action.trigger()
    assert opened == [str(elsewhere)]  # where the last file was chosen

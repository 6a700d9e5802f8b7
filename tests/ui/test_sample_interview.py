"""The sample interview: marked as one, never synced, exported or published, removed with one
click (and Undo brings it back)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from calendar_data import add_interview, clock, make_store
from pytestqt.qtbot import QtBot

from followthrough.core.model import ValidationError
from followthrough.core.samples import is_sample
from followthrough.ical.export import Exporter, Selection
from followthrough.ical.mapping import interview_uid
from followthrough.store import Store
from followthrough.ui.main_window import MainWindow
from followthrough.ui.samples import add_sample_interview


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    yield store
    store.close()


def test_the_sample_is_never_exported_synced_or_published(store: Store) -> None:
    real = add_interview(store, "Globex")
    sample = add_sample_interview(store)
    assert is_sample(sample.id) and not is_sample(real.id)
    exporter = Exporter(store)
    written = exporter.ics()
    assert b"Globex" in written and b"Acme Analytics" not in written  # the file
    uids = set(exporter.event_files())  # what a sync sends
    assert interview_uid(real.id) in uids
    assert not any(sample.id in uid for uid in uids)
    assert not any(sample.id in uid for uid in exporter.versions())
    assert b"Acme Analytics" not in exporter.build_feed().data  # the feed, served or published
    with pytest.raises(ValidationError, match="sample"):
        exporter.ics(Selection(interview_id=sample.id))


def test_the_sample_is_marked_and_removed_with_one_click(qtbot: QtBot, store: Store) -> None:
    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.empty_state.sample_button.click()
    (sample,) = store.interviews()
    panel = window.detail_panel
    assert panel.sample_note.isVisible() and "never synced" in panel.sample_note.text()
    assert window.cache.event("interview", sample.id).title.endswith("(sample)")
    assert panel.remove_sample_button.isVisible() and not panel.delete_button.isVisible()
    panel.remove_sample_button.click()  # no question asked: Undo is there
    assert store.interviews() == []
    assert window.central.currentWidget() is window.empty_state
    window.undo_action.trigger()
    assert [iv.id for iv in store.interviews()] == [sample.id]


def test_a_real_interview_has_no_sample_mark(qtbot: QtBot, store: Store) -> None:
    real = add_interview(store, "Globex")
    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    window.show()
    window.calendar.select_event("interview", real.id)
    panel = window.detail_panel
    assert not panel.sample_note.isVisible() and not panel.remove_sample_button.isVisible()
    assert panel.delete_button.isVisible()

"""Autosaved drafts: one per step, replaced on each save, read back by another connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import Interview, Interviewer, ValidationError
from followthrough.store import DB_NAME, Store, open_store
from followthrough.store.drafts import SavedDraft, discard_draft, load_draft, save_draft

JHB = ZoneInfo("Africa/Johannesburg")
END = datetime(2026, 11, 23, 15, 0, tzinfo=JHB)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(tmp_path)
    yield opened
    opened.close()


def _interview(store: Store, company: str = "Acme") -> Interview:
    return store.add_interview(
        Interview(id="", company=company, role="Engineer",
                  interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
                  start=END - timedelta(hours=1), end=END, tz="Africa/Johannesburg")
    )  # fmt: skip


def _first_step(store: Store, interview: Interview) -> str:
    return store.steps(interview.id)[0].step.id


def test_no_draft_before_anything_is_saved(store: Store) -> None:
    step_id = _first_step(store, _interview(store))
    assert load_draft(store, step_id) is None  # the table does not even exist yet
    assert discard_draft(store, step_id) is False


def test_a_saved_draft_is_read_back_and_replaced(store: Store, tmp_path: Path) -> None:
    step_id = _first_step(store, _interview(store))
    before = datetime.now(UTC)
    saved = save_draft(store, step_id, "Thank you", "Dear Ana,\n\nThanks.\n")
    assert isinstance(saved, SavedDraft)
    loaded = load_draft(store, step_id)
    assert loaded is not None
    subject, body, updated = loaded
    assert (subject, body) == ("Thank you", "Dear Ana,\n\nThanks.\n")
    assert updated.tzinfo is not None and updated >= before - timedelta(seconds=1)
    save_draft(store, step_id, "Thanks again", "Second version\n")
    again = load_draft(store, step_id)
    assert again is not None and again[:2] == ("Thanks again", "Second version\n")
    # Committed: a second connection (another process, or the app after a crash) sees it.
    other = sqlite3.connect(tmp_path / DB_NAME)
    try:
        rows = other.execute("SELECT step_id, subject FROM drafts").fetchall()
    finally:
        other.close()
    assert rows == [(step_id, "Thanks again")]


def test_text_is_kept_exactly(store: Store) -> None:
    step_id = _first_step(store, _interview(store))
    body = "Zoë — “quotes”\r\n\ttab\n\n\n[topic] {company} '; DROP TABLE drafts; --\n"
    save_draft(store, step_id, "Ünïcode ✓", body)
    loaded = load_draft(store, step_id)
    assert loaded is not None and loaded[:2] == ("Ünïcode ✓", body)


def test_discard_forgets_only_that_step(store: Store) -> None:
    interview = _interview(store)
    first, second = (s.step.id for s in store.steps(interview.id)[:2])
    save_draft(store, first, "one", "1\n")
    save_draft(store, second, "two", "2\n")
    assert discard_draft(store, first) is True
    assert load_draft(store, first) is None
    loaded = load_draft(store, second)
    assert loaded is not None and loaded.subject == "two"


def test_an_unknown_step_cannot_have_a_draft(store: Store) -> None:
    _interview(store)
    with pytest.raises(ValidationError, match="no step"):
        save_draft(store, "nope.thank-you.p1", "x", "y")


def test_drafts_go_with_their_interview(store: Store) -> None:
    acme, globex = _interview(store), _interview(store, "Globex")
    save_draft(store, _first_step(store, acme), "a", "a\n")
    save_draft(store, _first_step(store, globex), "g", "g\n")
    store.delete_interview(acme.id)
    assert load_draft(store, _first_step(store, globex)) is not None
    (count,) = store.conn.execute("SELECT COUNT(*) FROM drafts").fetchone()
    assert count == 1


def test_a_draft_survives_reopening_and_replanning(store: Store, tmp_path: Path) -> None:
    interview = _interview(store)
    step_id = _first_step(store, interview)
    save_draft(store, step_id, "kept", "kept\n")
    store.set_setting("work-start", "08:00")  # re-plans every interview: steps are rewritten
    store.close()
    reopened, _ = open_store(tmp_path)
    try:
        loaded = load_draft(reopened, step_id)
    finally:
        reopened.close()
    assert loaded is not None and loaded.body == "kept\n"

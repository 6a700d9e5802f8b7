"""Start-up does not read the whole interviews table: the calendar asks for the interviews of
the days it shows, and for the versions of those it keeps, by id (schema 9's index).

Counted here, not timed: the statements the window's connection runs up to its first paint
and in a reload after a change, on a store of 400 interviews (above the size whose pipeline
is read on the UI thread: a large pipeline is read by a connection of its own, after the
paint). Only a count may go through the whole table.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from calendar_data import add_interview, clock, fill_invitations, make_cache, make_store
from pytestqt.qtbot import QtBot

from followthrough.store import open_store
from followthrough.ui.first_paint import after_first_paint
from followthrough.ui.main_window import MainWindow

INTERVIEWS = re.compile(r"\bFROM\s+interviews\b", re.IGNORECASE)


def _whole_reads(statements: list[str]) -> list[str]:
    """The statements that read interviews' rows with no bound on which (a count aside)."""
    return [
        s for s in statements
        if INTERVIEWS.search(s) and "WHERE" not in s.upper() and "COUNT(*)" not in s.upper()
    ]


def test_start_up_and_a_reload_read_interviews_only_by_range_or_id(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = make_store(tmp_path)
    fill_invitations(store, 400)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    window = MainWindow(store, [], clock=clock)
    qtbot.addWidget(window)
    painted: list[int] = []
    after_first_paint(window, lambda: painted.append(len(statements)))
    window.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=10_000)
    before_paint = statements[: painted[0]]
    assert _whole_reads(before_paint) == []
    by_range = [s for s in before_paint if INTERVIEWS.search(s) and "start_utc >=" in s]
    assert by_range  # the month's interviews were read, by their days
    assert window.cache.interview_count == 400
    window.side_panel.pipeline_model.wait()  # read by a connection of its own
    qtbot.waitUntil(lambda: not window.side_panel.pipeline_model.loading, timeout=10_000)

    (iid, *_rest) = store.interview_index(low=store.interview_index()[-1][3])[0]
    store.update_interview(replace(store.interview(iid), company="Renamed Ltd"))
    statements.clear()
    window.reload()
    assert _whole_reads(statements) == []
    assert window.cache.interview_count == 400
    interview = store.interview(iid)
    day = interview.start.astimezone(window.cache.tz).date()
    assert "Renamed Ltd" in {e.company for e in window.cache.events(day, day)}
    window.side_panel.pipeline_model.stop()


def test_an_interview_changed_or_deleted_elsewhere_shows_so_after_refresh(
    tmp_path: Path,
) -> None:
    store = make_store(tmp_path)
    acme = add_interview(store, "Acme")
    globex = add_interview(store, "Globex", end=acme.end + timedelta(days=1))
    cache = make_cache(store)
    first, last = acme.start.date() - timedelta(days=1), acme.start.date() + timedelta(days=30)

    def companies() -> list[str]:
        return sorted({e.company for e in cache.events(first, last)})

    assert companies() == ["Acme", "Globex"]
    other, _warnings = open_store(store.path.parent)  # another connection to the same file
    try:
        other.update_interview(replace(other.interview(acme.id), company="Acme Renamed"))
        other.delete_interview(globex.id)
    finally:
        other.close()
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    cache.refresh()
    store.conn.set_trace_callback(None)
    assert not [s for s in statements if INTERVIEWS.search(s) and "COUNT(*)" not in s.upper()]
    assert cache.interview_count == 1
    assert companies() == ["Acme Renamed"]  # the step events too, which name the company
    assert set(cache.stored_interviews([acme.id, globex.id])) == {acme.id}
    interviews = cache.events(first, last, interviews=True)
    assert [e.id for e in interviews if e.kind == "interview"] == [acme.id]
    assert all(e.interview_id == acme.id for e in interviews)

"""The interviews' index read by range and by id (schema 9): what the calendar needs of a
store without reading every interview.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from old_store import downgrade

import followthrough.store.schema as schema
from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store, utc_text

PARIS = ZoneInfo("Europe/Paris")
FIRST = datetime(2026, 11, 2, 10, 0, tzinfo=PARIS)


def _interview(n: int) -> Interview:
    start = FIRST + timedelta(hours=13 * n)
    return Interview(
        id="", company=f"Company {n}", role="Engineer",
        interviewers=(Interviewer(name="Ana Diaz", email=f"ana@c{n}.example"),),
        start=start, end=start + timedelta(hours=1), tz="Europe/Paris",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _warnings = open_store(tmp_path / "data")
    yield opened
    opened.close()


def _indexes(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'interviews'"
    )}


def test_a_new_store_finds_interviews_by_start_through_an_index(store: Store) -> None:
    assert "interviews_by_start" in _indexes(store.conn)
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id, sequence, updated, start_utc FROM interviews "
        "WHERE start_utc >= ? AND start_utc < ? ORDER BY start_utc, id",
        ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
    ).fetchall()
    assert any("interviews_by_start" in str(row) for row in plan)


def _old_store(folder: Path, version: int, count: int = 5) -> None:
    """A store at schema `version` holding `count` interviews (see old_store)."""
    made, _warnings = open_store(folder)
    for n in range(count):
        made.add_interview(_interview(n))
    downgrade(made.conn, version)
    made.close()


def test_a_store_at_schema_8_gains_the_indexes_and_keeps_its_rows(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    _old_store(folder, 8)
    old = sqlite3.connect(folder / "followthrough.db")
    assert "interviews_by_start" not in _indexes(old)
    columns = "SELECT id, data, start_utc, created, updated, sequence FROM interviews ORDER BY id"
    rows = old.execute(columns).fetchall()
    steps = old.execute("SELECT * FROM steps ORDER BY id").fetchall()
    old.close()
    upgraded, _warnings = open_store(folder)
    try:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == len(
            schema.MIGRATIONS
        )
        assert {"interviews_by_start", "interviews_by_job"} <= _indexes(upgraded.conn)
        assert upgraded.conn.execute(columns).fetchall() == rows
        assert upgraded.conn.execute("SELECT * FROM steps ORDER BY id").fetchall() == steps
        assert upgraded.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        upgraded.close()
    assert list(folder.glob("*.schema8-*.bak"))  # backed up first, as every upgrade is


def test_the_interview_index_by_range_by_id_and_counted(store: Store) -> None:
    added = [store.add_interview(_interview(n)) for n in range(12)]
    everything = store.interview_index()
    assert [row[0] for row in everything] == [iv.id for iv in added]  # in time order
    assert store.interview_count() == 12
    low, high = utc_text(added[3].start), utc_text(added[8].start)
    assert store.interview_index(low, high) == [r for r in everything if low <= r[3] < high]
    assert [r[0] for r in store.interview_index(low, high)] == [iv.id for iv in added[3:8]]
    assert store.interview_index(low=low) == everything[3:]
    assert store.interview_index(high=high) == everything[:8]
    assert store.interview_index(high, low) == []

    ids = [added[1].id, added[7].id]
    assert store.interview_versions([*ids, "no-such-interview"]) == {
        r[0]: (r[1], r[2]) for r in everything if r[0] in ids
    }
    assert store.interview_versions([]) == {}
    # More ids than SQLite takes bound parameters (32,766): still one answer.
    many = [f"missing-{n}" for n in range(40_000)] + [added[0].id]
    assert store.interview_versions(many) == {added[0].id: everything[0][1:3]}

    store.update_interview(replace(added[1], company="Renamed"))
    store.delete_interview(added[7].id)
    versions = store.interview_versions(ids)
    assert list(versions) == [added[1].id] and versions[added[1].id][0] == everything[1][1] + 1
    assert store.interview_count() == 11


def test_the_rounds_of_a_job_are_found_through_its_index(tmp_path: Path) -> None:
    """Migration 10 writes each interview's company and role as compared; every write keeps
    it; a new round finds its application's earlier rounds through the index, not by reading
    every interview."""
    from followthrough.core.applications import job_text

    folder = tmp_path / "old"
    _old_store(folder, 9, count=3)
    store, _warnings = open_store(folder)
    try:
        jobs = dict(store.conn.execute("SELECT json_extract(data, '$.company'), job "
                                       "FROM interviews"))
        assert jobs == {f"Company {n}": job_text(f"Company {n}", "Engineer") for n in range(3)}
        first = next(iv for iv in store.interviews() if iv.company == "Company 1")
        renamed = store.update_interview(replace(first, company="  company   ONE ").validated())
        assert store.conn.execute(
            "SELECT job FROM interviews WHERE id = ?", (renamed.id,)
        ).fetchone() == (job_text("Company One", "engineer"),)
        second = store.add_interview(
            replace(_interview(9), company="Company One", role="ENGINEER", round=2)
        )
        assert second.application == renamed.application_id  # joined the same job's rounds
        plan = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT data FROM interviews WHERE job = ?", ("x",)
        ).fetchall()
        assert any("interviews_by_job" in str(row) for row in plan)
    finally:
        store.close()


def test_a_store_at_schema_10_gains_the_change_count_and_counts_every_writer(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "old"
    _old_store(folder, 10)
    upgraded, _warnings = open_store(folder)
    try:
        before = upgraded.change_counts()[0]
        assert upgraded.conn.execute("SELECT count(*) FROM pushed").fetchone()[0] == 0
        raw = sqlite3.connect(folder / "followthrough.db")  # another writer: a command
        raw.execute("UPDATE interviews SET sequence = sequence + 1")
        raw.commit()
        raw.close()
        assert upgraded.change_counts()[0] == before + 5  # one per row written
    finally:
        upgraded.close()

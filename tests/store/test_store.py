"""The local store, through its Python API: durable, one transaction per action, versioned steps.

Every test opens a store in its own temporary folder. The user lives in Johannesburg, works
09:00-17:00 and has South African public holidays unless a test says otherwise; the interviews
end on Monday 2026-11-23.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import followthrough.core.cadence as cadence
import followthrough.store.schema as schema
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Interviewer,
    Outcome,
    StepStatus,
    ValidationError,
)
from followthrough.core.settings import Settings, system_timezone
from followthrough.store import DB_NAME, Store, StoredStep, StoreError, open_store

JHB = ZoneInfo("Africa/Johannesburg")
END = datetime(2026, 11, 23, 15, 0, tzinfo=JHB)  # a Monday


def make_interview(
    company: str = "Acme",
    *,
    people: int = 1,
    end: datetime = END,
    **fields: Any,
) -> Interview:
    return Interview(
        id="",
        company=company,
        role="Engineer",
        interviewers=tuple(
            Interviewer(name=f"Person {n}", email=f"p{n}@acme.example", key=f"p{n}")
            for n in range(1, people + 1)
        ),
        start=end - timedelta(hours=1),
        end=end,
        tz=str(end.tzinfo),
        **fields,
    )


def open_at(folder: Path) -> Store:
    store, warnings = open_store(folder)
    assert warnings == []
    return store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = open_at(data_dir)
    opened.set_setting("timezone", "Africa/Johannesburg")
    opened.set_setting("country", "ZA")
    yield opened
    opened.close()


def dump(store: Store) -> list[str]:
    """Everything the database holds, as SQL text."""
    return list(store.conn.iterdump())


def by_key(steps: list[StoredStep]) -> dict[str, StoredStep]:
    return {s.step.key: s for s in steps}


def starts(store: Store) -> dict[str, datetime]:
    return {s.step.id: s.step.start for s in store.steps()}


# -- the file ----------------------------------------------------------------------------------


def test_the_database_is_in_wal_mode_at_the_latest_schema(store: Store, data_dir: Path) -> None:
    assert store.path == data_dir / DB_NAME
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    # A fresh connection sees the same, so it is a property of the file, not of our session.
    raw = sqlite3.connect(data_dir / DB_NAME)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    finally:
        raw.close()


def test_interviews_activities_and_steps_survive_reopening(store: Store, data_dir: Path) -> None:
    first = store.add_interview(make_interview("Acme", people=2, topics=("the data pipeline",)))
    second = store.add_interview(make_interview("Globex", end=END + timedelta(days=1)))
    sent = END + timedelta(hours=3)
    store.record(first.id, Activity(ActivityKind.DONE, sent, step="thank-you.p1"))
    store.record(first.id, Activity(ActivityKind.REPLY, END + timedelta(days=2), note="soon"))
    before_interviews = store.interviews()
    before_activities = store.activities(first.id)
    before_steps = store.steps()
    settings = store.settings()
    store.close()

    reopened = open_at(data_dir)
    try:
        assert reopened.interviews() == before_interviews
        assert {iv.id for iv in before_interviews} == {first.id, second.id}
        assert reopened.interview(first.id) == first
        assert reopened.activities(first.id) == before_activities
        assert [a.kind for a in before_activities] == [ActivityKind.DONE, ActivityKind.REPLY]
        assert reopened.activities(second.id) == []
        assert reopened.steps() == before_steps
        assert len(before_steps) > 6
        assert reopened.settings() == settings
    finally:
        reopened.close()


# -- one transaction per action -----------------------------------------------------------------


class PlannerBroke(RuntimeError):
    pass


def break_planner(monkeypatch: pytest.MonkeyPatch, *, fail_on_call: int = 1) -> list[int]:
    """Make the store's planner compute a plan, then raise on its `fail_on_call`-th call."""
    real = cadence.plan
    calls: list[int] = []

    def planner(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        result = real(*args, **kwargs)
        if len(calls) >= fail_on_call:
            raise PlannerBroke("the planner failed half-way")
        return result

    monkeypatch.setattr(cadence, "plan", planner)  # the store imports it when planning
    return calls


def test_a_failed_add_stores_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = store.add_interview(make_interview("Acme"))
    before = dump(store)
    calls = break_planner(monkeypatch)
    with pytest.raises(PlannerBroke):
        store.add_interview(make_interview("Globex"))
    assert calls, "the planner was never called"
    assert dump(store) == before
    assert [iv.id for iv in store.interviews()] == [kept.id]
    assert {s.step.interview_id for s in store.steps()} == {kept.id}


def test_a_failed_record_stores_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    interview = store.add_interview(make_interview())
    before = dump(store)
    steps_before = store.steps()
    calls = break_planner(monkeypatch)
    with pytest.raises(PlannerBroke):
        store.record(interview.id, Activity(ActivityKind.REPLY, END + timedelta(days=1)))
    assert calls
    assert dump(store) == before
    assert store.activities(interview.id) == []
    assert store.steps() == steps_before


def test_a_failed_update_stores_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    interview = store.add_interview(make_interview(people=2))
    before = dump(store)
    break_planner(monkeypatch)
    with pytest.raises(PlannerBroke):
        store.update_interview(replace(interview, company="Initech"))
    assert dump(store) == before
    assert store.interview(interview.id).company == "Acme"


def test_a_setting_that_fails_half_way_through_the_replan_changes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    for n in range(3):
        store.add_interview(make_interview(f"Company {n}", end=END + timedelta(days=n)))
    before = dump(store)
    settings_before = store.settings()
    # The first interview is re-planned (its steps rewritten in the transaction), the second fails.
    calls = break_planner(monkeypatch, fail_on_call=2)
    with pytest.raises(PlannerBroke):
        store.set_setting("timezone", "Asia/Tokyo")
    assert len(calls) == 2
    assert dump(store) == before
    assert store.settings() == settings_before  # the cached settings are not changed either
    assert store.settings().timezone == "Africa/Johannesburg"
    fresh = open_at(data_dir)
    try:
        assert fresh.settings() == settings_before
    finally:
        fresh.close()


def test_set_setting_replans_every_interview_in_one_transaction(store: Store) -> None:
    ids = [
        store.add_interview(make_interview(f"Company {n}", end=END + timedelta(days=n))).id
        for n in range(3)
    ]
    before = starts(store)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        store.set_setting("timezone", "Asia/Tokyo")
    finally:
        store.conn.set_trace_callback(None)
    begins = [s for s in statements if s.strip().upper().startswith("BEGIN")]
    commits = [s for s in statements if s.strip().upper().startswith("COMMIT")]
    assert len(begins) == 1 and len(commits) == 1, statements
    after = starts(store)
    assert after.keys() == before.keys()
    moved_interviews = {sid.split(".")[0] for sid in after if after[sid] != before[sid]}
    assert moved_interviews == set(ids)  # every interview was re-planned
    tokyo = ZoneInfo("Asia/Tokyo")
    for stored in store.steps():
        if stored.step.status is StepStatus.PLANNED and not stored.step.manual:
            local = stored.step.start.astimezone(tokyo)
            assert local.weekday() < 5
            assert (9, 0) <= (local.hour, local.minute) <= (17, 0), stored.step


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("country", "US"),
        ("timezone", "America/New_York"),
        ("work-start", "11:00"),
        ("work-end", "12:15"),
    ],
)
def test_calendar_settings_move_the_steps(store: Store, key: str, value: str) -> None:
    # Ends Monday 10:00: the thank-you is due at noon, the status check on Thursday 2026-11-26,
    # which is Thanksgiving in the US.
    store.add_interview(make_interview(people=2, end=END.replace(hour=10)))
    store.add_interview(make_interview("Globex", end=END.replace(hour=10)))
    before = starts(store)
    store.set_setting(key, value)
    assert store.settings().get(key) == value
    after = starts(store)
    moved = {sid for sid in after if after[sid] != before[sid]}
    assert {sid.split(".")[0] for sid in moved} == {iv.id for iv in store.interviews()}
    for stored in store.steps():
        assert stored.sequence <= 1, stored
        if stored.step.id in moved:
            assert stored.sequence == 1, stored


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("timezone", "Mars/Olympus_Mons", "time zone"),
        ("country", "XX", "country code"),
        ("subdivision", "NOWHERE", "no regions for ZA"),
        ("work-start", "25:00", "not a time"),
        ("work-end", "08:00", "end after it starts"),
        ("work-end", "09:30", "at least one hour"),
        ("my-email", "not-an-address", "email"),
        ("playbook", "no-such-playbook", "no playbook"),
        ("colour", "red", "not a setting"),
    ],
)
def test_an_invalid_setting_changes_nothing(store: Store, key: str, value: str, words: str) -> None:
    store.add_interview(make_interview())
    before = dump(store)
    settings_before = store.settings()
    with pytest.raises(ValidationError, match=words):
        store.set_setting(key, value)
    assert dump(store) == before
    assert store.settings() == settings_before


def test_work_hours_outside_the_default_day_survive_reopening(store: Store, data_dir: Path) -> None:
    """An evening working day is set end first (the start must stay before the end)."""
    store.set_setting("work-end", "23:00")
    store.set_setting("work-start", "19:00")
    assert (store.settings().get("work-start"), store.settings().get("work-end")) == (
        "19:00",
        "23:00",
    )
    store.close()
    reopened = open_at(data_dir)
    try:
        assert reopened.settings().get("work-start") == "19:00"
        assert reopened.settings().get("work-end") == "23:00"
    finally:
        reopened.close()


def test_a_playbook_named_by_its_display_name_is_the_one_used(store: Store) -> None:
    interview = store.add_interview(make_interview(playbook="Single nudge"))
    assert store.playbook_for(interview).id == "single-nudge"
    store.set_setting("playbook", "Corporate")
    assert store.settings().playbook == "corporate"
    assert store.playbook_for(store.add_interview(make_interview("Globex"))).id == "corporate"


# -- SEQUENCE ----------------------------------------------------------------------------------


def test_sequence_starts_at_zero_and_grows_when_a_step_changes(store: Store) -> None:
    interview = store.add_interview(make_interview())
    other = store.add_interview(make_interview("Globex", end=END + timedelta(days=1)))
    steps = by_key(store.steps(interview.id))
    assert steps and all(s.sequence == 0 for s in steps.values())
    chasers = {k for k, s in steps.items() if s.step.chaser}
    assert {"status-check", "call", "final-check-in"} <= chasers

    store.record(interview.id, Activity(ActivityKind.REPLY, END + timedelta(days=1)))
    after = by_key(store.steps(interview.id))
    for key, stored in after.items():
        if key in chasers:
            assert stored.step.status is StepStatus.CANCELLED
            assert stored.sequence == 1, key
            assert stored.modified >= steps[key].modified
        else:  # the thank-you and the note do not change
            assert stored == steps[key], key
    assert all(s.sequence == 0 for s in store.steps(other.id))

    # Changing another interview, or re-planning to the same result, leaves the sequences alone.
    store.update_interview(replace(store.interview(other.id), company="Globex Corp"))
    store.replan_all()
    store.replan_all()
    assert by_key(store.steps(interview.id)) == after
    # In the other interview only the steps whose titles name the company changed, once.
    renamed = {s.step.key: s.sequence for s in store.steps(other.id)}
    assert renamed["status-check"] == 1 and renamed["call"] == 0
    for stored in store.steps(other.id):
        assert stored.sequence == (1 if "Globex Corp" in stored.step.title else 0), stored


def test_sequence_counts_each_change(store: Store) -> None:
    interview = store.add_interview(make_interview())
    call = f"{interview.id}.call"
    assert store.step(call).sequence == 0
    for n, hour in enumerate((10, 11, 12), start=1):
        to = datetime(2026, 12, 1, hour, 0, tzinfo=JHB)
        store.record(interview.id, Activity(ActivityKind.MOVE, END, step="call", to=to))
        assert store.step(call).sequence == n
        assert store.step(call).step.start == to
    store.record(interview.id, Activity(ActivityKind.MOVE, END, step="call", to=to))
    assert store.step(call).sequence == 3  # moved to where it already was: nothing changed


def test_a_removed_interviewer_keeps_a_cancelled_thank_you(store: Store) -> None:
    interview = store.add_interview(make_interview(people=2))
    before = store.step(f"{interview.id}.thank-you.p2")
    assert before.step.status is StepStatus.PLANNED
    store.update_interview(replace(interview, interviewers=interview.interviewers[:1]))
    after = store.step(f"{interview.id}.thank-you.p2")
    assert after.step.status is StepStatus.CANCELLED
    assert after.step.status_reason == "No longer part of the plan."
    assert after.sequence > before.sequence
    assert after.step.start == before.step.start
    kept = store.step(f"{interview.id}.thank-you.p1")
    assert kept.step.status is StepStatus.PLANNED and kept.sequence == 0
    # Re-planning again does not bump the cancelled step any further.
    store.replan_all()
    assert store.step(f"{interview.id}.thank-you.p2") == after


def test_an_outcome_adds_steps_at_sequence_zero(store: Store) -> None:
    interview = store.add_interview(make_interview())
    store.record(
        interview.id, Activity(ActivityKind.OUTCOME, END + timedelta(days=2), outcome=Outcome.OFFER)
    )
    steps = by_key(store.steps(interview.id))
    assert steps["offer-thank-you"].sequence == 0
    assert steps["networking"].sequence == 0
    assert steps["call"].step.status is StepStatus.CANCELLED and steps["call"].sequence == 1


def test_deleting_an_interview_removes_its_activities_and_steps(store: Store) -> None:
    interview = store.add_interview(make_interview())
    kept = store.add_interview(make_interview("Globex"))
    store.record(interview.id, Activity(ActivityKind.REPLY, END + timedelta(days=1)))
    store.delete_interview(interview.id)
    with pytest.raises(ValidationError, match="no interview"):
        store.interview(interview.id)
    assert store.conn.execute("SELECT COUNT(*) FROM activities").fetchone()[0] == 0
    assert {s.step.interview_id for s in store.steps()} == {kept.id}


# -- migrations --------------------------------------------------------------------------------

CURRENT = len(schema.MIGRATIONS)


def test_an_old_store_is_upgraded_in_place(data_dir: Path) -> None:
    """A store written before interviews had a SEQUENCE opens with every interview at 0."""
    library = open_at(data_dir).library
    Store.open(data_dir / "old", library, migrations=schema.MIGRATIONS[:1]).close()
    old = Store.open(data_dir / "old", library)
    try:
        assert old.conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT
        interview = old.add_interview(make_interview())
        old.record(interview.id, Activity(ActivityKind.REPLY, END + timedelta(days=1)))
        (stored,) = old.stored_interviews()
        assert stored.sequence == 1 and len(stored.activities) == 1
    finally:
        old.close()
    assert list((data_dir / "old").glob(f"{DB_NAME}.schema1-*.bak"))


def test_an_upgrade_backs_up_the_old_file_first(store: Store, data_dir: Path) -> None:
    interview = store.add_interview(make_interview())
    library = store.library
    store.close()
    assert not list(data_dir.glob("*.bak"))

    def add_a_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE interviews ADD COLUMN archived INTEGER NOT NULL DEFAULT 0")

    upgraded = Store.open(data_dir, library, migrations=(*schema.MIGRATIONS, add_a_column))
    try:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT + 1
        columns = [row[1] for row in upgraded.conn.execute("PRAGMA table_info(interviews)")]
        assert "archived" in columns
        assert upgraded.interview(interview.id) == interview
    finally:
        upgraded.close()

    backups = list(data_dir.glob(f"{DB_NAME}.schema{CURRENT}-*.bak"))
    assert len(backups) == 1, list(data_dir.iterdir())
    copy = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA user_version").fetchone()[0] == CURRENT
        assert copy.execute("SELECT id FROM interviews").fetchall() == [(interview.id,)]
        columns = [row[1] for row in copy.execute("PRAGMA table_info(interviews)")]
        assert "archived" not in columns
    finally:
        copy.close()

    # Opening again at the same version makes no second backup.
    again = Store.open(data_dir, library, migrations=(*schema.MIGRATIONS, add_a_column))
    again.close()
    assert len(list(data_dir.glob("*.bak"))) == 1


def test_a_failed_migration_leaves_the_old_schema(store: Store, data_dir: Path) -> None:
    library = store.library
    store.close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE interviews ADD COLUMN archived INTEGER")
        raise sqlite3.OperationalError("disk on fire")

    with pytest.raises(StoreError, match="disk on fire"):
        Store.open(data_dir, library, migrations=(*schema.MIGRATIONS, broken))
    raw = sqlite3.connect(data_dir / DB_NAME)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == CURRENT
        columns = [row[1] for row in raw.execute("PRAGMA table_info(interviews)")]
        assert "archived" not in columns
    finally:
        raw.close()


def test_a_store_from_a_newer_version_is_refused(data_dir: Path) -> None:
    open_at(data_dir).close()
    raw = sqlite3.connect(data_dir / DB_NAME)
    raw.execute(f"PRAGMA user_version = {len(schema.MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(StoreError, match="written by a newer Followthrough"):
        open_store(data_dir)


def test_a_file_that_is_not_a_database_is_a_store_error(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / DB_NAME).write_bytes(b"this is not SQLite " * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        open_store(data_dir)


def test_defaults_come_from_the_system_until_set(data_dir: Path) -> None:
    store = open_at(data_dir)
    try:
        assert store.settings() == Settings.system_defaults()
    finally:
        store.close()


def test_a_stored_zone_this_system_lacks_falls_back_to_the_system_zone(data_dir: Path) -> None:
    store = open_at(data_dir)
    try:
        store.set_setting("work-start", "08:00")
        with store.transaction() as conn:  # as if written where that zone existed
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('timezone', 'Mars/Olympus')"
            )
        settings = store.settings()
        assert settings.timezone == system_timezone()
        assert settings.work_start.hour == 8
    finally:
        store.close()


def test_settings_changed_by_another_process_are_seen(store: Store, data_dir: Path) -> None:
    other = open_at(data_dir)
    try:
        assert other.settings().timezone == "Africa/Johannesburg"
        store.set_setting("timezone", "Europe/Paris")
        assert other.settings().timezone == "Europe/Paris"
    finally:
        other.close()


def test_a_stored_country_is_read_without_loading_the_holidays_package(
    isolated_data_dir: Path,
) -> None:
    import subprocess
    import sys

    store, _ = open_store(isolated_data_dir)
    store.set_setting("country", "US")
    store.set_setting("subdivision", "NY")
    store.close()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from followthrough.store import open_store\n"
        f"store, _ = open_store(Path({str(isolated_data_dir)!r}))\n"
        "s = store.settings()\n"
        "print(s.country, s.subdivision, 'holidays' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["US", "NY", "False"]


def test_a_country_the_holidays_package_no_longer_knows_means_no_holidays(
    isolated_data_dir: Path,
) -> None:
    store, _ = open_store(isolated_data_dir)
    store.set_setting("country", "US")
    with store.transaction() as conn:
        conn.execute("UPDATE settings SET value = 'QQ' WHERE key = 'country'")
    store.close()
    store, _ = open_store(isolated_data_dir)
    assert store.settings().country == "QQ"
    from followthrough.core.workdays import public_holidays

    assert public_holidays("QQ", "", 2026) == frozenset()
    store.replan_all()  # plans without public holidays instead of failing
    store.close()


def test_step_index_by_range_status_and_interview(store: Store) -> None:
    first = store.add_interview(make_interview())
    second = store.add_interview(make_interview(company="Globex"))
    everything = store.step_index()
    assert store.step_count() == len(everything) > 4
    assert [r[5] for r in everything] == sorted(r[5] for r in everything)
    low, high = everything[2][5], everything[-2][5]
    assert store.step_index(low=low, high=high) == [
        r for r in everything if low <= r[5] < high
    ]
    store.record(first.id, Activity(ActivityKind.REPLY, END + timedelta(hours=1)))
    planned = store.step_index(status="planned")
    assert planned == [r for r in store.step_index() if r[4] == "planned"]
    assert len(planned) < len(everything)  # the reply cancelled the first one's chasers
    assert store.step_index(second.id, status="planned") == [
        r for r in planned if r[1] == second.id
    ]
    ids = [r[0] for r in everything[:3]]
    assert store.step_sequences([*ids, "no-such-step"]) == {
        r[0]: r[2] for r in store.step_index() if r[0] in ids
    }


def test_planned_steps_are_found_through_an_index(store: Store) -> None:
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM steps WHERE status = ? AND start_utc < ?",
        ("planned", "2030-01-01T00:00:00Z"),
    ).fetchall()
    assert any("steps_by_status" in str(row) for row in plan)


def test_step_index_pages_newest_first_and_counts(store: Store) -> None:
    for n in range(3):
        store.add_interview(make_interview(company=f"Company {n}"))
    everything = store.step_index()
    newest = store.step_index(newest_first=True)
    assert newest == sorted(everything, key=lambda r: (r[5], r[0]), reverse=True)
    assert store.step_index(newest_first=True, limit=4, offset=2) == newest[2:6]
    middle = everything[len(everything) // 2][5]
    assert store.step_count(high=middle) == len([r for r in everything if r[5] < middle])
    assert store.step_count(status="planned", low=middle) == len(
        [r for r in everything if r[5] >= middle and r[4] == "planned"]
    )
    one = everything[0][1]
    assert store.step_count(one, status="planned") == len(
        [r for r in everything if r[1] == one and r[4] == "planned"]
    ) > 0


# A store written by 0.1.0 at commit 8136800 (schema 3), whose feed, accounts, sync_items,
# sync_state and drafts tables were created on first use outside the migrations: a sample
# interview set, a feed token, a draft, one CalDAV account and one sync record.
SCHEMA3_STORE = Path(__file__).parent / "data" / "schema3-2026-12-02.db"
ADOPTED = ("feed", "accounts", "sync_items", "sync_state", "drafts")


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Each table's columns as PRAGMA table_info gives them (name, type, not null, default, pk)."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    )]
    return {name: [tuple(row[1:]) for row in conn.execute(f"PRAGMA table_info({name})")]
            for name in names}


def _with_application(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An interview row of 0.1.0 as the schema has it now: its own application (schema 8:
    the sample has one interview of each company and role), its SEQUENCE one up so that
    calendars learn it; its company and role as compared (schema 10)."""
    from followthrough.core.applications import job_text

    data = {**json.loads(row[1]), "application": row[0]}
    return (row[0], json.dumps(data), *row[2:5], row[5] + 1,
            job_text(data["company"], data["role"]))


def test_a_store_from_0_1_0_is_adopted_into_one_schema_history(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(SCHEMA3_STORE, folder / DB_NAME)
    before = sqlite3.connect(folder / DB_NAME)
    try:
        rows_before = {t: before.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                       for t in (*ADOPTED, "interviews", "steps", "activities", "settings")}
    finally:
        before.close()
    assert all(rows_before[t] for t in ADOPTED)

    store, _warnings = open_store(folder)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT
        for table, rows in rows_before.items():
            if table == "interviews":  # each names its application now (schema 8)
                rows = [_with_application(row) for row in rows]
            assert store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() == rows
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.settings().timezone == "Europe/London"
        migrated = _tables(store.conn)
    finally:
        store.close()
    backups = list(folder.glob(f"{DB_NAME}.schema3-*.bak"))
    assert len(backups) == 1

    fresh, _warnings = open_store(tmp_path / "fresh")
    try:
        assert _tables(fresh.conn) == migrated  # the same tables and columns either way
    finally:
        fresh.close()


def test_a_new_store_has_every_table_from_its_first_opening(data_dir: Path) -> None:
    store = open_at(data_dir)
    try:
        tables = set(_tables(store.conn))
    finally:
        store.close()
    assert set(ADOPTED) <= tables


def test_sync_items_made_before_the_three_way_merge_gain_their_base(data_dir: Path) -> None:
    library = open_at(data_dir / "probe").library
    old = Store.open(data_dir, library, migrations=schema.MIGRATIONS[:3])
    old.conn.execute(
        "CREATE TABLE sync_items (account TEXT NOT NULL, uid TEXT NOT NULL, href TEXT NOT NULL,"
        " etag TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (account, uid))"
    )
    old.conn.execute("INSERT INTO sync_items VALUES ('Home', 'u@x', '/c/u.ics', '\"1\"', 'h')")
    old.close()
    store = Store.open(data_dir, library)
    try:
        row = store.conn.execute("SELECT uid, base FROM sync_items").fetchone()
    finally:
        store.close()
    assert row == ("u@x", b"")

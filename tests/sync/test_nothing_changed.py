"""A sync with nothing changed on this computer reads no interview to know it: the store
counts its changes (store.schema._v11), and each account keeps the count its last complete
push left (sync.push.push_mark). Whatever changes what would be sent moves the mark: a change
by this process or another (the command line), the settings, the message templates, a pull
that applied something, another calendar.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from followthrough.core.model import Activity, ActivityKind, Interview
from followthrough.ical.export import Exporter
from followthrough.store import Store, open_store
from followthrough.sync.accounts import Account, get_account
from followthrough.sync.engine import sync
from followthrough.sync.push import push, push_mark
from followthrough.sync.records import pushed_mark
from followthrough.sync.wire import open_session


@pytest.fixture
def reads(store: Store) -> Iterator[list[str]]:
    """The statements the store's connection runs that read interviews or steps."""
    seen: list[str] = []

    def trace(statement: str) -> None:
        text = " ".join(statement.split())
        if "FROM interviews" in text or "FROM steps" in text:
            seen.append(text)

    store.conn.set_trace_callback(trace)
    yield seen
    store.conn.set_trace_callback(None)


def _quiet(store: Store, account: Account) -> None:
    """Syncs until the calendar lists nothing new (the token is past what was sent)."""
    sync(store, account, timeout=5)
    sync(store, account, timeout=5)


def test_a_sync_with_nothing_changed_reads_no_interview_and_sends_nothing(
    store: Store, caldav_account: Account, two: list[Interview], reads: list[str]
) -> None:
    first = sync(store, caldav_account, timeout=5)
    events = first.push.created
    sync(store, caldav_account, timeout=5)
    reads.clear()
    quiet = sync(store, caldav_account, timeout=5)
    assert reads == []
    assert quiet.requests == 1  # the pull's one listing
    assert quiet.push.unchanged == events and quiet.push.created == quiet.push.updated == 0


def test_a_change_made_by_another_process_is_sent(
    store: Store, caldav_account: Account, two: list[Interview], isolated_data_dir: Path
) -> None:
    _quiet(store, caldav_account)
    # The command line, say: its own connection to the same file.
    other, _ = open_store(isolated_data_dir)
    try:
        acme = two[0]
        other.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    finally:
        other.close()
    report = sync(store, caldav_account, timeout=5)
    assert report.push.updated > 0
    assert sync(store, caldav_account, timeout=5).push.updated == 0


def test_every_kind_of_write_moves_the_count(store: Store, two: list[Interview]) -> None:
    counts = [sum(store.change_counts())]
    acme = two[0]
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    counts.append(sum(store.change_counts()))
    store.set_setting("work-start", "10:00")
    counts.append(sum(store.change_counts()))
    store.delete_interview(two[1].id)
    counts.append(sum(store.change_counts()))
    # A raw write by any connection, to a table a sync sends from or records in.
    raw = sqlite3.connect(store.path)
    try:
        for statement in (
            "UPDATE steps SET sequence = sequence + 1 WHERE rowid = (SELECT min(rowid) FROM steps)",
            "INSERT INTO sync_items (account, uid, href, etag, hash) "
            "VALUES ('a', 'u', 'h', 'e', 'x')",
            "DELETE FROM sync_items",
        ):
            raw.execute(statement)
            raw.commit()
            counts.append(sum(store.change_counts()))
    finally:
        raw.close()
    assert counts == sorted(set(counts))  # each one moved it


def test_settings_and_templates_are_part_of_the_mark(
    store: Store, caldav_account: Account, two: list[Interview], isolated_data_dir: Path
) -> None:
    _quiet(store, caldav_account)
    store.set_setting("my-name", "Sam Jones")  # signs every drafted message
    renamed = sync(store, caldav_account, timeout=5)
    assert renamed.push.updated > 0
    assert sync(store, caldav_account, timeout=5).push.updated == 0
    # A template of the user's own, in the data folder: a new Exporter (a new run) reads it.
    folder = isolated_data_dir / "templates"
    folder.mkdir(exist_ok=True)
    shipped = Path(__file__).parents[2] / "resources" / "templates" / "thank-you.txt"
    (folder / "thank-you.txt").write_text(
        shipped.read_text(encoding="utf-8").replace("Thank you", "Many thanks"), encoding="utf-8"
    )
    retold = sync(store, caldav_account, exporter=Exporter(store), timeout=5)
    assert retold.push.updated > 0


def test_a_push_left_with_a_conflict_leaves_no_mark(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    _quiet(store, caldav_account)
    with store.transaction() as conn:  # as if the server's copy had changed since
        conn.execute("UPDATE sync_items SET etag = '\"stale\"'")
    acme = two[0]
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    report = push(store, caldav_account, timeout=5)
    assert report.conflicts
    exporter = Exporter(store)
    with open_session(store, get_account(store, caldav_account.name), 5) as session:
        assert pushed_mark(store, caldav_account.name)[0] != push_mark(store, exporter, session)


# What a sync records of the calendar, and nothing the window shows.
RECORDED = (
    "INSERT INTO sync_items (account, uid, href, etag, hash) VALUES ('a', 'u', 'h', 'e', 'x')"
)


def _saved_elsewhere(store: Store, sql: str, args: tuple[object, ...] = ()) -> None:
    """`sql` run and saved through a connection of its own (a sync's, a command's)."""
    raw = sqlite3.connect(store.path)
    try:
        raw.execute(sql, args)
        raw.commit()
    finally:
        raw.close()


def test_the_window_hears_of_what_it_shows_not_of_a_syncs_records(
    store: Store, two: list[Interview]
) -> None:
    """The window's watch (Store.changed_elsewhere) reads again when another connection
    changed what it shows; not when a sync only recorded what it sent (the first sync of
    1,000 interviews made the window read everything again at its end, 0.1 s)."""
    assert not store.changed_elsewhere()  # the first call only looks
    _saved_elsewhere(store, RECORDED)
    assert not store.changed_elsewhere()
    _saved_elsewhere(store, "UPDATE drafts SET body = body")  # no row: nothing changed
    assert not store.changed_elsewhere()
    step = store.steps(two[0].id)[0].step.id
    _saved_elsewhere(
        store, "INSERT INTO drafts (step_id, subject, body, updated) VALUES (?, 's', 'b', 'u')",
        (step,),
    )
    assert store.changed_elsewhere()
    assert not store.changed_elsewhere()  # told once
    _saved_elsewhere(store, "UPDATE interviews SET sequence = sequence + 1")
    assert store.changed_elsewhere()
    store.set_setting("work-start", "10:00")  # this connection's own: the window knows
    assert not store.changed_elsewhere()


def test_a_syncs_records_after_a_change_made_here_are_no_change_to_show(
    store: Store, two: list[Interview]
) -> None:
    """The window's own change, then read (`seen`), then a sync that only records what it
    sent: nothing to read again. (The shown count the watch compared with was the one from
    before the window's own change: every sync after a change reloaded the whole window.)"""
    assert not store.changed_elsewhere()
    store.record(two[0].id, Activity(ActivityKind.REPLY, two[0].end + timedelta(days=1)))
    assert not store.changed_elsewhere(seen=True)  # as the window's reload marks it
    _saved_elsewhere(store, RECORDED)
    assert not store.changed_elsewhere()
    _saved_elsewhere(store, "UPDATE interviews SET sequence = sequence + 1")
    assert store.changed_elsewhere()


def test_a_removed_account_leaves_no_mark(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    """Added again under the same name (another server, say), its first push compares
    every event: nothing is taken as sent from what the removed one left."""
    from followthrough.sync.accounts import remove_account

    _quiet(store, caldav_account)
    assert pushed_mark(store, caldav_account.name)[0]
    remove_account(store, caldav_account.name)
    assert pushed_mark(store, caldav_account.name) == ("", 0)

"""What the last sync knows, kept in the store between syncs (no Qt).

Table `sync_items` remembers, per account and UID, where the event lives on the server
(href), the ETag the server gave it, the hash of the bytes we last sent or accepted, and the
event as last synced (the *base* of a three-way merge). Table `sync_state` keeps, per account
and calendar, the calendar's RFC 6578 sync token and when it was last listed in full.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from followthrough.store import Store


@dataclass(frozen=True)
class SyncItem:
    """What the last sync knows of one event on the server.

    An empty `etag` marks an event deleted in the calendar that stays deleted until it
    changes here (a step deleted remotely is skipped, not re-created).
    """

    uid: str
    href: str
    etag: str
    hash: str
    base: bytes = b""  # the event as last synced


def sync_items(store: Store, account: str) -> dict[str, SyncItem]:
    """The recorded events of an account, by UID (without their bases: see `bases`)."""
    rows = store.conn.execute(
        "SELECT uid, href, etag, hash FROM sync_items WHERE account = ?", (account,)
    ).fetchall()
    return {row[0]: SyncItem(*row) for row in rows}


def bases(store: Store, account: str, uids: Iterable[str]) -> dict[str, bytes]:
    """The events as last synced, of the given UIDs (those with no record or no base left out)."""
    wanted = list(uids)
    if not wanted:
        return {}
    # One query, with json_each keeping one bound parameter however many UIDs there are.
    rows = store.conn.execute(
        "SELECT uid, base FROM sync_items "
        "WHERE account = ? AND uid IN (SELECT value FROM json_each(?))",
        (account, json.dumps(wanted)),
    ).fetchall()
    return {uid: bytes(base) for uid, base in rows if base}


def record(store: Store | sqlite3.Connection, account: str, item: SyncItem) -> None:
    """Record one event as the server now has it (in `store`'s transaction when a connection)."""
    statement = (
        "INSERT OR REPLACE INTO sync_items (account, uid, href, etag, hash, base) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    args = (account, item.uid, item.href, item.etag, item.hash, item.base)
    if isinstance(store, sqlite3.Connection):
        store.execute(statement, args)
        return
    with store.transaction() as conn:
        conn.execute(statement, args)


def forget(store: Store | sqlite3.Connection, account: str, uid: str) -> None:
    """Drop the record of one event."""
    statement = "DELETE FROM sync_items WHERE account = ? AND uid = ?"
    if isinstance(store, sqlite3.Connection):
        store.execute(statement, (account, uid))
        return
    with store.transaction() as conn:
        conn.execute(statement, (account, uid))


def sync_state(store: Store, account: str, calendar: str) -> tuple[str, datetime | None]:
    """The calendar's sync token and when it was last listed in full ('', None: never)."""
    row = store.conn.execute(
        "SELECT token, full_at FROM sync_state WHERE account = ? AND calendar = ?",
        (account, calendar),
    ).fetchone()
    if row is None:
        return "", None
    return row[0], datetime.fromisoformat(row[1])


def save_sync_state(
    conn: sqlite3.Connection, account: str, calendar: str, token: str, full_at: datetime | None
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_state (account, calendar, token, full_at) VALUES (?,?,?,?)",
        (account, calendar, token, (full_at or datetime.min.replace(tzinfo=UTC)).isoformat()),
    )

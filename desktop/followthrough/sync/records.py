"""What the last sync knows, kept in the store between syncs (no Qt).

Table `sync_items` remembers, per account and UID, where the event lives on the server
(its href, in the one form of `hrefs.canonical_href`; records written before in another form
are put in it as they are read), the ETag the server gave it, the version of our file for it
that we last sent or accepted (`Exporter.versions`), and the event as last synced (the
*base* of a three-way merge). Table `sync_state` keeps, per account and calendar, the
calendar's RFC 6578 sync token and when it was last listed in full.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from followthrough.store import Store
from followthrough.sync.hrefs import canonical_href

if TYPE_CHECKING:
    from followthrough.ical.export import Exporter

_BYTE_HASH = re.compile(r"[0-9a-f]{64}")  # what records held before file versions


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
    return {uid: SyncItem(uid, canonical_href(href), etag, h) for uid, href, etag, h in rows}


def current_items(
    store: Store, exporter: Exporter, account: str, versions: dict[str, str]
) -> dict[str, SyncItem]:
    """The recorded events of an account, each known by the version of its file
    (`Exporter.versions`). A record from before versions holds the SHA-256 of the bytes it
    sent: where this computer's file still has those bytes, the record takes the version
    (once, in one transaction), so that nothing is sent again for it."""
    known = sync_items(store, account)
    legacy = [
        uid
        for uid, item in known.items()
        if uid in versions and _BYTE_HASH.fullmatch(item.hash)
    ]
    if not legacy:
        return known
    files = exporter.files_for(legacy)
    with store.transaction() as conn:
        for uid in legacy:
            if hashlib.sha256(files[uid]).hexdigest() == known[uid].hash:
                known[uid] = replace(known[uid], hash=versions[uid])
                conn.execute(
                    "UPDATE sync_items SET hash = ? WHERE account = ? AND uid = ?",
                    (versions[uid], account, uid),
                )
    return known


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
    args = (account, item.uid, canonical_href(item.href), item.etag, item.hash, item.base)
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


def pushed_mark(store: Store, account: str) -> tuple[str, int]:
    """The mark the account's last complete push left (see `push_mark`), and how many events
    it had then; ('', 0) when it has none."""
    row = store.conn.execute(
        "SELECT mark, events FROM pushed WHERE account = ?", (account,)
    ).fetchone()
    return ("", 0) if row is None else (row[0], int(row[1]))


def save_pushed_mark(store: Store, account: str, mark: str, events: int) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO pushed (account, mark, events) VALUES (?, ?, ?)",
            (account, mark, events),
        )


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

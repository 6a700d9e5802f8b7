"""The store's schema: one history of numbered migrations, each run once in its own
transaction after a backup copy of the data it changes.

A migration is never edited once released: a change to the schema is a new migration at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from followthrough.store.records import StoreError

Migration = Callable[[sqlite3.Connection], None]


def _v1(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript() would commit the migration's transaction early.
    for statement in (
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE interviews (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            start_utc TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        """CREATE TABLE activities (
            id TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX activities_by_interview ON activities (interview_id, seq)",
        """CREATE TABLE steps (
            id TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            start_utc TEXT NOT NULL,
            status TEXT NOT NULL,
            sequence INTEGER NOT NULL DEFAULT 0,
            modified TEXT NOT NULL,
            hash TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX steps_by_interview ON steps (interview_id)",
        "CREATE INDEX steps_by_start ON steps (start_utc)",
    ):
        conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    # The interview's event carries its history: calendars need a SEQUENCE that grows with it.
    conn.execute("ALTER TABLE interviews ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0")


def _v3(conn: sqlite3.Connection) -> None:
    # The window's list of due steps and the reminders ask for the planned steps up to now.
    conn.execute("CREATE INDEX steps_by_status ON steps (status, start_utc)")


def _v4(conn: sqlite3.Connection) -> None:
    # Adopts the tables that versions up to 0.1.0 created on first use, outside this history
    # (IF NOT EXISTS: a store may have any of them already, in exactly these shapes).
    for statement in (
        # The subscription feed's secret token (ical.feed).
        "CREATE TABLE IF NOT EXISTS feed (token TEXT NOT NULL)",
        # CalDAV accounts; their secrets are in the keyring under keyring_account (sync).
        """CREATE TABLE IF NOT EXISTS accounts (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            url TEXT NOT NULL,
            username TEXT NOT NULL,
            auth TEXT NOT NULL,
            preset TEXT NOT NULL DEFAULT '',
            calendar_url TEXT NOT NULL DEFAULT '',
            calendar_name TEXT NOT NULL DEFAULT '',
            trusted_fingerprint TEXT NOT NULL DEFAULT '',
            keyring_account TEXT NOT NULL,
            added TEXT NOT NULL
        )""",
        # What the last sync knows of each event on the server; `base` is the event as last
        # synced, for three-way merges (sync).
        """CREATE TABLE IF NOT EXISTS sync_items (
            account TEXT NOT NULL,
            uid TEXT NOT NULL,
            href TEXT NOT NULL,
            etag TEXT NOT NULL,
            hash TEXT NOT NULL,
            base BLOB NOT NULL DEFAULT x'',
            PRIMARY KEY (account, uid)
        )""",
        # Each calendar's sync token and when it was last listed in full (sync).
        """CREATE TABLE IF NOT EXISTS sync_state (
            account TEXT NOT NULL,
            calendar TEXT NOT NULL,
            token TEXT NOT NULL,
            full_at TEXT NOT NULL,
            PRIMARY KEY (account, calendar)
        )""",
        # Messages the user is writing, one per step (store.drafts).
        """CREATE TABLE IF NOT EXISTS drafts (
            step_id TEXT PRIMARY KEY REFERENCES steps(id) ON DELETE CASCADE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
    ):
        conn.execute(statement)
    # sync_items made before its three-way merge lacks `base` (added then by ALTER, as here).
    columns = {row[1] for row in conn.execute("PRAGMA table_info(sync_items)")}
    if "base" not in columns:
        conn.execute("ALTER TABLE sync_items ADD COLUMN base BLOB NOT NULL DEFAULT x''")


def _v5(conn: sqlite3.Connection) -> None:
    # An import looks up each invitation by its UID, and each new activity takes the next
    # number: without these, both read the whole table (a 3,000-event file took 13 s).
    conn.execute(
        "CREATE INDEX interviews_by_source ON interviews (json_extract(data, '$.source_uid'))"
    )
    conn.execute("CREATE INDEX activities_by_seq ON activities (seq)")


def _v6(conn: sqlite3.Connection) -> None:
    # Watching the inbox (followthrough.mail): IMAP accounts, how far each folder was read,
    # the messages found (each Message-ID once) and the Message-IDs of what we sent.
    for statement in (
        # IMAP accounts; their passwords are in the keyring under keyring_account.
        """CREATE TABLE mail_accounts (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            host TEXT NOT NULL,
            port INTEGER NOT NULL,
            security TEXT NOT NULL,
            username TEXT NOT NULL,
            preset TEXT NOT NULL DEFAULT '',
            trusted_fingerprint TEXT NOT NULL DEFAULT '',
            keyring_account TEXT NOT NULL,
            added TEXT NOT NULL
        )""",
        # Per folder: its role (inbox, sent, all), UIDVALIDITY, the last UID read, the
        # HIGHESTMODSEQ seen (0 without CONDSTORE) and the SEARCH SINCE day it was read from.
        """CREATE TABLE mail_folders (
            account TEXT NOT NULL,
            folder TEXT NOT NULL,
            role TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL DEFAULT 0,
            last_uid INTEGER NOT NULL DEFAULT 0,
            highestmodseq INTEGER NOT NULL DEFAULT 0,
            since TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (account, folder)
        )""",
        # A message that meant something for an interview: what it was logged as (verdict:
        # logged, undone, not-reply), so that the same Message-ID is never logged twice.
        """CREATE TABLE mail_messages (
            message_id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            interview_id TEXT NOT NULL,
            activity_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            step TEXT NOT NULL DEFAULT '',
            verdict TEXT NOT NULL,
            sender TEXT NOT NULL,
            subject TEXT NOT NULL,
            hint TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            found TEXT NOT NULL
        )""",
        "CREATE INDEX mail_messages_by_found ON mail_messages (found)",
        # The Message-ID of each message sent by SMTP or saved as an .eml, and its step: a
        # reply names it in In-Reply-To or References.
        """CREATE TABLE mail_sent (
            message_id TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL,
            step TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
    ):
        conn.execute(statement)


def _v7(conn: sqlite3.Connection) -> None:
    # The undo log (store.changes): each change the user made to an interview, with what
    # undo and redo put back; state 0 can be undone, 1 redone, 2 neither (kept so that a sync
    # does not bring back what was undone).
    conn.execute(
        """CREATE TABLE IF NOT EXISTS undo_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            interview_id TEXT NOT NULL,
            state INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX IF NOT EXISTS undo_log_by_state ON undo_log (state, id)")
    conn.execute("CREATE INDEX IF NOT EXISTS undo_log_by_interview ON undo_log (interview_id)")


def _v8(conn: sqlite3.Connection) -> None:
    # Applications (core.applications): each interview names the application it is a round
    # of. Interviews of the same company and role (case and spacing aside) become the rounds
    # of one application, whose id is the earliest one's; the others are their own. Their
    # SEQUENCE grows, so that calendars and other computers learn the application too.
    rows = conn.execute("SELECT id, data FROM interviews ORDER BY start_utc, id").fetchall()
    first: dict[tuple[str, str], str] = {}
    for interview_id, text in rows:
        data = json.loads(text)
        if data.get("application"):
            continue
        key = tuple(" ".join(str(data.get(name, "")).split()).casefold()
                    for name in ("company", "role"))
        data["application"] = first.setdefault((key[0], key[1]), interview_id)
        conn.execute(
            "UPDATE interviews SET data = ?, sequence = sequence + 1 WHERE id = ?",
            (json.dumps(data), interview_id),
        )


def _v9(conn: sqlite3.Connection) -> None:
    # The calendar asks for the interviews of the days it shows, not for every one: without
    # this, each of its reads went through the whole table (start-up grew with the store).
    conn.execute("CREATE INDEX IF NOT EXISTS interviews_by_start ON interviews (start_utc, id)")


def _v10(conn: sqlite3.Connection) -> None:
    # Each interview's company and role as compared (core.applications.job_text), indexed:
    # a new round finds its application's earlier rounds without reading every interview
    # (a second computer's first sync did that once per round: the square of the store).
    from followthrough.core.applications import job_text

    conn.execute("ALTER TABLE interviews ADD COLUMN job TEXT NOT NULL DEFAULT ''")
    rows = conn.execute(
        "SELECT id, json_extract(data, '$.company'), json_extract(data, '$.role') "
        "FROM interviews"
    ).fetchall()
    conn.executemany(
        "UPDATE interviews SET job = ? WHERE id = ?",
        [(job_text(str(company or ""), str(role or "")), iid) for iid, company, role in rows],
    )
    conn.execute("CREATE INDEX interviews_by_job ON interviews (job)")


# What the window shows (and a sync sends from), and what a sync records of the calendar:
# any change to a table of the first moves the store's "shown" count, to the second its
# "records" count (_v11). Tables not named (the sync tokens, how far each mail folder was
# read) move neither.
SHOWN = (
    "interviews", "steps", "activities", "settings", "drafts", "undo_log", "feed",
    "accounts", "mail_accounts", "mail_messages", "mail_sent",
)
RECORDS = ("sync_items",)


def _v11(conn: sqlite3.Connection) -> None:
    # Counts of changes moved by triggers whoever writes (this process, the command line,
    # another window): a sync with nothing changed here sends nothing without reading every
    # interview (each account keeps the counts its last complete push left: sync.push), and
    # the window does not read everything again after a sync that changed nothing it shows.
    conn.execute("CREATE TABLE changes (name TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    for name, tables in (("shown", SHOWN), ("records", RECORDS)):
        conn.execute("INSERT INTO changes (name, n) VALUES (?, 0)", (name,))
        for table in tables:
            for event in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_counted AFTER {event} ON {table} "
                    f"BEGIN UPDATE changes SET n = n + 1 WHERE name = '{name}'; END"
                )
    conn.execute(
        """CREATE TABLE pushed (
            account TEXT PRIMARY KEY,
            mark TEXT NOT NULL,
            events INTEGER NOT NULL
        )"""
    )


MIGRATIONS: tuple[Migration, ...] = (
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11
)


def migrate(conn: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    """Bring the schema up to date, after a backup copy of any existing data."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    target = len(migrations)
    if version > target:
        raise StoreError(
            f"The store {path} was written by a newer Followthrough (schema {version}); "
            "update the app to open it."
        )
    if version == target:
        return
    if version > 0:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup_path = path.with_name(f"{path.name}.schema{version}-{stamp}.bak")
        with contextlib.suppress(OSError):  # private from the start, as the store is
            os.close(os.open(backup_path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        backup = sqlite3.connect(backup_path)
        try:
            conn.backup(backup)
        finally:
            backup.close()
    for number in range(version, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations[number](conn)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

"""A store as an older release left it, for the tests of migrations: made by this code, then
what the later migrations added taken away again (this code writes the newest schema only).

Imported as `from old_store import downgrade` (pytest puts tests/store on sys.path).
"""

from __future__ import annotations

import sqlite3

OLDEST = 7  # what can be taken away: migrations 8 to 11


def downgrade(conn: sqlite3.Connection, version: int) -> None:
    """Take away what the migrations after `version` (OLDEST or later) added, and say so."""
    if version < OLDEST:
        raise ValueError(f"a store can be taken back to schema {OLDEST} at the oldest")
    if version < 11:  # the change count and the pushes' marks
        for (trigger,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_counted'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("DROP TABLE changes")
        conn.execute("DROP TABLE pushed")
    if version < 10:  # each interview's job, indexed
        conn.execute("DROP INDEX interviews_by_job")
        conn.execute("ALTER TABLE interviews DROP COLUMN job")
    if version < 9:  # interviews by start
        conn.execute("DROP INDEX interviews_by_start")
    if version < 8:  # applications
        conn.execute("UPDATE interviews SET data = json_remove(data, '$.application')")
    conn.execute(f"PRAGMA user_version = {version}")

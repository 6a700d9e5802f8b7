"""Waiting for another process's save before starting one's own.

Windows, commands and syncs share one SQLite file, which takes one writer at a time. A change
waits while another process saves, asking again every few milliseconds (SQLite's own wait
backs off to 100 ms between tries, so a writer saving in a run of short transactions, as an
import does, would keep the lock from it; asking often takes the pauses between them).

A wait gives up, with StoreBusy and nothing written, when no other process has saved anything
for BUSY_WAIT seconds (a holder that is stuck), or after BUSY_LONGEST seconds however busy the
others are. While they keep saving, it keeps waiting: twenty commands beside a large import all
get their turn, however slow the computer.
"""

from __future__ import annotations

import sqlite3
import time

from followthrough.store.records import BUSY_MESSAGE, StoreBusy

POLL_MS = 5  # how often a change waiting for another process's asks again
# Seconds without any other process saving after which a wait gives up. Changes are short (an
# import's batch is under a second), so a longer quiet means something is stuck.
BUSY_WAIT = 8.0
BUSY_LONGEST = 60.0  # seconds a change waits at most, even while others keep saving


def begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE on `conn`, waiting as the module says; StoreBusy when it gives up."""
    started = last_saved = time.monotonic()
    seen = _saves(conn)
    conn.execute(f"PRAGMA busy_timeout = {POLL_MS}")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            now, saves = time.monotonic(), _saves(conn)
            if saves is not None and saves != seen:  # another process saved: not stuck
                seen, last_saved = saves, now
            if now - last_saved >= BUSY_WAIT or now - started >= BUSY_LONGEST:
                raise StoreBusy(BUSY_MESSAGE) from None
            time.sleep(POLL_MS / 2000)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_WAIT * 1000)}")


def _saves(conn: sqlite3.Connection) -> int | None:
    """SQLite's count of other connections' commits (PRAGMA data_version); None while the
    file cannot be read for a moment (another process recovering it): not known, so no sign
    of another process saving."""
    try:
        (version,) = conn.execute("PRAGMA data_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return int(version)

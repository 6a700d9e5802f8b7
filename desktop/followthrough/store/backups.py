"""A damaged store and its backup copies: telling the user in one sentence, and putting the
newest copy back when they say so. Never an empty store in place of a damaged one.

Backup copies are the ones the migrations make (`followthrough.db.schemaN-DATE.bak`) before
they change the file. Restoring keeps the damaged file beside it, renamed, so nothing is lost.
"""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from followthrough.core.model import ValidationError
from followthrough.core.shown_dates import day_time
from followthrough.core.text import shown
from followthrough.store.records import DB_NAME, StoreError

# The tables every store has (the first four since schema 1, the others since schema 4).
TABLES = (
    "settings", "interviews", "activities", "steps",
    "feed", "accounts", "sync_items", "sync_state", "drafts",
)  # fmt: skip


class StoreDamaged(StoreError):
    """The database cannot be read as a store; `backup` is the newest copy beside it, if any."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


def newest_backup(path: Path) -> Path | None:
    """The most recent backup copy of the database `path`, or None."""
    copies = [p for p in path.parent.glob(f"{path.name}.schema*.bak") if p.is_file()]
    return max(copies, key=lambda p: p.stat().st_mtime, default=None)


def damaged(path: Path, what: str) -> StoreDamaged:
    """The error for a store that is damaged (`what`: 'is empty', 'has no table steps', ...)."""
    backup = newest_backup(path)
    if backup is None:
        offer = (
            "there is no backup copy beside it; keep the file (it may be repairable with "
            "sqlite3's .recover) and start with another --data-dir."
        )
    else:
        when = day_time(datetime.fromtimestamp(backup.stat().st_mtime))
        offer = (
            f"a backup copy from {when} is beside it: 'followthrough restore-backup' puts it "
            "back and keeps the damaged file."
        )
    return StoreDamaged(f"The store {path} {what}; {offer}", path, backup)


def check_shape(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Raise StoreDamaged when a table a store of schema `version` has is missing."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    expected = TABLES if version >= 4 else TABLES[:4]
    missing = [table for table in expected if table not in present]
    if missing:
        raise damaged(path, f"has lost its table{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}")


def restore_backup(data_dir: Path) -> tuple[Path, Path]:
    """Put the newest backup copy in place of the store; returns (the copy, where the damaged
    file now is). Raises StoreError when there is no copy."""
    path = data_dir / DB_NAME
    backup = newest_backup(path)
    if backup is None:
        raise StoreError(f"There is no backup copy of {path} to restore.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    temporary = path.with_name(f".{path.name}.restoring")
    try:
        shutil.copyfile(backup, temporary)
        os.chmod(temporary, 0o600)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        if path.exists():
            os.replace(path, kept)
        for suffix in ("-wal", "-shm"):  # they belong to the damaged file, not to the copy
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"Cannot restore {backup}: {error.strerror}.") from None
    return backup, kept


_Read = TypeVar("_Read", bound=Callable[..., Any])


def reads(what: str) -> Callable[[_Read], _Read]:
    """For a method that decodes rows: a row that cannot be decoded (written by something
    else, or damaged on disk) is StoreDamaged naming `what`, with the offer of the backup
    copy, instead of a traceback somewhere later."""

    def wrap(method: _Read) -> _Read:
        @functools.wraps(method)
        def reading(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except ValidationError:
                raise  # the caller's mistake (no such id), not damage
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
                problem = shown(f"{type(error).__name__}: {error}")
                raise damaged(self.path, f"holds {what} that cannot be read ({problem})") from None

        return reading  # type: ignore[return-value]

    return wrap

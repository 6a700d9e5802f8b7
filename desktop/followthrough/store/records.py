"""What the store hands out and how it writes instants: the records, the store's errors, and
the data folder's place and privacy. Imported by every module of the store, so it imports none
of them."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from followthrough.core.model import Activity, Interview, Step

DB_NAME = "followthrough.db"


class StoreError(Exception):
    """The store cannot be opened or written; the message says what to do."""


class StoreBusy(StoreError):
    """Another process kept the store busy for too long (see store.waiting); nothing was
    written."""


BUSY_MESSAGE = (
    "Another Followthrough (a window, a command or a sync) is saving to the same data; "
    "nothing was changed: try again in a moment."
)


@dataclass(frozen=True)
class StoredStep:
    """A step with the bookkeeping calendars need: how often it changed, and when last."""

    step: Step
    sequence: int
    modified: datetime


@dataclass(frozen=True)
class StoredInterview:
    """An interview, what happened since, how often it changed and when."""

    interview: Interview
    activities: tuple[Activity, ...]
    sequence: int
    created: datetime
    modified: datetime


def default_data_dir() -> Path:
    """FOLLOWTHROUGH_DATA_DIR, else the platform's user data folder."""
    override = os.environ.get("FOLLOWTHROUGH_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("Followthrough", appauthor=False, roaming=True))


def utc_now() -> datetime:
    """The current instant as the store keeps it: UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def utc_text(moment: datetime) -> str:
    """How the store writes an instant: UTC, to the second, e.g. 2026-11-23T14:00:00Z.

    Formatted by hand: `strftime` imports the `time` module at each call, which under
    PySide6's import hook costs a call into Python (a reload reads thousands of these)."""
    u = moment.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"
    )


def parse_utc(text: str) -> datetime:
    """An instant as `utc_text` wrote it (fromisoformat: some fifty times faster than strptime)."""
    return datetime.fromisoformat(text)


def make_private(data_dir: Path, path: Path) -> None:
    """Only the user may read the data folder and the database: they hold contacts, notes and
    the feed's secret token. Tightens what an earlier version left open (POSIX only)."""
    if os.name != "posix":
        return
    try:
        if not path.exists():  # SQLite gives its -wal and -shm files the database's mode
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        for item, private in (
            (data_dir, 0o700),
            (path, 0o600),
            (path.with_name(path.name + "-wal"), 0o600),
            (path.with_name(path.name + "-shm"), 0o600),
        ):
            if not item.exists():
                continue
            info = item.stat()
            mode = stat.S_IMODE(info.st_mode)
            if info.st_uid == os.getuid() and mode & ~private:
                item.chmod(mode & private)
    except OSError:
        return  # a file system without permissions (a FAT stick): nothing to tighten

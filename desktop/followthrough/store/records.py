"""What the store hands out and how it writes instants: the records, the store's error, and
the data folder's place. Imported by every module of the store, so it imports none of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from followthrough.core.model import Activity, Interview, Step

DB_NAME = "followthrough.db"


class StoreError(Exception):
    """The store cannot be opened or written; the message says what to do."""


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


def utc_text(moment: datetime) -> str:
    """How the store writes an instant: UTC, to the second, e.g. 2026-11-23T14:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """An instant as `utc_text` wrote it (fromisoformat: some fifty times faster than strptime)."""
    return datetime.fromisoformat(text)

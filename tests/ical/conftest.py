"""Builders shared by the iCalendar tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store


@pytest.fixture
def open_at() -> Iterator[Callable[[Path], Store]]:
    """Open stores in folders; they are closed after the test."""
    opened: list[Store] = []

    def opener(folder: Path) -> Store:
        store, _ = open_store(folder)
        if not opened or folder not in {s.path.parent for s in opened}:
            store.set_setting("timezone", "Europe/Paris")
            store.set_setting("country", "FR")
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def sample() -> Callable[..., Interview]:
    """A realistic interview; keyword arguments replace its fields."""
    return sample_interview


def sample_interview(**fields: object) -> Interview:
    paris = ZoneInfo("Europe/Paris")
    end = datetime(2026, 11, 23, 15, 0, tzinfo=paris)
    values: dict[str, object] = {
        "id": "",
        "company": "Acme Analytics",
        "role": "Data engineer",
        "interviewers": (
            Interviewer(name="Ana Díaz", title="CTO", email="ana@acme.example", key="p1"),
            Interviewer(name="Bo Li", key="p2", phone="+33 1 23 45 67 89"),
        ),
        "start": end - timedelta(hours=1),
        "end": end,
        "tz": "Europe/Paris",
        "topics": ("streaming pipelines",),
    }
    values.update(fields)
    return Interview(**values).validated()  # type: ignore[arg-type]

"""Shared by the calendar tests: a store with known interviews and a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store
from followthrough.ui.calendar.event_cache import EventCache

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)  # a Wednesday


def clock() -> datetime:
    return NOW


def make_store(folder: Path) -> Store:
    store, _ = open_store(folder)
    store.set_setting("timezone", "Europe/Paris")
    store.set_setting("country", "FR")
    # Each day's steps at the start of the working day, where these tests look for them
    # (spreading them over the morning has tests of its own: tests/core).
    store.set_setting("spread-steps", "no")
    return store


def add_interview(
    store: Store,
    company: str = "Acme",
    end: datetime = datetime(2026, 11, 23, 15, 0, tzinfo=PARIS),
    person: str = "Ana Diaz",
) -> Interview:
    return store.add_interview(
        Interview(id="", company=company, role="Engineer",
                  interviewers=(Interviewer(name=person, email="ana@acme.example"),),
                  start=end - timedelta(hours=1), end=end, tz="Europe/Paris",
                  topics=("streaming",))
    )


def make_cache(store: Store) -> EventCache:
    return EventCache(store, clock=clock)


def fill_invitations(store: Store, count: int, span: timedelta = timedelta(days=67)) -> None:
    """`count` interviews spread evenly over `span` from 50 days before the clock's day,
    merged as an import of invitations does (most of their follow-ups overdue)."""
    gap = span / count
    first_end = NOW - timedelta(days=50)
    store.merge_interviews([
        (
            Interview(
                id="", company=f"Company {n}", role="Engineer",
                interviewers=(Interviewer(name="Ana Diaz", email=f"ana@c{n}.example"),),
                start=first_end + n * gap - timedelta(hours=1), end=first_end + n * gap,
                tz="Europe/Paris", source_uid=f"invitation-{n}@calendar.example",
            ),
            (),
            0,
        )
        for n in range(count)
    ])

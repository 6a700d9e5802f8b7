"""Shared by the sync tests: their interviews, and the account's calendar as the server has it.

Imported as `from sync_data import ...` (pytest puts tests/sync on sys.path, as it does
tests/ui for calendar_data).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.calendars import calendar_for

if TYPE_CHECKING:
    from caldav.collection import Calendar

PARIS = ZoneInfo("Europe/Paris")
ANA = Interviewer(name="Ana Díaz", title="CTO", email="ana@acme.example", key="p1")
BO = Interviewer(name="Bo Li", key="p2", phone="+33 1 23 45 67 89")


def interview(
    company: str, day: int, people: tuple[Interviewer, ...], topics: tuple[str, ...] = ()
) -> Interview:
    """A data engineer interview at `company` on `day` November 2026, 14:00-15:00 in Paris."""
    end = datetime(2026, 11, day, 15, 0, tzinfo=PARIS)
    return Interview(
        id="",
        company=company,
        role="Data engineer",
        interviewers=people,
        start=end - timedelta(hours=1),
        end=end,
        tz="Europe/Paris",
        topics=topics,
    ).validated()


def add_two(
    store: Store, people: tuple[Interviewer, ...], topics: tuple[str, ...] = ()
) -> list[Interview]:
    """Acme Analytics on the 23rd and Globex on the 24th, stored in a Paris-time store."""
    store.set_setting("timezone", "Europe/Paris")
    return [
        store.add_interview(interview("Acme Analytics", 23, people, topics)),
        store.add_interview(interview("Globex", 24, people, topics)),
    ]


@contextmanager
def remote_calendar(store: Store, account: Account | str) -> Iterator[Calendar]:
    """The account's calendar on a client of its own, closed after."""
    calendar = calendar_for(store, account, timeout=5)
    try:
        yield calendar
    finally:
        assert calendar.client is not None
        calendar.client.close()


def server_uids(store: Store, account: Account) -> list[str]:
    """The UID of every event in the account's calendar, as the server lists them."""
    with remote_calendar(store, account) as calendar:
        return [str(e.icalendar_component["UID"]) for e in calendar.events()]

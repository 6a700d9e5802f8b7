"""Shared by the sync tests: their interviews, the account's calendar as the server has it,
and what a calendar app does to it (edit, move, delete an event).

Imported as `from sync_data import ...` (pytest puts tests/sync on sys.path, as it does
tests/ui for calendar_data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import Interview, Interviewer, Step, StepStatus
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.calendars import calendar_for

if TYPE_CHECKING:
    from caldav.collection import Calendar
    from icalendar import Event

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


def planned(store: Store, interview_id: str) -> list[Step]:
    return [s.step for s in store.steps(interview_id) if s.step.status is StepStatus.PLANNED]


def edit_remote(store: Store, account: Account, uid: str, change: Callable[[Event], None]) -> None:
    """Change one event on the server as a calendar app would (LAST-MODIFIED set by `change`)."""
    with remote_calendar(store, account) as calendar:
        resource = calendar.event_by_uid(uid)
        change(resource.icalendar_component)
        resource.save(increase_seqno=False)


def delete_remote(store: Store, account: Account, uids: list[str]) -> None:
    with remote_calendar(store, account) as calendar:
        for uid in uids:
            calendar.event_by_uid(uid).delete()


def stamp(event: Event, moment: datetime) -> None:
    event.pop("LAST-MODIFIED", None)
    event.add("LAST-MODIFIED", moment.astimezone(UTC))


def moved_to(start: datetime, changed: datetime) -> Callable[[Event], None]:
    """A calendar app's move of an event to `start`, keeping its length, made at `changed`."""

    def move(event: Event) -> None:
        length = event.decoded("DTEND") - event.decoded("DTSTART")
        for name, value in (("DTSTART", start), ("DTEND", start + length)):
            event.pop(name)
            event.add(name, value.astimezone(PARIS))
        stamp(event, changed)

    return move


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str, *modules: object) -> list[object]:
    """The first argument of every call to the function `name` of `modules` (one function,
    imported by each), from now to the end of the test."""
    calls: list[object] = []
    original = getattr(modules[0], name)

    def counted(data: object) -> object:
        calls.append(data)
        return original(data)

    for module in modules:
        monkeypatch.setattr(module, name, counted)
    return calls

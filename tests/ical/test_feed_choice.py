"""What the subscription feed holds: what is still to come, then the recent past, under 1 MB,
saying what it leaves out; and how it publishes (RFC 5546 PUBLISH, checked by libical too).

Real stores in temporary folders; the times are around the real clock, as the planner's are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from libical_check import libical_errors, needs_libical

from followthrough.core.model import Activity, ActivityKind, Interview
from followthrough.ical.export import (
    CANCELLED_KEPT,
    FEED_LIMIT,
    FINISHED_KEPT,
    NO_ADDRESS,
    Exporter,
    Feed,
)
from followthrough.ical.ics_import import import_file
from followthrough.store import Store
from one_interview import finish_plan

NOTES = "Long notes from the interview. " * 320  # ~10,000 characters: ~19 KB an interview
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def store(open_at: Callable[[Path], Store], tmp_path: Path) -> Store:
    return open_at(tmp_path / "data")


def add_at(store: Store, sample: Callable[..., Interview], company: str, start: datetime,
           **fields: object) -> Interview:
    return store.add_interview(sample(company=company, start=start, end=start + timedelta(hours=1),
                                      tz="UTC", **fields))


def companies(data: bytes) -> list[str]:
    """The interviews in a file, in file order."""
    return [str(e["X-FOLLOWTHROUGH-COMPANY"]) for e in Calendar.from_ical(data).walk("VEVENT")
            if "X-FOLLOWTHROUGH-COMPANY" in e]


def test_what_is_still_to_come_goes_in_soonest_first(
    store: Store, sample: Callable[..., Interview]
) -> None:
    for n in range(60):
        add_at(store, sample, f"Company {n}", NOW + timedelta(days=n + 1), notes=NOTES)
    assert len(Exporter(store).ics()) > FEED_LIMIT
    feed = Exporter(store).build_feed(NOW)
    assert len(feed.data) <= FEED_LIMIT
    kept = companies(feed.data)
    assert 0 < len(kept) < 60
    # The soonest are in; the furthest ahead are left out (not, as before, the earliest).
    soonest = [f"Company {n}" for n in range(len(kept))]
    assert sorted(kept, key=lambda c: int(c.split()[1])) == soonest
    assert (feed.interviews, feed.over_interviews, feed.old_interviews) == (
        len(kept), 60 - len(kept), 0
    )
    steps = len(store.steps())
    assert feed.follow_ups + feed.over_follow_ups == steps
    assert feed.follow_ups == sum(1 for e in Calendar.from_ical(feed.data).walk("VEVENT")
                                  if "RELATED-TO" in e)
    # Filled, not trimmed to a round number: the next interview would not have fitted.
    assert len(feed.data) > FEED_LIMIT - 2 * len(NOTES) - 10_000


def test_then_the_recent_past_newest_first(store: Store, sample: Callable[..., Interview]) -> None:
    for n in range(5):
        add_at(store, sample, f"Coming {n}", NOW + timedelta(days=n + 1), notes=NOTES)
    for n in range(70):
        finish_plan(store, add_at(store, sample, f"Past {n}", NOW - timedelta(days=1, hours=12 * n),
                             notes=NOTES))
    feed = Exporter(store).build_feed(NOW)
    kept = companies(feed.data)
    assert {f"Coming {n}" for n in range(5)} <= set(kept)  # everything still to come
    past = [c for c in kept if c.startswith("Past")]
    assert 0 < len(past) < 70
    assert set(past) == {f"Past {n}" for n in range(len(past))}  # the most recent of the past
    assert feed.over_interviews == 70 - len(past)
    assert len(feed.data) <= FEED_LIMIT


def test_the_feed_says_what_it_leaves_out_and_why(
    store: Store, sample: Callable[..., Interview]
) -> None:
    old = add_at(store, sample, "Old Corp", NOW - FINISHED_KEPT - timedelta(days=30))
    finish_plan(store, old)
    current = add_at(store, sample, "New Corp", NOW + timedelta(days=30))
    store.record(current.id, Activity(ActivityKind.SKIP, NOW, step="call"))
    old_steps = len(store.steps(old.id))
    assert Exporter(store).build_feed(NOW).left_out == (  # skipped just now: still shown
        f"The feed leaves out 1 interview and {old_steps} follow-ups: those finished over "
        f"{FINISHED_KEPT.days} days ago."
    )
    later = NOW + CANCELLED_KEPT + timedelta(days=1)
    feed = Exporter(store).build_feed(later)
    assert (feed.old_interviews, feed.old_follow_ups, feed.stale_follow_ups) == (1, old_steps, 1)
    assert feed.over_interviews == feed.over_follow_ups == 0
    assert feed.left_out == (
        f"The feed leaves out 1 interview and {old_steps + 1} follow-ups: 1 interview finished "
        f"over {FINISHED_KEPT.days} days ago and 1 follow-up cancelled or skipped over "
        f"{CANCELLED_KEPT.days} days ago."
    )
    assert companies(feed.data) == ["New Corp"]


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ({}, ""),
        ({"over_interviews": 880, "over_follow_ups": 6100},
         "The feed leaves out 880 interviews and 6,100 follow-ups: those furthest from today, "
         "to stay under the 1 MB Google Calendar reads."),
        ({"stale_follow_ups": 2},
         "The feed leaves out 2 follow-ups: those cancelled or skipped over 14 days ago."),
        ({"old_interviews": 3, "old_follow_ups": 21, "stale_follow_ups": 1,
          "over_interviews": 1, "over_follow_ups": 7},
         "The feed leaves out 4 interviews and 29 follow-ups: 3 interviews finished over 60 "
         "days ago, 1 follow-up cancelled or skipped over 14 days ago and the 1 interview "
         "furthest from today, to stay under the 1 MB Google Calendar reads."),
    ],
)
def test_what_is_left_out_is_one_sentence(counts: dict[str, int], sentence: str) -> None:
    assert Feed(b"", 10, 70, **counts).left_out == sentence


def published_events(data: bytes) -> list[Calendar]:
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    return list(calendar.walk("VEVENT"))


def test_published_events_are_organized_by_the_user_and_invite_no_one(
    store: Store, sample: Callable[..., Interview]
) -> None:
    store.set_setting("my-name", "Sam Rivera")
    store.set_setting("my-email", "sam@example.org")
    store.add_interview(sample(start=NOW + timedelta(days=2), end=NOW + timedelta(days=2, hours=1)))
    events = published_events(Exporter(store).feed(NOW))
    assert len(events) > 1
    for event in events:
        assert "ATTENDEE" not in event
        assert str(event["ORGANIZER"]) == "mailto:sam@example.org"
        assert event["ORGANIZER"].params["CN"] == "Sam Rivera"
    # An export (no METHOD) still names the interviewers as attendees, for calendar apps.
    exported = Calendar.from_ical(Exporter(store).ics())
    assert any("ATTENDEE" in event for event in exported.walk("VEVENT"))
    assert not any("ORGANIZER" in event for event in exported.walk("VEVENT"))


def test_without_an_address_the_organizer_is_one_that_cannot_be_anyone(
    store: Store, sample: Callable[..., Interview]
) -> None:
    store.add_interview(sample(start=NOW + timedelta(days=2), end=NOW + timedelta(days=2, hours=1)))
    exporter = Exporter(store)
    for event in published_events(exporter.feed(NOW)):
        assert str(event["ORGANIZER"]) == f"mailto:{NO_ADDRESS}"
        assert NO_ADDRESS.endswith(".invalid")  # RFC 2606: never a real domain
    store.set_setting("my-email", "sam@example.org")  # the same exporter notices the change
    for event in published_events(exporter.feed(NOW)):
        assert str(event["ORGANIZER"]) == "mailto:sam@example.org"


@needs_libical
def test_libical_finds_nothing_wrong_with_the_published_feed(
    store: Store, sample: Callable[..., Interview]
) -> None:
    store.set_setting("my-email", "sam@example.org")
    interview = store.add_interview(sample(start=NOW + timedelta(days=2),
                                           end=NOW + timedelta(days=2, hours=1)))
    store.record(interview.id, Activity(ActivityKind.SKIP, NOW, step="call"))
    add_at(store, sample, "Acme Past", NOW - timedelta(days=3))
    assert libical_errors(Exporter(store).feed(NOW)) == []


def test_a_feed_imports_back_whole(
    store: Store, sample: Callable[..., Interview], open_at: Callable[[Path], Store],
    tmp_path: Path,
) -> None:
    store.set_setting("my-email", "sam@example.org")
    store.add_interview(sample(start=NOW + timedelta(days=2), end=NOW + timedelta(days=2, hours=1)))
    path = tmp_path / "feed.ics"
    path.write_bytes(Exporter(store).feed(NOW))
    other = open_at(tmp_path / "other")
    report = import_file(other, path)
    assert len(report.added) == 1
    (original,) = store.interviews()
    (imported,) = other.interviews()
    assert imported.interviewers == original.interviewers  # from our X- properties
    assert imported == original

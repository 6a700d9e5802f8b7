"""What one computer or calendar app did is never undone by another: SEQUENCE only goes up,
a deletion made in the calendar stays made on every computer, a skipped step keeps its time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Event
from sync_data import count_calls, remote_calendar, server_uids

from followthrough.core.actions import NEXT_ROUND
from followthrough.core.model import Activity, ActivityKind, Interview, StepStatus
from followthrough.ical.mapping import interview_uid, step_uid
from followthrough.store import Store, open_store
from followthrough.sync.accounts import Account
from followthrough.sync.calendars import use_calendar
from followthrough.sync.connection import add_account
from followthrough.sync.engine import sync
from smtp_server import MemoryKeyring

NewComputer = Callable[[str], Store]


@pytest.fixture
def computer(
    tmp_path: Path, caldav_account: Account, memory_keyring: MemoryKeyring
) -> Iterator[NewComputer]:
    """Sets up another computer: its own data folder, the same account and calendar, and
    (to show that its own settings never move what another computer did) other hours."""
    opened: list[Store] = []
    key = next(k for k in memory_keyring.secrets if caldav_account.username in k[1])
    password = memory_keyring.secrets[key]

    def new(name: str) -> Store:
        other, _ = open_store(tmp_path / name)
        opened.append(other)
        other.set_setting("timezone", "Europe/Paris")
        other.set_setting("work-start", "10:30")
        account = Account(caldav_account.name, caldav_account.url, caldav_account.username)
        add_account(other, account, password)
        use_calendar(other, caldav_account.name, caldav_account.calendar_url, timeout=5)
        return other

    try:
        yield new
    finally:
        for other in opened:
            other.close()


def remote_sequence(store: Store, account: Account | str, uid: str) -> int:
    with remote_calendar(store, account) as calendar:
        return int(calendar.event_by_uid(uid).icalendar_component.get("SEQUENCE", 0))


def raise_remote_sequence(store: Store, account: Account, uid: str, to: int) -> None:
    """A calendar app's edit (a note added) that raises the event's SEQUENCE to `to`."""
    with remote_calendar(store, account) as calendar:
        resource = calendar.event_by_uid(uid)
        event: Event = resource.icalendar_component
        event.pop("SEQUENCE", None)
        event.add("SEQUENCE", to)
        event.pop("LAST-MODIFIED", None)
        event.add("LAST-MODIFIED", datetime.now(UTC))
        event.pop("DESCRIPTION", None)
        event.add("DESCRIPTION", "Ask about the team's on-call rota.")
        resource.save(increase_seqno=False)


def first_planned(store: Store, interview_id: str) -> str:
    return next(
        s.step.id for s in store.steps(interview_id) if s.step.status is StepStatus.PLANNED
    )


# -- SEQUENCE --------------------------------------------------------------------------------


def test_a_change_made_here_goes_above_a_sequence_a_calendar_app_raised(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    step_id = first_planned(store, acme.id)
    uid = step_uid(step_id)
    sync(store, caldav_account, timeout=5)
    raise_remote_sequence(store, caldav_account, uid, 7)
    sync(store, caldav_account, timeout=5)
    step = store.step(step_id).step
    store.record(acme.id, Activity(ActivityKind.DONE, step.start, step=step.key, how="email"))
    report = sync(store, caldav_account, timeout=5)
    assert report.push.updated >= 1 and report.push.conflicts == []
    assert remote_sequence(store, caldav_account, uid) > 7


def test_a_second_computer_that_rebuilt_the_plan_writes_a_higher_sequence(
    store: Store, caldav_account: Account, two: list[Interview], computer: NewComputer
) -> None:
    acme = two[0]
    step_id = first_planned(store, acme.id)
    uid = step_uid(step_id)
    sync(store, caldav_account, timeout=5)
    raise_remote_sequence(store, caldav_account, uid, 4)
    second = computer("second")
    sync(second, caldav_account.name, timeout=5)
    step = second.step(step_id).step
    second.record(acme.id, Activity(ActivityKind.SKIP, datetime.now(UTC), step=step.key))
    report = sync(second, caldav_account.name, timeout=5)
    assert report.push.updated >= 1 and report.push.conflicts == []
    assert remote_sequence(second, caldav_account.name, uid) > 4
    # The interview's own event too: the second computer rebuilt it from the server.
    uid = interview_uid(acme.id)
    raise_remote_sequence(store, caldav_account, uid, 9)
    sync(second, caldav_account.name, timeout=5)
    second.record(acme.id, Activity(ActivityKind.REPLY, datetime.now(UTC)))
    sync(second, caldav_account.name, timeout=5)
    assert remote_sequence(store, caldav_account, uid) > 9


def test_a_second_computer_groups_the_same_rounds_into_the_same_application(
    store: Store, caldav_account: Account, two: list[Interview], computer: NewComputer
) -> None:
    acme = two[0]
    day = acme.start.date() + timedelta(days=10)
    reply = Activity(ActivityKind.REPLY, acme.end + timedelta(days=1), how=NEXT_ROUND, until=day)
    upcoming = store.add_next_round(acme.id, reply)
    sync(store, caldav_account, timeout=5)
    second = computer("second")
    sync(second, caldav_account.name, timeout=5)
    grouped = {app.id: [iv.id for iv in app.rounds] for app in second.applications()}
    assert grouped == {app.id: [iv.id for iv in app.rounds] for app in store.applications()}
    assert grouped[acme.id] == [acme.id, upcoming.id]
    assert second.interview(upcoming.id).round == 2


# -- deletions made in the calendar ------------------------------------------------------------


def delete_remote(store: Store, account: Account, uid: str) -> None:
    with remote_calendar(store, account) as calendar:
        calendar.event_by_uid(uid).delete()


@pytest.mark.parametrize("first", ["this", "other"])
def test_a_step_deleted_in_the_calendar_stays_deleted_on_every_computer(
    store: Store,
    caldav_account: Account,
    two: list[Interview],
    computer: NewComputer,
    first: str,
) -> None:
    acme = two[0]
    step_id = [s.step.id for s in store.steps(acme.id)][-1]
    uid = step_uid(step_id)
    sync(store, caldav_account, timeout=5)
    other = computer("other")
    sync(other, caldav_account.name, timeout=5)
    delete_remote(store, caldav_account, uid)
    order = [store, other] if first == "this" else [other, store]
    for folder in (*order, *order):
        report = sync(folder, caldav_account.name, timeout=5)
        assert report.push.created == 0
    assert uid not in server_uids(store, caldav_account)
    for folder in order:
        assert folder.step(step_id).step.status is StepStatus.SKIPPED
    # A computer set up afterwards learns of the deletion and does not re-create it either.
    later = computer("later")
    report = sync(later, caldav_account.name, timeout=5)
    assert report.push.created == 0
    assert uid not in server_uids(store, caldav_account)
    assert later.step(step_id).step.status is StepStatus.SKIPPED
    assert "Deleted in the calendar" in later.step(step_id).step.status_reason
    # Reopened on that computer, the step goes back to the calendar.
    key = later.step(step_id).step.key
    later.record(acme.id, Activity(ActivityKind.REOPEN, datetime.now(UTC), step=key))
    assert sync(later, caldav_account.name, timeout=5).push.created == 1
    assert uid in server_uids(store, caldav_account)


# -- skipped and cancelled steps keep their time ---------------------------------------------


def test_skipped_and_cancelled_steps_keep_their_time_on_another_computer(
    store: Store, caldav_account: Account, two: list[Interview], computer: NewComputer
) -> None:
    acme, globex = two
    step_id = first_planned(store, acme.id)
    skipped_at = store.step(step_id).step.start
    store.record(
        acme.id,
        Activity(ActivityKind.SKIP, skipped_at + timedelta(hours=3), step=step_id.split(".", 1)[1]),
    )
    store.record(globex.id, Activity(ActivityKind.REPLY, globex.end + timedelta(hours=2)))
    cancelled = {
        s.step.id: s.step.start
        for s in store.steps(globex.id)
        if s.step.status is StepStatus.CANCELLED
    }
    assert cancelled
    sync(store, caldav_account, timeout=5)
    other = computer("other")
    sync(other, caldav_account.name, timeout=5)
    assert other.step(step_id).step.status is StepStatus.SKIPPED
    assert other.step(step_id).step.start == skipped_at
    assert {sid: other.step(sid).step.start for sid in cancelled} == cancelled
    # And nothing goes back to the calendar: both computers show the same.
    again = sync(other, caldav_account.name, timeout=5)
    assert again.push.updated == again.push.created == 0


# -- what is rendered ---------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The UIDs of the events rendered (mapped to iCalendar) while the test runs."""
    from followthrough.ical import export

    rendered: list[str] = []
    step_event, interview_event = export.step_event, export.interview_event

    def counted_step(stored: Any, *args: Any, **kw: Any) -> Any:
        rendered.append(step_uid(stored.step.id))
        return step_event(stored, *args, **kw)

    def counted_interview(stored: Any, *args: Any, **kw: Any) -> Any:
        rendered.append(interview_uid(stored.interview.id))
        return interview_event(stored, *args, **kw)

    monkeypatch.setattr(export, "step_event", counted_step)
    monkeypatch.setattr(export, "interview_event", counted_interview)
    return rendered


def test_a_sync_renders_only_what_it_sends(
    store: Store, caldav_account: Account, two: list[Interview], computer: NewComputer,
    renders: list[str],
) -> None:
    acme = two[0]
    first = sync(store, caldav_account, timeout=5)
    assert len(renders) == first.push.created
    renders.clear()
    assert sync(store, caldav_account, timeout=5).push.unchanged == first.push.created
    assert renders == []  # nothing changed: nothing rendered
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    changed = sync(store, caldav_account, timeout=5)
    assert changed.push.created == 0 and 0 < changed.push.updated <= len(set(renders))
    assert all(acme.id in uid for uid in renders)  # only the changed interview's events
    renders.clear()
    # A second computer's first sync takes every event in and renders none.
    other = computer("other")
    report = sync(other, caldav_account.name, timeout=5)
    assert len(report.pull.added) == 2 and report.push.created == report.push.updated == 0
    assert renders == []


def test_a_sync_with_nothing_listed_does_not_read_the_records_to_compare(
    store: Store, caldav_account: Account, two: list[Interview],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pull compares what the calendar lists with what this computer recorded; when the
    calendar lists nothing (the usual sync), the records are not read for it."""
    from followthrough.sync import pull

    sync(store, caldav_account, timeout=5)
    sync(store, caldav_account, timeout=5)  # the token is past what the first one sent
    reads: list[str] = []
    records = pull.sync_items

    def counted(on: Store, account: str) -> Any:
        reads.append(account)
        return records(on, account)

    monkeypatch.setattr(pull, "sync_items", counted)
    quiet = sync(store, caldav_account, timeout=5)
    assert (quiet.pull.listed, quiet.requests, reads) == (0, 1, [])
    store.record(two[0].id, Activity(ActivityKind.REPLY, two[0].end + timedelta(days=1)))
    sync(store, caldav_account, timeout=5)
    after = sync(store, caldav_account, timeout=5)  # lists what the one before sent
    assert after.pull.listed > 0 and reads == [caldav_account.name]


def test_records_from_before_versions_send_nothing_again(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    import hashlib

    from followthrough.ical.export import Exporter
    from followthrough.sync.records import sync_items

    sync(store, caldav_account, timeout=5)
    files = Exporter(store).event_files()
    # As an older version recorded them: the SHA-256 of the bytes sent.
    with store.transaction() as conn:
        for uid, (_version, data) in files.items():
            conn.execute(
                "UPDATE sync_items SET hash = ? WHERE uid = ?",
                (hashlib.sha256(data).hexdigest(), uid),
            )
    acme = two[0]
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    report = sync(store, caldav_account, timeout=5)
    assert 0 < report.push.updated < len(files) and report.push.created == 0
    assert report.push.conflicts == []
    versions = Exporter(store).versions()
    assert {uid: i.hash for uid, i in sync_items(store, caldav_account.name).items()} == versions


def test_a_second_computer_reads_our_plain_events_without_the_full_parser(
    store: Store, caldav_account: Account, two: list[Interview], computer: NewComputer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every interview and step event as we write them is read by the quick readers
    (ical.quick): the full parser, a millisecond or more an event, reads none of them."""
    import followthrough.sync.merge as merge
    import followthrough.sync.pull as pull

    sync(store, caldav_account, timeout=5)
    full = count_calls(monkeypatch, "main_event", pull, merge)
    other = computer("other")
    report = sync(other, caldav_account.name, timeout=5)
    assert len(report.pull.added) == 2
    assert full == []
    assert [s.interview for s in other.stored_interviews()] == [
        s.interview for s in store.stored_interviews()
    ]

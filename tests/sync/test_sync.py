"""Two-way sync against real CalDAV servers on 127.0.0.1 (Radicale and sabre/dav): pull, merge,
conflicts, faults."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from icalendar import Event
from sync_data import (
    delete_remote,
    edit_remote,
    moved_to,
    planned,
    remote_calendar,
    server_uids,
    stamp,
)

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    StepStatus,
)
from followthrough.ical.export import Exporter
from followthrough.ical.mapping import interview_uid, step_uid
from followthrough.store import Store, open_store
from followthrough.sync.accounts import Account
from followthrough.sync.calendars import use_calendar
from followthrough.sync.connection import add_account
from followthrough.sync.engine import SyncReport, sync
from followthrough.sync.errors import MassDeleteError, SyncError
from followthrough.sync.push import PushReport, push
from followthrough.sync.records import sync_items

if TYPE_CHECKING:
    from conftest import DavServer, MemoryKeyring


@pytest.fixture
def second(
    tmp_path: Path, caldav_account: Account, dav: DavServer, memory_keyring: MemoryKeyring
) -> Iterator[Store]:
    """Another computer: its own data folder, the same account and calendar."""
    other, _ = open_store(tmp_path / "second-computer")
    other.set_setting("timezone", "Europe/Paris")
    key = next(k for k in memory_keyring.secrets if caldav_account.username in k[1])
    password = memory_keyring.secrets[key]
    add_account(other, Account("dav", caldav_account.url, caldav_account.username), password)
    use_calendar(other, "dav", caldav_account.calendar_url, timeout=5)
    try:
        yield other
    finally:
        other.close()


def add_dentist(store: Store, account: Account) -> None:
    """The user's own appointment, added to the calendar by another app."""
    with remote_calendar(store, account) as calendar:
        calendar.add_event(
            dtstart=datetime(2026, 12, 1, 9, tzinfo=UTC),
            dtend=datetime(2026, 12, 1, 10, tzinfo=UTC),
            summary="Dentist",
            uid="dentist-1@example.com",
        )


def role_set_to(role: str, changed: datetime) -> Callable[[Event], None]:
    """Another computer's change of an interview's role, made at `changed`."""

    def rename(event: Event) -> None:
        event.pop("X-FOLLOWTHROUGH-ROLE", None)
        event.add("X-FOLLOWTHROUGH-ROLE", role)
        stamp(event, changed)

    return rename


def synced_step(store: Store, account: Account, interview_id: str, which: int) -> Any:
    """After a sync, the interview's `which`-th planned step (as the calendar now shows it)."""
    sync(store, account, timeout=5)
    return planned(store, interview_id)[which]


def state_of(store: Store) -> dict[str, Any]:
    """What two computers must agree on: interviews, histories, and every step's time/state."""
    return {
        stored.interview.id: (
            dataclasses.replace(stored.interview, created=None),
            sorted(a.id for a in stored.activities),
            sorted(
                (s.step.key, s.step.status.value, s.step.start.astimezone(UTC))
                for s in store.steps(stored.interview.id)
            ),
        )
        for stored in store.stored_interviews()
    }


# -- first and incremental sync ----------------------------------------------------------------


def test_first_sync_sends_everything_and_the_next_sends_nothing(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    files = Exporter(store).event_files()
    first = sync(store, caldav_account, timeout=5)
    assert first.push.created == len(files)
    assert first.pull.full and first.pull.fetched == 0
    again = sync(store, caldav_account, timeout=5)
    assert (again.push.created, again.push.updated, again.push.deleted) == (0, 0, 0)
    assert again.pull.fetched == 0 and not again.pull.full
    assert again.requests <= 2
    quiet = sync(store, caldav_account, timeout=5)
    assert quiet.requests == 1 and quiet.pull.listed == 0


def test_incremental_sync_sends_only_the_changed_interview(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    sync(store, caldav_account, timeout=5)
    sync(store, caldav_account, timeout=5)
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    report = sync(store, caldav_account, timeout=5)
    sent = report.push.created + report.push.updated
    assert sent > 0 and report.pull.fetched == 0
    uids = set(sync_items(store, caldav_account.name))
    acme_uids = {u for u in uids if acme.id in u}
    assert sent <= len(acme_uids)


def test_second_computer_gets_interviews_with_their_plans(
    store: Store, second: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    step = planned(store, acme.id)[0]
    store.record(acme.id, Activity(ActivityKind.DONE, step.start, step=step.key, how="email"))
    sync(store, caldav_account, timeout=5)
    report = sync(second, caldav_account.name, timeout=5)
    assert len(report.pull.added) == 2 and report.pull.full
    assert report.push.created == report.push.updated == 0 and report.push.conflicts == []
    assert report.requests == 2  # the listing and one multiget: nothing is sent back
    assert state_of(second) == state_of(store)
    assert second.step(step.id).step.status is StepStatus.DONE
    back = sync(store, caldav_account, timeout=5)
    assert back.pull.fetched == 0 and back.push.updated == 0


def test_two_computers_converge(
    store: Store, second: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme, globex = two
    sync(store, caldav_account, timeout=5)
    sync(second, caldav_account.name, timeout=5)
    # The second computer marks a step done; the first logs the employer's reply elsewhere.
    step = planned(second, globex.id)[0]
    second.record(globex.id, Activity(ActivityKind.DONE, step.start, step=step.key))
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=2)))
    sync(second, caldav_account.name, timeout=5)
    sync(store, caldav_account, timeout=5)
    sync(second, caldav_account.name, timeout=5)
    assert state_of(second) == state_of(store)
    assert store.step(step.id).step.status is StepStatus.DONE
    chasers = [s.step for s in second.steps(acme.id) if s.step.chaser]
    assert chasers and all(s.status is not StepStatus.PLANNED for s in chasers)
    last = [sync(s, caldav_account.name, timeout=5) for s in (store, second)]
    assert all(r.push.created + r.push.updated + r.push.deleted == 0 for r in last)
    assert all(r.push.conflicts == [] and r.pull.conflicts == [] for r in last)


# -- what a calendar app does --------------------------------------------------------------


def test_step_moved_in_the_calendar_moves_here(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    step = synced_step(store, caldav_account, acme.id, -1)
    later = step.start + timedelta(days=1, hours=2)

    move = moved_to(later, datetime.now(UTC) + timedelta(minutes=5))
    edit_remote(store, caldav_account, step_uid(step.id), move)
    report = sync(store, caldav_account, timeout=5)
    assert report.pull.fetched == 1 and not report.pull.conflicts
    moved = store.step(step.id).step
    assert moved.start == later and moved.manual
    assert report.push.updated >= 1  # the interview's event carries the move to other computers


def test_step_marked_done_in_the_calendar_is_done_here(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    step = synced_step(store, caldav_account, acme.id, 0)

    def done(event: Event) -> None:
        # What a person does in a calendar app: only the title changes.
        event["SUMMARY"] = "✓ " + str(event["SUMMARY"])
        stamp(event, datetime.now(UTC) + timedelta(minutes=5))

    edit_remote(store, caldav_account, step_uid(step.id), done)
    sync(store, caldav_account, timeout=5)
    assert store.step(step.id).step.status is StepStatus.DONE


def test_step_deleted_in_the_calendar_is_skipped_not_recreated(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    step = synced_step(store, caldav_account, acme.id, -1)
    uid = step_uid(step.id)
    delete_remote(store, caldav_account, [uid])
    report = sync(store, caldav_account, timeout=5)
    assert report.pull.skipped_steps == 1
    assert store.step(step.id).step.status is StepStatus.SKIPPED
    assert report.push.created == 0
    assert sync(store, caldav_account, timeout=5).push.created == 0
    assert uid not in server_uids(store, caldav_account)
    # Reopened here, it is a change of this computer's: it goes back to the calendar.
    store.record(acme.id, Activity(ActivityKind.REOPEN, datetime.now(UTC), step=step.key))
    assert sync(store, caldav_account, timeout=5).push.created == 1


def test_interview_deleted_in_the_calendar_is_deleted_here(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme, globex = two
    sync(store, caldav_account, timeout=5)
    uids = [u for u in sync_items(store, caldav_account.name) if acme.id in u]
    delete_remote(store, caldav_account, uids)
    report = sync(store, caldav_account, timeout=5)
    assert report.pull.deleted == ["Acme Analytics — Data engineer"]
    assert [iv.id for iv in store.interviews()] == [globex.id]
    assert all(acme.id not in u for u in sync_items(store, caldav_account.name))
    assert report.push.created == 0


def test_remote_delete_never_wins_over_a_change_made_here(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    step = synced_step(store, caldav_account, acme.id, -1)
    store.record(
        acme.id,
        Activity(
            ActivityKind.MOVE, datetime.now(UTC), step=step.key, to=step.start + timedelta(hours=3)
        ),
    )
    delete_remote(store, caldav_account, [step_uid(step.id)])
    report = sync(store, caldav_account, timeout=5)
    assert report.pull.kept and report.pull.skipped_steps == 0
    assert store.step(step.id).step.status is StepStatus.PLANNED
    assert report.push.created == 1  # sent again


def test_more_than_half_deleted_stops_and_asks(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    sync(store, caldav_account, timeout=5)
    before = state_of(store)
    delete_remote(store, caldav_account, list(sync_items(store, caldav_account.name)))
    with pytest.raises(MassDeleteError, match="more than half"):
        sync(store, caldav_account, timeout=5)
    assert state_of(store) == before
    report = sync(store, caldav_account, timeout=5, allow_deletes=True)
    assert len(report.pull.deleted) == 2 and store.interviews() == []


def test_deleting_most_here_stops_before_deleting_in_the_calendar(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    sync(store, caldav_account, timeout=5)
    for iv in two:
        store.delete_interview(iv.id)
    with pytest.raises(MassDeleteError):
        sync(store, caldav_account, timeout=5)
    assert len(sync_items(store, caldav_account.name)) > 0
    report = sync(store, caldav_account, timeout=5, allow_deletes=True)
    assert report.push.deleted > 0 and sync_items(store, caldav_account.name) == {}


def test_foreign_events_are_left_alone(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    sync(store, caldav_account, timeout=5)
    add_dentist(store, caldav_account)
    before = state_of(store)
    report = sync(store, caldav_account, timeout=5)
    assert report.pull.fetched == 1 and state_of(store) == before
    assert report.push.deleted == 0


# -- conflicts -----------------------------------------------------------------------------


def _changed_on_both_sides(
    store: Store, account: Account, acme: Interview, there: Callable[[Event], None]
) -> None:
    """After a sync, the role changes here and `there` changes the interview's event."""
    sync(store, account, timeout=5)
    store.update_interview(dataclasses.replace(acme, role="Staff data engineer").validated())
    edit_remote(store, account, interview_uid(acme.id), there)


def _conflicting_move(
    store: Store, account: Account, acme: Interview, remote_later: bool
) -> tuple[Any, datetime, datetime]:
    step = synced_step(store, account, acme.id, -1)
    here = step.start + timedelta(hours=2)
    there = step.start + timedelta(days=1)
    store.record(acme.id, Activity(ActivityKind.MOVE, datetime.now(UTC), step=step.key, to=here))
    when = datetime.now(UTC) + (timedelta(hours=1) if remote_later else -timedelta(hours=1))

    edit_remote(store, account, step_uid(step.id), moved_to(there, when))
    return step, here, there


@pytest.mark.parametrize(
    ("remote_later", "kept"),
    [(True, "the calendar's later move"), (False, "this computer's later move")],
    ids=["later-in-the-calendar", "later-here"],
)
def test_conflicting_moves_keep_the_later_one_everywhere_and_note_the_other(
    store: Store, caldav_account: Account, two: list[Interview], remote_later: bool, kept: str
) -> None:
    acme = two[0]
    step, here, there = _conflicting_move(store, caldav_account, acme, remote_later)
    later = there if remote_later else here
    report = sync(store, caldav_account, timeout=5)
    assert store.step(step.id).step.start == later
    (conflict,) = report.pull.conflicts
    assert f"{kept} was kept" in conflict
    noted = [a for a in store.activities(acme.id) if a.kind is ActivityKind.CONFLICT]
    assert len(noted) == 1 and noted[0].step == step.key and noted[0].note == conflict
    with remote_calendar(store, caldav_account) as calendar:
        shown = calendar.event_by_uid(step_uid(step.id)).icalendar_component.decoded("DTSTART")
    assert shown == later


def test_different_fields_changed_on_both_sides_are_both_kept(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]

    def relocate(event: Event) -> None:
        event.pop("LOCATION", None)
        event.add("LOCATION", "12 rue de la Paix, Paris")
        stamp(event, datetime.now(UTC) + timedelta(minutes=5))

    _changed_on_both_sides(store, caldav_account, acme, relocate)
    report = sync(store, caldav_account, timeout=5)
    merged = store.interview(acme.id)
    assert merged.role == "Staff data engineer"
    assert merged.location == "12 rue de la Paix, Paris"
    assert report.pull.conflicts == []


def test_same_interview_field_changed_on_both_sides(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    rename = role_set_to("Analytics engineer", datetime.now(UTC) + timedelta(hours=1))
    _changed_on_both_sides(store, caldav_account, acme, rename)
    report = sync(store, caldav_account, timeout=5)
    assert store.interview(acme.id).role == "Analytics engineer"
    (note,) = report.pull.conflicts
    assert "Staff data engineer" in note and "Analytics engineer" in note
    assert any(a.kind is ActivityKind.CONFLICT for a in store.activities(acme.id))


# -- faults --------------------------------------------------------------------------------


def test_sync_interrupted_during_the_pull_applies_nothing_then_completes(
    store: Store,
    second: Store,
    caldav_account: Account,
    two: list[Interview],
    dav: DavServer,
    fault: dict[str, Any],
) -> None:
    sync(store, caldav_account, timeout=5)
    # The listing answers; the server stops before the events are fetched.
    fault.update(server=dav, method="REPORT", after=1)
    with pytest.raises(SyncError, match="Nothing answers"):
        sync(second, caldav_account.name, timeout=5)
    assert second.interviews() == [] and sync_items(second, caldav_account.name) == {}
    dav.start()
    report = sync(second, caldav_account.name, timeout=5)
    assert len(report.pull.added) == 2 and report.push.created == 0
    assert state_of(second) == state_of(store)


@pytest.mark.parametrize("send", [push, sync], ids=["push", "sync"])
def test_an_interrupted_push_resumes_without_duplicates(
    store: Store,
    caldav_account: Account,
    two: list[Interview],
    dav: DavServer,
    fault: dict[str, Any],
    send: Callable[..., PushReport | SyncReport],
) -> None:
    files = Exporter(store).event_files()
    fault.update(server=dav, method="PUT", after=3)
    with pytest.raises(SyncError, match="Nothing answers"):
        send(store, caldav_account, timeout=5)
    assert len(sync_items(store, caldav_account.name)) == 3
    dav.start()
    report = send(store, caldav_account, timeout=5)
    pushed = report.push if isinstance(report, SyncReport) else report
    assert pushed.created == len(files) - 3 and pushed.unchanged == 3
    assert sorted(server_uids(store, caldav_account)) == sorted(files)
    recorded = sync_items(store, caldav_account.name)
    assert {uid: i.hash for uid, i in recorded.items()} == Exporter(store).versions()


def test_a_server_error_mid_push_loses_nothing(
    store: Store, caldav_account: Account, two: list[Interview], fault: dict[str, Any]
) -> None:
    files = Exporter(store).event_files()
    fault.update(method="PUT", after=2, status=500)
    with pytest.raises(SyncError):
        sync(store, caldav_account, timeout=5)
    report = sync(store, caldav_account, timeout=5)
    # The PUT answered 500 had reached the server: the pull finds it, the same event, and
    # records it; nothing is sent twice.
    assert report.pull.fetched == 1
    assert report.push.created == len(files) - 3 and report.push.updated == 0
    assert len(sync_items(store, caldav_account.name)) == len(files)
    assert sorted(server_uids(store, caldav_account)) == sorted(files)


def test_a_refused_token_falls_back_to_a_full_listing(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    sync(store, caldav_account, timeout=5)
    sync(store, caldav_account, timeout=5)
    with store.transaction() as conn:
        conn.execute("UPDATE sync_state SET token = 'http://radicale.org/ns/sync/nonsense'")
    report = sync(store, caldav_account, timeout=5)
    assert report.pull.full and report.pull.fetched == 0
    assert report.push.created == report.push.updated == 0


def test_a_day_old_listing_is_done_again_in_full(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    sync(store, caldav_account, timeout=5)
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    report = sync(store, caldav_account, timeout=5, now=later)
    assert report.pull.full and report.pull.listed == len(sync_items(store, caldav_account.name))


@pytest.mark.parametrize("send", [push, sync], ids=["push", "sync"])
def test_wrong_password_is_one_sentence_and_stores_nothing(
    store: Store,
    caldav_account: Account,
    two: list[Interview],
    memory_keyring: MemoryKeyring,
    send: Callable[..., PushReport | SyncReport],
) -> None:
    # sabre/dav serves a request with wrong credentials as an anonymous one, and lists an
    # empty calendar to anyone (207, no member to refuse): a calendar in use has events.
    add_dentist(store, caldav_account)
    for key in memory_keyring.secrets:
        memory_keyring.secrets[key] = "wrong"
    with pytest.raises(SyncError, match="refused the user name or password"):
        send(store, caldav_account, timeout=5)
    assert sync_items(store, caldav_account.name) == {}
    assert store.conn.execute("SELECT COUNT(*) FROM sync_state").fetchone() == (0,)


def test_push_alone_still_works_after_a_pull(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    sync(store, caldav_account, timeout=5)
    assert push(store, caldav_account, timeout=5).requests == 0


# -- the command ---------------------------------------------------------------------------


class RunCli(Protocol):
    def __call__(self, *argv: str, stdin: str = "", tty: bool = False) -> tuple[int, str, str]: ...


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Runs `followthrough <argv>` with `stdin` (a terminal when `tty`): (code, out, err)."""
    import io

    from followthrough import cli

    def run(*argv: str, stdin: str = "", tty: bool = False) -> tuple[int, str, str]:
        class Input(io.StringIO):
            def isatty(self) -> bool:
                return tty

        monkeypatch.setattr("sys.stdin", Input(stdin))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_sync_command(
    store: Store, caldav_account: Account, two: list[Interview], run_cli: RunCli
) -> None:
    code, out, err = run_cli("sync")
    assert (code, err) == (0, "")
    assert "To the calendar: 14 created, 0 updated, 0 deleted" in out
    code, out, err = run_cli("sync", "dav")
    assert code == 0 and "0 created, 0 updated, 0 deleted" in out
    # A conflict is printed, and shown in the interview's history.
    acme = two[0]
    store.update_interview(dataclasses.replace(acme, role="Staff data engineer").validated())

    rename = role_set_to("Analytics engineer", datetime.now(UTC) + timedelta(hours=1))
    edit_remote(store, caldav_account, interview_uid(acme.id), rename)
    code, out, err = run_cli("sync")
    assert code == 0 and "conflict: Acme Analytics: the role was changed on both sides" in out
    code, out, err = run_cli("interview", "show", acme.id)
    assert "History:" in out and "sync conflict: Acme Analytics: the role" in out


def test_the_sync_command_asks_before_deleting_most_events(
    store: Store, caldav_account: Account, two: list[Interview], run_cli: RunCli
) -> None:
    run_cli("sync")
    for iv in two:
        store.delete_interview(iv.id)
    code, out, err = run_cli("sync")
    assert code == 1 and "more than half" in err and "--allow-deletes" in err
    code, out, err = run_cli("sync", stdin="n\n", tty=True)
    assert code == 1 and "Nothing was deleted" in err
    assert len(sync_items(store, caldav_account.name)) == 14
    code, out, err = run_cli("sync", stdin="y\n", tty=True)
    assert code == 0 and "0 created, 0 updated, 14 deleted" in out
    assert sync_items(store, caldav_account.name) == {}


def test_the_sync_command_without_an_account(store: Store, run_cli: RunCli) -> None:
    code, out, err = run_cli("sync")
    assert code == 1 and out == "" and err.startswith("followthrough: No account syncs")


# -- servers without the optional reports ----------------------------------------------------


@pytest.fixture
def refuse(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Make REPORT bodies containing any of the listed tags answer 501 Not Implemented."""
    from caldav.davclient import DAVClient

    refused: list[bytes] = []
    original = DAVClient.request

    def request(self: DAVClient, url: str, method: str = "GET", body: Any = b"", *a: Any,
                **kw: Any) -> Any:  # fmt: skip
        answer = original(self, url, method, body, *a, **kw)
        data = body if isinstance(body, bytes) else str(body).encode()
        if method == "REPORT" and any(tag in data for tag in refused):
            answer.status, answer.reason = 501, "Not Implemented"
        return answer

    monkeypatch.setattr(DAVClient, "request", request)
    return refused


@pytest.mark.parametrize(
    "refused",
    [b"sync-collection", b"calendar-multiget"],
    ids=["without-sync-collection-it-lists-with-propfind", "without-multiget-it-reads-with-gets"],
)
def test_a_server_without_an_optional_report_still_syncs_in_full(
    store: Store,
    second: Store,
    caldav_account: Account,
    two: list[Interview],
    refuse: list[bytes],
    refused: bytes,
) -> None:
    refuse.append(refused)
    sync(store, caldav_account, timeout=5)
    report = sync(second, caldav_account.name, timeout=5)
    assert report.pull.full and len(report.pull.added) == 2
    assert report.pull.fetched == len(sync_items(store, caldav_account.name))
    assert state_of(second) == state_of(store)
    again = sync(second, caldav_account.name, timeout=5)
    assert again.pull.fetched == 0 and again.push.created + again.push.updated == 0


def test_a_server_that_stops_answering_times_out_and_the_next_sync_completes(
    store: Store,
    caldav_account: Account,
    two: list[Interview],
    dav: DavServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import signal

    from caldav.davclient import DAVClient

    files = Exporter(store).event_files()
    original = DAVClient.request
    seen = {"puts": 0}

    def request(self: DAVClient, url: str, method: str = "GET", *a: Any, **kw: Any) -> Any:
        if method == "PUT":
            seen["puts"] += 1
            if seen["puts"] == 5 and dav.process is not None:
                os.kill(dav.process.pid, signal.SIGSTOP)  # hangs: accepts, never answers
        return original(self, url, method, *a, **kw)

    monkeypatch.setattr(DAVClient, "request", request)
    try:
        with pytest.raises(SyncError, match=r"did not answer within 1 second\.$"):
            sync(store, caldav_account, timeout=1)
    finally:
        assert dav.process is not None
        os.kill(dav.process.pid, signal.SIGCONT)
    report = sync(store, caldav_account, timeout=5)
    assert len(sync_items(store, caldav_account.name)) == len(files)
    assert report.push.created + report.pull.fetched <= len(files) - 4
    assert sorted(server_uids(store, caldav_account)) == sorted(files)

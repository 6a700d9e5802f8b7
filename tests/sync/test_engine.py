"""Pushing the store's events to real CalDAV servers (Radicale and sabre/dav on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from icalendar import Calendar as ICalendar
from sync_data import ANA, BO, count_calls, remote_calendar

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer
from followthrough.ical.export import Exporter
from followthrough.ical.mapping import interview_uid
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.events import content_key
from followthrough.sync.push import push
from followthrough.sync.records import SyncItem, bases, sync_items
from followthrough.sync.records import record as _record

if TYPE_CHECKING:
    from conftest import DavServer


@pytest.fixture
def people() -> tuple[Interviewer, ...]:
    """Two interviewers, one with only a phone number: more kinds of event to push."""
    return (ANA, BO)


def server_events(store: Store, account: Account) -> dict[str, tuple[bytes, list[str]]]:
    """UID -> (stored body, every UID of the calendar) as the server lists them."""
    found: dict[str, tuple[bytes, list[str]]] = {}
    uids: list[str] = []
    with remote_calendar(store, account) as calendar:
        for resource in calendar.events():
            data = resource.data
            body = data.encode() if isinstance(data, str) else bytes(data)
            parsed = ICalendar.from_ical(body)
            for event in parsed.walk("VEVENT"):
                uids.append(str(event["UID"]))
                found[str(event["UID"])] = (body, uids)
    assert len(uids) == len(set(uids)), "an event is on the server twice"
    return found


def status_on_server(body: bytes) -> str:
    (event,) = ICalendar.from_ical(body).walk("VEVENT")
    return str(event.get("STATUS", ""))


def test_first_push_creates_every_event(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    files = Exporter(store).event_files()
    assert len(files) > 2
    report = push(store, caldav_account, timeout=5)
    assert report.created == len(files)
    assert (report.updated, report.deleted, report.unchanged, report.conflicts) == (0, 0, 0, [])
    on_server = server_events(store, caldav_account)
    assert set(on_server) == set(files)
    for uid, (body, _all) in on_server.items():
        assert b"METHOD" not in body
        assert content_key(body) == content_key(files[uid][1])
    recorded = sync_items(store, caldav_account.name)
    assert set(recorded) == set(files)
    versions = Exporter(store).versions()
    assert all(item.etag and item.hash == versions[uid] for uid, item in recorded.items())


def test_event_files_are_standalone_and_stable(store: Store, two: list[Interview]) -> None:
    first = Exporter(store).event_files()
    again = Exporter(store).event_files()
    assert {uid: h for uid, (h, _d) in first.items()} == {uid: h for uid, (h, _d) in again.items()}
    for uid, (_hash, data) in first.items():
        calendar = ICalendar.from_ical(data)
        assert "METHOD" not in calendar
        assert calendar["VERSION"] == "2.0" and "PRODID" in calendar
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == uid
        named = {
            str(event[p].params["TZID"])
            for p in ("DTSTART", "DTEND")
            if p in event and "TZID" in event[p].params
        }
        assert named == {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}


def test_second_push_sends_nothing(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    first = push(store, caldav_account, timeout=5)
    again = push(store, caldav_account, timeout=5)
    assert again.unchanged == first.created
    assert (again.created, again.updated, again.deleted, again.requests) == (0, 0, 0, 0)


def test_reply_pushes_only_changed_events(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    push(store, caldav_account, timeout=5)
    before = Exporter(store).event_files()
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    after = Exporter(store).event_files()
    changed = {uid for uid in after if uid not in before or after[uid][0] != before[uid][0]}
    assert changed
    report = push(store, caldav_account, timeout=5)
    assert report.updated + report.created == len(changed)
    assert report.unchanged == len(after) - len(changed)
    assert report.requests == len(changed)  # the server gave each PUT its ETag
    on_server = server_events(store, caldav_account)
    cancelled = {
        uid for uid, (body, _all) in on_server.items() if status_on_server(body) == "CANCELLED"
    }
    assert cancelled and cancelled <= changed
    assert all(content_key(on_server[uid][0]) == content_key(after[uid][1]) for uid in after)


def test_deleted_interview_deletes_its_events(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme, globex = two
    push(store, caldav_account, timeout=5)
    kept = set(Exporter(store).event_files())
    store.delete_interview(acme.id)
    remaining = set(Exporter(store).event_files())
    report = push(store, caldav_account, timeout=5)
    assert report.deleted == len(kept - remaining) > 0
    assert set(server_events(store, caldav_account)) == remaining
    assert set(sync_items(store, caldav_account.name)) == remaining
    assert interview_uid(globex.id) in remaining


def test_lost_record_is_found_again(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    push(store, caldav_account, timeout=5)
    recorded = sync_items(store, caldav_account.name)
    lost = interview_uid(two[0].id)
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_items WHERE uid = ?", (lost,))
    report = push(store, caldav_account, timeout=5)
    assert (report.created, report.adopted, report.conflicts) == (0, 1, [])
    assert sync_items(store, caldav_account.name)[lost] == recorded[lost]
    assert len(server_events(store, caldav_account)) == len(recorded)


def test_a_store_that_lost_every_record_adopts_the_calendar_as_it_is(
    store: Store,
    caldav_account: Account,
    two: list[Interview],
    dav: DavServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A store restored from a copy made before its first sync (or whose records were lost)
    finds in the calendar the very events it would send: it records them and sends nothing,
    and no SEQUENCE goes up (it once raised and re-sent every event whose SEQUENCE was above 0,
    so every calendar app saw them all change). Events given back as they were sent are
    compared without reading them."""
    from followthrough.sync.engine import sync

    acme = two[0]
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    push(store, caldav_account, timeout=5)
    recorded = sync_items(store, caldav_account.name)
    files = Exporter(store).event_files()
    raised = [uid for uid, (_h, data) in files.items() if b"SEQUENCE:0" not in data]
    assert raised  # the reply cancelled chasers: their SEQUENCE went above 0
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_items")
        conn.execute("DELETE FROM sync_state")
    from followthrough.sync import events

    compared = count_calls(monkeypatch, "content_key", events)
    report = sync(store, caldav_account.name, timeout=5)
    assert report.pull.fetched == len(files)
    # sabre/dav gives back the bytes it was sent (its XML answer ends lines with LF only):
    # nothing is read to compare them. Radicale writes the events anew: each is read.
    assert len(compared) == (0 if dav.name == "sabre/dav" else 2 * len(files))
    assert (report.push.created, report.push.updated, report.push.requests) == (0, 0, 0)
    assert Exporter(store).event_files() == files  # nothing raised, nothing changed
    assert {uid: i.etag for uid, i in sync_items(store, caldav_account.name).items()} == {
        uid: i.etag for uid, i in recorded.items()
    }


def test_after_a_big_push_the_next_sync_does_not_read_it_back(
    store: Store, caldav_account: Account, two: list[Interview], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The calendar lists what a push sent as changed since the token its pull kept. After a
    push of many events (CATCH_UP, lowered here) the same sync reads that list at once, where
    it is known to be its own (nothing fetched), so the next sync with nothing to do lists
    nothing: at 1,000 interviews, reading 7,779 events back cost most of that next sync."""
    from followthrough.sync import engine

    monkeypatch.setattr(engine, "CATCH_UP", 3)
    first = engine.sync(store, caldav_account.name, timeout=5)
    events = len(Exporter(store).event_files())
    assert first.push.created == events > 3
    assert first.pull.fetched == 0  # its own events: nothing downloaded
    assert first.requests == events + 2  # a listing, the PUTs, the listing after them
    quiet = engine.sync(store, caldav_account.name, timeout=5)
    assert (quiet.pull.listed, quiet.pull.fetched, quiet.requests) == (0, 0, 1)
    monkeypatch.setattr(engine, "CATCH_UP", 10_000)  # a small push: read back next time
    acme = two[0]
    store.record(acme.id, Activity(ActivityKind.REPLY, acme.end + timedelta(days=1)))
    small = engine.sync(store, caldav_account.name, timeout=5)
    sent = small.push.created + small.push.updated
    assert sent and small.requests == sent + 1
    after = engine.sync(store, caldav_account.name, timeout=5)
    assert after.pull.listed == sent and after.pull.fetched == 0 and after.requests == 1


def test_changed_on_server_is_a_conflict_not_overwritten(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    acme = two[0]
    push(store, caldav_account, timeout=5)
    uid = interview_uid(acme.id)
    with remote_calendar(store, caldav_account) as calendar:
        event = calendar.event_by_uid(uid)
        event.icalendar_component["SUMMARY"] = "Moved by phone"
        event.save()
    store.update_interview(dataclasses.replace(acme, role="Staff data engineer").validated())
    report = push(store, caldav_account, timeout=5)
    assert uid in report.conflicts
    body, _all = server_events(store, caldav_account)[uid]
    assert b"Moved by phone" in body


def test_another_calendar_gets_every_event(
    store: Store, caldav_account: Account, two: list[Interview]
) -> None:
    from followthrough.sync.calendars import use_calendar

    first = push(store, caldav_account, timeout=5)
    other = use_calendar(store, caldav_account.name, create="Elsewhere", timeout=5).account
    report = push(store, other, timeout=5)
    assert (report.created, report.deleted, report.unchanged) == (first.created, 0, 0)
    assert set(server_events(store, other)) == set(Exporter(store).event_files())


def test_etag_is_fetched_when_put_gives_none(
    store: Store, caldav_account: Account, two: list[Interview], monkeypatch: pytest.MonkeyPatch
) -> None:
    from caldav.davclient import DAVClient

    original = DAVClient.request
    methods: list[str] = []

    def request(self: DAVClient, url: str, method: str = "GET", *args: Any, **kw: Any) -> Any:
        answer = original(self, url, method, *args, **kw)
        methods.append(method)
        if method == "PUT":
            answer.headers.pop("ETag", None)
        return answer

    monkeypatch.setattr(DAVClient, "request", request)
    report = push(store, caldav_account, timeout=5)
    assert methods.count("HEAD") == methods.count("PUT") == report.created
    assert report.requests == 2 * report.created
    with remote_calendar(store, caldav_account) as calendar:
        assert calendar.client is not None
        for uid, item in sync_items(store, caldav_account.name).items():
            remote = calendar.client.request(str(calendar.url.join(item.href)), "HEAD")
            assert remote.headers["ETag"] == item.etag, uid


def test_bases_reads_the_asked_uids_of_one_account(store: Store) -> None:
    for account, uid, base in (
        ("work", "a@followthrough", b"BEGIN:VCALENDAR a"),
        ("work", "b@followthrough", b"BEGIN:VCALENDAR b"),
        ("work", "empty@followthrough", b""),  # recorded before bases were kept
        ("home", "a@followthrough", b"BEGIN:VCALENDAR home a"),
        ("home", "c@followthrough", b"BEGIN:VCALENDAR c"),
    ):
        _record(store, account, SyncItem(uid, f"/{uid}.ics", '"1"', "h", base))
    asked = ["a@followthrough", "empty@followthrough", "c@followthrough", "missing@x"]
    assert bases(store, "work", asked) == {"a@followthrough": b"BEGIN:VCALENDAR a"}
    assert bases(store, "home", iter(asked)) == {
        "a@followthrough": b"BEGIN:VCALENDAR home a",
        "c@followthrough": b"BEGIN:VCALENDAR c",
    }
    assert bases(store, "work", ["b@followthrough", "b@followthrough"]) == {
        "b@followthrough": b"BEGIN:VCALENDAR b"
    }
    assert bases(store, "work", []) == {}
    assert bases(store, "nobody", asked) == {}
    assert all(isinstance(value, bytes) for value in bases(store, "home", asked).values())

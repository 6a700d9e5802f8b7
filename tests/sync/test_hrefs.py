"""Hrefs compared in one form: however a server writes them, a change made in the calendar is seen.

Servers write an event's href their own way: `%40` or `@`, an absolute URL or a path, with a
slash at the end or not. `hrefs.canonical_href` puts each in one form. Below, the hostile
proxy (hostile_server.py) in front of each real server rewrites every href of the sync's
listings and multigets in one of those ways, so the server's answers never name a resource as
it was PUT; a delete, a move (the same UID at a new href) and an edit made in the calendar
must each be seen. Our events' UIDs, and so their resource names, hold an `@`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from hostile_server import (
    HostileServer,
    Misdeed,
    Seen,
    absolute,
    account_at,
    answer,
    flip_at,
    hrefs,
    trailing_slash,
)
from sync_data import delete_remote, edit_remote, moved_to, planned, remote_calendar, server_uids

from followthrough.core.model import Activity, ActivityKind, Interview, StepStatus
from followthrough.ical.mapping import step_uid
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.engine import SyncReport, sync
from followthrough.sync.hrefs import canonical_href
from followthrough.sync.records import SyncItem, record, sync_items

if TYPE_CHECKING:
    from conftest import DavServer, MemoryKeyring

BASE = "http://127.0.0.1:5232/user1/cal-1/"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/user1/cal-1/followthrough-a1@followthrough.ics", "followthrough-a1@followthrough.ics"),
        ("/user1/cal-1/followthrough-a1%40followthrough.ics", "followthrough-a1@followthrough.ics"),
        ("/user1/cal-1/a1%40followthrough.ics/", "a1@followthrough.ics"),
        (BASE + "followthrough-a1%40followthrough.ics", "followthrough-a1@followthrough.ics"),
        ("http://localhost:80/user1/cal-1/a@b.ics//", "a@b.ics"),
        ("followthrough-a1@followthrough.ics", "followthrough-a1@followthrough.ics"),
        ("./a1%40followthrough.ics", "a1@followthrough.ics"),
        ("/user1/cal%2d1/x%2fy.ics", "x%2Fy.ics"),  # a slash in a name stays in the name
        ("/user1/cal-1/caf%C3%A9 lunch.ics", "caf%C3%A9%20lunch.ics"),
        ("/user1/cal-1/caf\u00e9%20lunch.ics", "caf%C3%A9%20lunch.ics"),
        ("/user1/cal-1/%ff%FE.ics", "%FF%FE.ics"),  # not UTF-8: the same bytes
    ],
)
def test_every_way_of_writing_an_href_is_one_form(href: str, expected: str) -> None:
    assert canonical_href(href, BASE) == "/user1/cal-1/" + expected
    assert canonical_href(canonical_href(href, BASE)) == canonical_href(href, BASE)
    assert canonical_href(BASE) == canonical_href("/user1/cal-1") == "/user1/cal-1"


def test_records_are_kept_and_read_in_the_one_form(store: Store) -> None:
    with store.transaction() as conn:  # as an earlier version wrote it: the whole URL, %40
        conn.execute(
            "INSERT INTO sync_items (account, uid, href, etag, hash, base) VALUES (?,?,?,?,?,?)",
            ("dav", "a@x", BASE + "a%40x.ics", '"1"', "h", b""),
        )
    assert sync_items(store, "dav")["a@x"].href == "/user1/cal-1/a@x.ics"
    record(store, "dav", SyncItem("b@x", BASE + "b%40x.ics/", '"2"', "h"))
    stored = store.conn.execute("SELECT href FROM sync_items WHERE uid = 'b@x'").fetchone()
    assert stored == ("/user1/cal-1/b@x.ics",)


# -- a real server, its hrefs rewritten ------------------------------------------------------

STYLES: dict[str, Callable[[HostileServer], Callable[[str], str]]] = {
    "percent-40-and-at-swapped": lambda proxy: flip_at,
    "absolute-urls": lambda proxy: absolute(proxy.url),
    "trailing-slash": lambda proxy: trailing_slash,
}


def sync_answer(seen: Seen) -> bool:
    """A listing or a multiget of our sync (not the requests a test makes as a calendar app)."""
    return b"sync-collection" in seen.body or b"calendar-multiget" in seen.body


@pytest.fixture
def proxy(dav: DavServer) -> Iterator[HostileServer]:
    """The hostile proxy in front of the server under test."""
    with HostileServer(dav.url) as server:
        yield server


@pytest.fixture(params=sorted(STYLES))
def style(request: pytest.FixtureRequest, proxy: HostileServer) -> Misdeed:
    """The server's answer with its hrefs written in one of the STYLES."""
    return hrefs(STYLES[request.param](proxy))


@pytest.fixture
def account(
    proxy: HostileServer,
    style: Misdeed,
    dav: DavServer,
    memory_keyring: MemoryKeyring,
    store: Store,
    two: list[Interview],
) -> Account:
    """An account through the proxy, whose listings and multigets write hrefs in `style` from
    its first sync on (which sent both interviews)."""
    made = account_at(store, proxy, dav.new_user())
    proxy.next("REPORT", style, times=1_000, when=sync_answer)
    sync(store, made, timeout=5)
    return made


def synced(store: Store, account: Account) -> SyncReport:
    """A sync, after which each record names its event in the one form (as stored)."""
    report = sync(store, account, timeout=5)
    calendar = canonical_href(account.calendar_url)
    stored = store.conn.execute("SELECT href FROM sync_items WHERE account = ?", (account.name,))
    for (href,) in stored.fetchall():
        assert href == canonical_href(href) and href.startswith(calendar + "/"), href
    return report


def move_remote(store: Store, account: Account, uid: str) -> str:
    """A calendar app's move of the event `uid` to a resource of another name, deleted where
    it was: its canonical href."""
    with remote_calendar(store, account) as calendar:
        assert calendar.client is not None
        resource = calendar.event_by_uid(uid)
        data = resource.data
        resource.delete()
        url = str(calendar.url.join("moved-" + quote(uid, safe="@") + ".ics"))
        put = calendar.client.put(url, data, {"Content-Type": "text/calendar; charset=utf-8"})
        assert put.status in (201, 204), put.status
    return canonical_href(url)


def test_a_step_deleted_in_the_calendar_is_seen(
    store: Store, account: Account, two: list[Interview]
) -> None:
    step = planned(store, two[0].id)[-1]
    delete_remote(store, account, [step_uid(step.id)])
    report = synced(store, account)
    assert report.pull.skipped_steps == 1
    assert store.step(step.id).step.status is StepStatus.SKIPPED
    assert step_uid(step.id) not in server_uids(store, account)


def test_a_step_moved_to_another_href_stays_and_is_written_there(
    store: Store, account: Account, two: list[Interview]
) -> None:
    step = planned(store, two[0].id)[-1]
    uid = step_uid(step.id)
    moved = move_remote(store, account, uid)
    report = synced(store, account)
    assert (report.pull.skipped_steps, report.pull.deleted, report.push.created) == (0, [], 0)
    assert store.step(step.id).step.status is StepStatus.PLANNED
    assert sync_items(store, account.name)[uid].href == moved
    # A change made here goes to the event where it now is, not back to where it was.
    later = step.start + timedelta(hours=3)
    store.record(two[0].id, Activity(ActivityKind.MOVE, datetime.now(UTC), step=step.key, to=later))
    report = synced(store, account)
    assert report.push.updated >= 1 and report.push.created == 0 and not report.push.conflicts
    assert server_uids(store, account).count(uid) == 1
    with remote_calendar(store, account) as calendar:
        there = calendar.event_by_uid(uid)
        assert canonical_href(str(there.url)) == moved
        assert there.icalendar_component.decoded("DTSTART") == later


def test_a_step_edited_in_the_calendar_is_seen(
    store: Store, account: Account, two: list[Interview]
) -> None:
    step = planned(store, two[0].id)[-1]
    later = step.start + timedelta(days=1, hours=2)
    edit_remote(store, account, step_uid(step.id), moved_to(later, datetime.now(UTC)))
    report = synced(store, account)
    assert report.pull.fetched == 1 and not report.pull.conflicts
    assert store.step(step.id).step.start == later


def test_a_listing_by_propfind_sees_a_deletion_too(
    store: Store, account: Account, proxy: HostileServer, style: Misdeed, two: list[Interview]
) -> None:
    step = planned(store, two[0].id)[-1]
    delete_remote(store, account, [step_uid(step.id)])
    # A server without sync-collection: the listing is a PROPFIND, its hrefs written alike.
    proxy.clear()
    refused = answer(501, b"", "text/plain")
    proxy.next("REPORT", refused, times=1_000, when=lambda seen: b"sync-collection" in seen.body)
    proxy.next("REPORT", style, times=1_000, when=sync_answer)
    proxy.next("PROPFIND", style, times=1_000, when=lambda seen: seen.headers.get("Depth") == "1")
    report = synced(store, account)
    assert report.pull.full and report.pull.skipped_steps == 1
    assert store.step(step.id).step.status is StepStatus.SKIPPED


def test_an_href_already_in_the_one_form_is_taken_as_it_is_and_compares_alike() -> None:
    """The short way (a plain path is kept as it is) gives what the long way gives, for
    plain paths and for every awkward shape near them (escapes, dot segments, double slashes,
    relative hrefs, non-ASCII): 200,000 seeded random hrefs."""
    import random

    from followthrough.sync.hrefs import _PLAIN, canonical_href, joined_href

    base = "https://dav.example/calendars/ana/work/"
    plain = "/calendars/ana/work/followthrough-1a2b.thank-you.p1@followthrough.ics"
    assert _PLAIN.fullmatch(plain) and canonical_href(plain, base) == plain
    for awkward in ("/a/./b", "/a/../b", "/a//b", "//x/y", "/a/b.", "/a/%40b", "a/b", "/a/b c"):
        assert not _PLAIN.fullmatch(awkward)
    rng = random.Random(2026)
    alphabet = "ab@._-~/%2F:?#. Zé+"
    for _ in range(200_000):
        href = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        href = href if rng.random() < 0.3 else "/" + href
        assert canonical_href.__wrapped__(href, base) == joined_href(href, base), href

"""Sync against a broken or hostile server: one sentence, never a hang, never a poisoned store.

The server is `hostile_server.HostileServer`, a proxy in front of the tests' real Radicale
that misbehaves on cue: malformed XML, an entity bomb, a stray XML declaration, 200 MB
answers, an answer dripped one byte at a time, redirects off the account's origin or from
https to http, one unreadable event in a multiget answer. And a slow server: a listing or a
multiget slower than a small request may be succeeds (its deadline is wire.LONG_TIMEOUT) and
says how it is getting on; a small request as slow is cut off at the account's timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pytest
from hostile_server import (
    MB,
    HostileServer,
    Listener,
    Seen,
    account_at,
    answer,
    delay,
    drip,
    flood,
    redirect,
    rewrite,
)
from sync_data import ANA, interview

from followthrough.core.model import Interview
from followthrough.core.text import is_control
from followthrough.ical.mapping import interview_uid
from followthrough.store import Store, open_store
from followthrough.sync import wire
from followthrough.sync.accounts import Account
from followthrough.sync.engine import SyncReport, sync
from followthrough.sync.errors import SyncError
from followthrough.sync.records import sync_items
from followthrough.sync.wire import ANSWER_LIMIT

if TYPE_CHECKING:
    from conftest import MemoryKeyring, RadicaleServer

BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']>\n<d:multistatus xmlns:d="DAV:"><d:sync-token>&lol9;</d:sync-token></d:multistatus>'
)
BROKEN = {
    "malformed": b'<d:multistatus xmlns:d="DAV:"><d:response><d:href>/a</d:multistatus>',
    "declaration mid-body": (
        b'<?xml version="1.0"?>\n<d:multistatus xmlns:d="DAV:">\n<?xml version="1.0"?>\n'
        b"<d:response/></d:multistatus>"
    ),
    "control characters": b'<d:multistatus xmlns:d="DAV:">\x1b]0;owned\x07</d:multistatus>',
}


@pytest.fixture
def hostile(radicale: RadicaleServer) -> Iterator[HostileServer]:
    """A proxy to Radicale on a free port of 127.0.0.1, misbehaving when told to."""
    server = HostileServer(radicale.url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A plain-http server where a redirect must never lead."""
    server = Listener()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def account(
    hostile: HostileServer, radicale: RadicaleServer, memory_keyring: MemoryKeyring, store: Store
) -> Account:
    """The account "hostile": a new Radicale user through the proxy, a new empty calendar."""
    return account_at(store, hostile, radicale.new_user())


def sync_error(store: Store, account: Account, timeout: float = 5) -> str:
    """The one sentence a sync fails with; the store's sync records are left as they were."""
    before = sync_items(store, account.name)
    with pytest.raises(SyncError) as caught:
        sync(store, account, timeout=timeout)
    assert sync_items(store, account.name) == before
    message = str(caught.value)
    assert "\n" not in message and not any(is_control(c) for c in message), message
    assert len(message) < 400, message
    return message


def is_multiget(seen: Seen) -> bool:
    return b"calendar-multiget" in seen.body


# -- answers that are not XML, or XML that must not be read ----------------------------------


@pytest.mark.parametrize("content_type", ["application/xml", "text/plain"])
@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_an_answer_that_is_not_xml_is_one_sentence(
    store: Store, account: Account, hostile: HostileServer, kind: str, content_type: str
) -> None:
    hostile.next("REPORT", answer(207, BROKEN[kind], content_type))
    message = sync_error(store, account)
    assert "not valid XML" in message
    assert account.origin in message


def test_an_entity_bomb_is_refused_unread(
    store: Store, account: Account, hostile: HostileServer
) -> None:
    hostile.next("REPORT", answer(207, BOMB))
    began = time.monotonic()
    message = sync_error(store, account)
    assert time.monotonic() - began < 5
    assert "DTD or entities" in message
    assert "lol" not in message


def test_an_entity_bomb_in_a_multiget_answer_is_refused(
    second: Store, hostile: HostileServer
) -> None:
    hostile.next("REPORT", answer(207, BOMB), when=is_multiget)
    with pytest.raises(SyncError, match="DTD or entities"):
        sync(second, "hostile", timeout=5)
    assert sync_items(second, "hostile") == {}


# -- answers too big or too slow -----------------------------------------------------------


@pytest.mark.parametrize("declared", [False, True], ids=["chunked", "content-length"])
def test_an_answer_of_200_mb_is_refused_past_the_limit(
    store: Store, account: Account, hostile: HostileServer, declared: bool
) -> None:
    assert ANSWER_LIMIT < 200 * MB
    hostile.next("REPORT", flood(200 * MB, declared=declared))
    began = time.monotonic()
    message = sync_error(store, account, timeout=60)
    assert f"more than {ANSWER_LIMIT >> 20} MB" in message
    assert time.monotonic() - began < 60


def run_bounded(store: Store, account: Account, timeout: float, limit: float) -> BaseException:
    """Sync in a thread; the error it ended with, failing the test if it outlived `limit`."""
    outcome: list[BaseException | SyncReport] = []

    def run() -> None:
        try:
            outcome.append(sync(store, account, timeout=timeout))
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"the sync still waits after {limit:g} s"
    (result,) = outcome
    assert isinstance(result, BaseException), "a dripping server cannot give a sync"
    return result


@pytest.mark.parametrize("head", [False, True], ids=["body", "head"])
def test_a_server_dripping_its_answer_is_cut_off_at_the_deadline(
    store: Store, account: Account, hostile: HostileServer, head: bool, monkeypatch: Any
) -> None:
    monkeypatch.setattr(wire, "LONG_TIMEOUT", 2.0)  # a listing's deadline bounds it too
    hostile.next("REPORT", drip(0.2, head=head))
    began = time.monotonic()
    error = run_bounded(store, account, timeout=2, limit=15)
    took = time.monotonic() - began
    assert isinstance(error, SyncError), repr(error)
    assert str(error) == f"The server at {account.origin} did not answer within 2 seconds."
    assert took < 6, took


# The limits of a slow server's test: the short one (a small request's), the server's silence
# before it answers, and the long one (a listing's or a multiget's). The real ones are 20 s
# (the account's timeout), 30 s (Radicale listing 40,000 events) and wire.LONG_TIMEOUT.
SHORT, SILENCE, LONG = 1.0, 2.5, 8.0


def test_a_listing_slower_than_a_small_request_may_be_succeeds_and_says_so(
    store: Store, account: Account, hostile: HostileServer, two: list[Interview], monkeypatch: Any
) -> None:
    monkeypatch.setattr(wire, "LONG_TIMEOUT", LONG)
    monkeypatch.setattr(wire, "PROGRESS_EVERY", 0.5)
    hostile.next("REPORT", delay(SILENCE))  # the full listing (the first sync's)
    heard: list[str] = []
    report = sync(store, account, timeout=SHORT, progress=heard.append)
    assert report.pull.full and report.push.created > 0
    assert any(h.startswith("Listing the calendar… (") and h.endswith(" s)") for h in heard)
    # The daily full listing (pull.FULL_EVERY), and the listing of what changed, as slow.
    for later, full in ((timedelta(days=1, minutes=1), True), (timedelta(days=1, hours=1), False)):
        hostile.next("REPORT", delay(SILENCE))
        heard.clear()
        again = sync(
            store, account, timeout=SHORT, now=datetime.now(UTC) + later, progress=heard.append
        )
        assert again.pull.full is full and again.push.created == 0
        waited = "Listing the calendar" if full else "Asking the calendar what changed"
        assert any(h.startswith(f"{waited}… (") for h in heard), heard
    store.add_interview(interview("Initech", 25, (ANA,)))
    hostile.next("PUT", delay(SILENCE))  # a small request as slow: cut off at the short limit
    began = time.monotonic()
    assert sync_error(store, account, timeout=SHORT) == (
        f"The server at {account.origin} did not answer within 1 second."
    )
    assert time.monotonic() - began < SILENCE


def test_a_multiget_slower_than_a_small_request_may_be_succeeds(
    second: Store, hostile: HostileServer, monkeypatch: Any
) -> None:
    monkeypatch.setattr(wire, "LONG_TIMEOUT", LONG)
    monkeypatch.setattr(wire, "PROGRESS_EVERY", 0.5)
    hostile.next("REPORT", delay(SILENCE), when=is_multiget)
    heard: list[str] = []
    report = sync(second, "hostile", timeout=SHORT, progress=heard.append)
    assert sorted(report.pull.added) == ["Acme Analytics — Data engineer", "Globex — Data engineer"]
    assert any(h.startswith("Fetching events… (") for h in heard), heard


def test_the_sync_command_says_how_a_slow_listing_is_getting_on(
    store: Store,
    account: Account,
    hostile: HostileServer,
    two: list[Interview],
    monkeypatch: Any,
    capsys: Any,
) -> None:
    from followthrough import cli

    monkeypatch.setattr(wire, "PROGRESS_EVERY", 0.5)
    hostile.next("REPORT", delay(SILENCE))
    assert cli.main(["sync"]) == 0
    out, err = capsys.readouterr()
    assert "followthrough: Listing the calendar… (" in err and " s)\n" in err, err
    assert "To the calendar: 14 created" in out


# -- redirects -----------------------------------------------------------------------------


@pytest.fixture
def tls_hostile(
    radicale: RadicaleServer, radicale_tls: tuple[RadicaleServer, str]
) -> Iterator[tuple[HostileServer, str]]:
    """The proxy over https, with the test certificate of 127.0.0.1, and its fingerprint."""
    tls, fingerprint = radicale_tls
    assert tls.certificate is not None and tls.key is not None
    server = HostileServer(radicale.url, tls=(tls.certificate, tls.key))
    server.start()
    try:
        yield server, fingerprint
    finally:
        server.stop()


def test_a_redirect_from_https_to_http_is_never_followed(
    store: Store,
    memory_keyring: MemoryKeyring,
    radicale: RadicaleServer,
    tls_hostile: tuple[HostileServer, str],
    listener: Listener,
    two: list[Interview],
) -> None:
    server, fingerprint = tls_hostile
    account = account_at(store, server, radicale.new_user(), trusted_fingerprint=fingerprint)
    server.next("PUT", redirect(f"{listener.url}calendar/event.ics"), times=100)
    message = sync_error(store, account)
    assert f"redirected to http://127.0.0.1:{listener.port}/calendar/event.ics" in message
    assert "not encrypted" in message
    time.sleep(0.3)
    reached = len(listener.received)  # counted, never shown: it would hold the password
    assert reached == 0, "an event crossed the network in clear text"


def test_a_redirect_to_another_server_is_never_followed(
    store: Store, account: Account, hostile: HostileServer, listener: Listener
) -> None:
    target = f"http://mallory:hunter2@127.0.0.1:{listener.port}/{'x' * 300}\x1b[2J"
    hostile.next("REPORT", redirect(target))
    message = sync_error(store, account)
    assert "is not the account's server" in message
    assert f"127.0.0.1:{listener.port}" in message
    assert "hunter2" not in message and "mallory" not in message
    time.sleep(0.3)
    reached = len(listener.received)  # counted, never shown: it would hold the password
    assert reached == 0, "a request went to another server"


def test_a_redirect_within_the_account_is_followed(
    store: Store, account: Account, hostile: HostileServer, two: list[Interview]
) -> None:
    hostile.next("REPORT", redirect(account.calendar_url, 308))
    report = sync(store, account, timeout=5)
    assert report.push.created > 0
    reports = [s for s in hostile.seen if s.method == "REPORT"]
    assert len(reports) >= 2 and reports[0].body == reports[1].body


def test_endless_redirects_are_one_sentence(
    store: Store, account: Account, hostile: HostileServer
) -> None:
    hostile.next("REPORT", redirect(account.calendar_url, 307), times=50)
    assert "redirected more than" in sync_error(store, account)


# -- one unreadable event ------------------------------------------------------------------


@pytest.fixture
def second(
    tmp_path: Path,
    store: Store,
    memory_keyring: MemoryKeyring,
    radicale: RadicaleServer,
    hostile: HostileServer,
    two: list[Interview],
) -> Iterator[Store]:
    """Another computer with the same account, after this one sent both interviews."""
    login = radicale.new_user()
    account = account_at(store, hostile, login)
    sync(store, account, timeout=5)
    other, _ = open_store(tmp_path / "second-computer")
    try:
        other.set_setting("timezone", "Europe/Paris")
        account_at(other, hostile, login, account.calendar_url)
        yield other
    finally:
        other.close()


def test_one_unreadable_event_is_left_out_with_a_warning_not_the_whole_sync(
    second: Store, hostile: HostileServer, two: list[Interview]
) -> None:
    globex = interview_uid(two[1].id) + ".ics"
    # One event's bytes spoil the whole multiget answer (a control character is not XML),
    # and asked on its own that event is not iCalendar.
    hostile.next(
        "REPORT", rewrite(lambda body: body.replace(b"Globex", b"Glo\x01bex", 1)), when=is_multiget
    )
    hostile.next(
        "GET",
        answer(200, b"BEGIN:VCALENDAR\r\n\x1b[2J\r\n", "text/calendar"),
        when=lambda seen: unquote(seen.path).endswith(globex),
    )
    report = sync(second, "hostile", timeout=5)
    assert report.pull.added == ["Acme Analytics — Data engineer"]
    unreadable = [w for w in report.pull.warnings if "could not be read" in w]
    assert len(unreadable) == 1 and globex in unreadable[0], report.pull.warnings
    assert not any(is_control(c) for w in report.pull.warnings for c in w)
    again = sync(second, "hostile", timeout=5)  # the server mended: nothing stays stuck
    assert again.pull.added == ["Globex — Data engineer"]
    assert not again.pull.warnings

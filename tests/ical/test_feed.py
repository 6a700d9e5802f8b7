"""The feed over HTTP: `FeedServer` (feed serve) and WebDAV upload (feed publish).

The server is a real one on 127.0.0.1 with a free port; the WebDAV side is a real WsgiDAV
server, also on 127.0.0.1, sharing a temporary folder with basic authentication. The keyring
is an in-memory backend defined here, or keyring's own "fail" backend for a machine without
one. No test talks to anything but 127.0.0.1, and no output or file may contain the password.
"""

from __future__ import annotations

import gzip
import http.client
import io
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from icalendar import Calendar

import followthrough.ical.feed.server as feed
from followthrough.cli import main
from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer
from followthrough.ical.export import Exporter
from followthrough.ical.feed.content import FeedError
from followthrough.ical.feed.hosts import is_loopback
from followthrough.ical.feed.server import FeedServer
from followthrough.ical.feed.webdav import WEBDAV_SERVICE, WebDavTarget, publish_command
from followthrough.store import Store, open_store
from one_interview import finish_plan

JHB = ZoneInfo("Africa/Johannesburg")
USER = "alice"
PASSWORD = "Tr0ub4dor-&-3-horse-staple"  # what the WebDAV server accepts
WRONG = "not-the-password-at-all"


# -- the store -------------------------------------------------------------------------------


def interview(company: str, end: datetime, person: str, email: str) -> Interview:
    return Interview(
        id="",
        company=company,
        role="Engineer",
        interviewers=(Interviewer(name=person, email=email, key="p1"),),
        start=end - timedelta(hours=1),
        end=end,
        tz="Africa/Johannesburg",
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """A store with two interviews that ended yesterday and the day before, plans still open."""
    opened, warnings = open_store(data_dir)
    assert warnings == []
    opened.set_setting("timezone", "Africa/Johannesburg")
    opened.set_setting("country", "ZA")
    hour = datetime.now(JHB).replace(minute=0, second=0, microsecond=0)
    opened.add_interview(
        interview("Acme", hour - timedelta(days=1), "Ana Diaz", "ana@acme.example")
    )
    opened.add_interview(
        interview("Globex", hour - timedelta(days=2), "Hank Scorpio", "hank@globex.example")
    )
    yield opened
    opened.close()


# -- a small HTTP client that never uses a proxy ---------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, parts.path, headers=headers or {})
        answer = conn.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        conn.close()


def raw(url: str, request: str) -> bytes:
    """Everything the server sends back for a hand-written request, until it closes."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def server(store: Store) -> Iterator[FeedServer]:
    with FeedServer(store, port=0, poll_interval=0.05) as running:
        yield running


# -- FeedServer --------------------------------------------------------------------------------


def test_get_serves_the_feed(server: FeedServer, store: Store) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    answer = fetch(server.url)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.headers["ETag"].startswith('"')
    assert parsedate_to_datetime(answer.headers["Last-Modified"]).tzinfo is not None
    assert int(answer.headers["Content-Length"]) == len(answer.body)
    assert answer.body == Exporter(store).feed()
    calendar = Calendar.from_ical(answer.body)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"])
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any("Acme" in s for s in summaries) and any("Globex" in s for s in summaries)
    assert len(summaries) > 2  # the interviews and their follow-ups


def test_the_token_is_unguessable_and_kept(store: Store) -> None:
    first = FeedServer(store, port=0, poll_interval=0.05)
    assert len(first.token) == 32  # token_urlsafe(24)
    assert first.path == f"/feed/{first.token}.ics"
    assert FeedServer(store, port=0, poll_interval=0.05).token == first.token
    renewed = FeedServer(store, port=0, poll_interval=0.05, renew_token=True)
    assert renewed.token != first.token
    assert FeedServer(store, port=0, poll_interval=0.05).token == renewed.token
    with renewed:
        old_url = renewed.url.replace(renewed.token, first.token)
        assert fetch(old_url).status == 404
        assert fetch(renewed.url).status == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.replace(".ics", ""),
        lambda p: p[:-5] + ("A" if p[-5] != "A" else "B") + ".ics",
        lambda p: p + "/more",
        lambda p: "/",
        lambda p: "/feed/",
        lambda p: p.replace("/feed/", "/FEED/"),
    ],
)
def test_any_other_path_is_404_without_details(server: FeedServer, change: Any) -> None:
    url = server.url.replace(server.path, change(server.path))
    answer = fetch(url)
    assert answer.status == 404
    assert answer.body == b""
    assert server.token not in str(answer.headers)


def test_a_query_string_is_ignored(server: FeedServer) -> None:
    assert fetch(server.url + "?refresh=1").status == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PROPFIND", "PATCH"])
def test_other_methods_are_405(server: FeedServer, method: str) -> None:
    answer = fetch(server.url, method)
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, HEAD"
    assert answer.body == b""


def test_head_has_headers_and_no_body(server: FeedServer) -> None:
    body = fetch(server.url).body
    reply = raw(server.url, f"HEAD {server.path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    head, _, rest = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    assert f"Content-Length: {len(body)}".encode() in head
    assert b"ETag: " in head
    assert rest == b""


def test_if_none_match_gives_304(server: FeedServer) -> None:
    first = fetch(server.url)
    etag = first.headers["ETag"]
    again = fetch(server.url, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == etag
    assert fetch(server.url, headers={"If-None-Match": f'W/"other", W/{etag}'}).status == 304
    assert fetch(server.url, headers={"If-None-Match": '"other"'}).status == 200
    # If-None-Match decides when both are there.
    modified = first.headers["Last-Modified"]
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert fetch(server.url, headers=both).status == 200


def test_if_modified_since_gives_304(server: FeedServer) -> None:
    first = fetch(server.url)
    modified = first.headers["Last-Modified"]
    assert fetch(server.url, headers={"If-Modified-Since": modified}).status == 304
    earlier = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert fetch(server.url, headers={"If-Modified-Since": earlier}).status == 200
    assert fetch(server.url, headers={"If-Modified-Since": "yesterday"}).status == 200


def test_a_change_in_the_store_changes_etag_and_body(server: FeedServer, store: Store) -> None:
    first = fetch(server.url)
    assert fetch(server.url).headers["ETag"] == first.headers["ETag"]  # stable while unchanged
    assert fetch(server.url).headers["Last-Modified"] == first.headers["Last-Modified"]
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    store.record(acme.id, Activity(ActivityKind.REPLY, datetime.now(JHB), note="next week"))
    second = fetch(server.url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert second.body != first.body
    assert second.body == Exporter(store).feed()
    old = parsedate_to_datetime(first.headers["Last-Modified"])
    assert parsedate_to_datetime(second.headers["Last-Modified"]) > old
    since_old = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert fetch(server.url, headers=since_old).status == 200


def test_concurrent_requests_get_the_same_feed(server: FeedServer) -> None:
    results: list[Response] = []

    def get() -> None:
        results.append(fetch(server.url))

    threads = [threading.Thread(target=get) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {r.status for r in results} == {200}
    assert len({r.headers["ETag"] for r in results}) == 1


def test_the_feed_is_built_once_per_change(
    server: FeedServer, store: Store, data_dir: Path
) -> None:
    first = fetch(server.url)
    for _ in range(5):
        assert fetch(server.url, headers={"If-None-Match": first.headers["ETag"]}).status == 304
        assert fetch(server.url, "HEAD").headers["ETag"] == first.headers["ETag"]
        assert fetch(server.url).body == first.body
    assert server.builds.made == 1
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    store.record(acme.id, Activity(ActivityKind.REPLY, datetime.now(JHB), note="next week"))
    second = fetch(server.url)  # a change through the server's own connection
    assert second.headers["ETag"] != first.headers["ETag"]
    assert server.builds.made == 2
    other, _ = open_store(data_dir)  # and one through another (a command, the window)
    try:
        other.record(acme.id, Activity(ActivityKind.REPLY, datetime.now(JHB), note="friday"))
    finally:
        other.close()
    third = fetch(server.url)
    assert third.headers["ETag"] not in (first.headers["ETag"], second.headers["ETag"])
    assert third.body == Exporter(store).feed()
    assert server.builds.made == 3


def test_gzip_for_the_clients_that_accept_it(server: FeedServer) -> None:
    plain = fetch(server.url)
    packed = fetch(server.url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(packed.body) == plain.body
    assert len(packed.body) < len(plain.body) / 2
    assert int(packed.headers["Content-Length"]) == len(packed.body)
    assert plain.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["ETag"] != plain.headers["ETag"]  # one ETag per representation
    refused = fetch(server.url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.body == plain.body
    for etag in (plain.headers["ETag"], packed.headers["ETag"]):  # either one is current
        again = fetch(server.url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert again.status == 304 and again.body == b""
        assert again.headers["ETag"] == packed.headers["ETag"]
    head = fetch(server.url, "HEAD", headers={"Accept-Encoding": "x-gzip"})
    assert head.headers["Content-Encoding"] == "gzip"
    assert int(head.headers["Content-Length"]) == len(packed.body) and head.body == b""


class Gate:
    """The store's lock for a FeedServer, which a test can shut for the feed's build thread
    alone: a rebuild then stays under way until the test opens it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.opened = threading.Event()
        self.opened.set()
        self.held = threading.Event()  # a build is waiting at the shut gate

    def __enter__(self) -> None:
        if threading.current_thread().name == "followthrough-feed-build":
            if not self.opened.is_set():
                self.held.set()
            assert self.opened.wait(20)
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_a_head_during_a_rebuild_gets_the_previous_build_at_once(store: Store) -> None:
    gate = Gate()
    with FeedServer(store, port=0, poll_interval=0.05, lock=gate, fresh_wait=30) as server:
        before = fetch(server.url)
        acme = next(iv for iv in store.interviews() if iv.company == "Acme")
        store.record(acme.id, Activity(ActivityKind.REPLY, datetime.now(JHB), note="soon"))
        gate.opened.clear()
        after: list[Response] = []
        waiting = threading.Thread(target=lambda: after.append(fetch(server.url)))
        waiting.start()  # it finds the change, starts a rebuild and waits for it
        try:
            assert gate.held.wait(10)  # the rebuild is under way, held at the gate
            # fetch gives up after 10 s, and the gate stays shut for 20: no waiting here.
            head = fetch(server.url, "HEAD")
            assert head.status == 200
            assert head.headers["ETag"] == before.headers["ETag"]
            assert not after  # the rebuild is still under way
        finally:
            gate.opened.set()
            waiting.join(20)
        assert after[0].status == 200
        assert after[0].headers["ETag"] != before.headers["ETag"]
        assert after[0].body == Exporter(store).feed()


def test_a_busy_port_is_one_sentence(store: Store) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = FeedServer(store, port=port)
        with pytest.raises(FeedError, match=rf"^Port {port} is already in use[^\n]*\.$"):
            server.start()


def test_stop_closes_the_port(store: Store) -> None:
    server = FeedServer(store, port=0, poll_interval=0.05)
    server.start()
    url = server.url
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        fetch(url)
    server.stop()  # twice is fine


def test_stop_ends_serve_forever_from_another_thread(store: Store) -> None:
    server = FeedServer(store, port=0, poll_interval=0.05)
    server.bind()
    url = server.url
    loop = threading.Thread(target=server.serve_forever)
    loop.start()
    assert fetch(url).status == 200
    server.stop()
    loop.join(timeout=10)
    assert not loop.is_alive()
    with pytest.raises(ConnectionRefusedError):
        fetch(url)


def test_loopback_addresses() -> None:
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.20", "10.0.0.1"):
        assert not is_loopback(host), host


def test_serve_command_prints_the_url_and_warns_off_loopback(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend 127.0.0.1 is a network address, so nothing listens beyond this computer.
    monkeypatch.setattr(feed, "is_loopback", lambda host: False)

    def interrupted(self: FeedServer) -> None:
        self.start()  # in a thread, so that this one can ask
        assert fetch(self.url).status == 200
        raise KeyboardInterrupt

    monkeypatch.setattr(FeedServer, "serve_forever", interrupted)
    out, err = io.StringIO(), io.StringIO()
    assert feed.serve_command(store, host="127.0.0.1", port=0, out=out, err=err) == 0
    url, webcal = out.getvalue().splitlines()  # nothing left out; reachable from afar
    assert url.startswith("http://127.0.0.1:") and url.endswith(".ics")
    assert webcal == "webcal://" + url.removeprefix("http://")
    warning = err.getvalue()
    assert warning.startswith("Warning: ")
    for word in ("anyone on the network", "companies", "names, email", "messages"):
        assert word in warning


def test_serve_command_says_who_can_subscribe_and_what_is_left_out(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    hour = datetime.now(JHB).replace(minute=0, second=0, microsecond=0)
    finish_plan(store, store.add_interview(
        interview("Initech", hour - timedelta(days=200), "Bill Lumbergh", "bill@initech.example")
    ))

    def interrupted(self: FeedServer) -> None:
        self.start()
        assert fetch(self.url).status == 200
        raise KeyboardInterrupt

    monkeypatch.setattr(FeedServer, "serve_forever", interrupted)
    out, err = io.StringIO(), io.StringIO()
    assert feed.serve_command(store, host="127.0.0.1", port=0, out=out, err=err) == 0
    url, webcal, who, left_out = out.getvalue().splitlines()
    assert webcal == "webcal://" + url.removeprefix("http://")
    assert who == feed.LOOPBACK_NOTE
    assert "apps on this computer" in who and "Google Calendar" in who
    assert "Outlook on the web" in who and "feed publish" in who
    steps = len(store.steps(store.interviews()[0].id))
    assert left_out == (
        f"The feed leaves out 1 interview and {steps} follow-ups: those finished over 60 days ago."
    )
    assert "Warning" not in err.getvalue()


@pytest.mark.skipif(sys.platform == "win32", reason="sends POSIX signals")
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])  # Ctrl-C; a service manager
def test_feed_serve_command_until_ctrl_c(store: Store, data_dir: Path, stop: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "followthrough", "--data-dir", str(data_dir),
         "feed", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killer = threading.Timer(30, process.kill)  # a line that never comes fails the test
    killer.start()
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        assert process.stdout.readline().strip() == "webcal://" + url.removeprefix("http://")
        assert process.stdout.readline().strip() == feed.LOOPBACK_NOTE
        killer.cancel()
        answer = fetch(url)
        assert answer.status == 200
        assert answer.body == Exporter(store).feed()
        assert fetch(url, "POST").status == 405
        process.send_signal(getattr(signal, stop))
        _, err = process.communicate(timeout=20)
    finally:
        killer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "Warning" not in err  # loopback: no warning
    token = urlsplit(url).path.removeprefix("/feed/").removesuffix(".ics")
    assert token not in err  # the access log never shows the token
    assert "GET feed 200" in err


def test_feed_serve_with_a_busy_port_exits_1(
    store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--data-dir", str(data_dir), "feed", "serve", "--port", str(port)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "already in use" in captured.err


# -- the keyring -------------------------------------------------------------------------------


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.passwords[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


# -- a WebDAV server ---------------------------------------------------------------------------


@dataclass
class Dav:
    base: str  # http://127.0.0.1:PORT/dav
    root: Path  # the shared folder on disk


@pytest.fixture
def dav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dav]:
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "share"
    (root / "calendars").mkdir(parents=True)
    app = WsgiDAVApp(
        {
            "host": "127.0.0.1",
            "port": 0,
            "provider_mapping": {"/dav": str(root)},
            "http_authenticator": {
                "domain_controller": None,  # simple_dc
                "accept_basic": True,
                "accept_digest": False,
                "default_to_digest": False,
            },
            "simple_dc": {"user_mapping": {"*": {USER: {"password": PASSWORD}}}},
            "verbose": 0,
            "logging": {"enable": False},
            "dir_browser": {"enable": False},
        }
    )
    server = wsgi.Server(("127.0.0.1", 0), app)
    server.prepare()
    port = server.bind_addr[1]
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield Dav(f"http://127.0.0.1:{port}/dav", root)
    server.stop()
    thread.join(timeout=10)


@dataclass
class Result:
    code: int
    out: str
    err: str


def publish(
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *,
    password: str | None,
) -> Result:
    """`followthrough feed publish URL --username alice` in-process, with stdin given."""
    args = ["--data-dir", str(data_dir), "feed", "publish", url, "--username", USER]
    if password is not None:
        args.append("--password-stdin")
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password}\n" if password else ""))
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def one_sentence(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    line = lines[0].removeprefix("followthrough: ")
    assert line[:1].isupper() and line.endswith("."), line
    return line


def assert_password_nowhere(folder: Path, *texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text and WRONG not in text
    for path in folder.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert PASSWORD.encode() not in content, path
            assert WRONG.encode() not in content, path


# -- feed publish ------------------------------------------------------------------------------


def test_publish_uploads_the_feed_and_saves_the_password(
    store: Store, data_dir: Path, dav: Dav, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, tmp_path: Path,
) -> None:
    url = f"{dav.base}/calendars/interviews.ics"
    result = publish(data_dir, capsys, monkeypatch, url, password=PASSWORD)
    assert result.code == 0, result
    assert result.err == ""
    assert result.out.startswith("Published the feed (") and url in result.out
    uploaded = (dav.root / "calendars" / "interviews.ics").read_bytes()
    assert uploaded == Exporter(store).feed()
    assert Calendar.from_ical(uploaded)["METHOD"] == "PUBLISH"
    origin = dav.base.removesuffix("/dav")
    assert memory_keyring.passwords == {(WEBDAV_SERVICE, f"{USER}@{origin}"): PASSWORD}

    # The next run takes the password from the keyring; stdin is not even a terminal.
    acme = next(iv for iv in store.interviews() if iv.company == "Acme")
    store.record(acme.id, Activity(ActivityKind.REPLY, datetime.now(JHB)))
    again = publish(data_dir, capsys, monkeypatch, url, password=None)
    assert again.code == 0, again
    assert (dav.root / "calendars" / "interviews.ics").read_bytes() == Exporter(store).feed()
    assert_password_nowhere(tmp_path, result.out, result.err, again.out, again.err, caplog.text)


def test_a_folder_url_gets_the_default_file_name(
    store: Store, data_dir: Path, dav: Dav, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = publish(data_dir, capsys, monkeypatch, f"{dav.base}/calendars/", password=PASSWORD)
    assert result.code == 0, result
    assert (dav.root / "calendars" / "followthrough.ics").read_bytes() == Exporter(store).feed()


def test_wrong_password_is_one_sentence_and_not_saved(
    store: Store, data_dir: Path, dav: Dav, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, tmp_path: Path,
) -> None:
    url = f"{dav.base}/calendars/interviews.ics"
    result = publish(data_dir, capsys, monkeypatch, url, password=WRONG)
    assert result.code == 1
    assert result.out == ""
    assert "401" in one_sentence(result.err)
    assert memory_keyring.passwords == {}
    assert not (dav.root / "calendars" / "interviews.ics").exists()
    assert_password_nowhere(tmp_path, result.out, result.err, caplog.text)


def test_a_refused_saved_password_is_forgotten(
    store: Store, data_dir: Path, dav: Dav, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    origin = dav.base.removesuffix("/dav")
    memory_keyring.passwords[(WEBDAV_SERVICE, f"{USER}@{origin}")] = WRONG
    result = publish(
        data_dir, capsys, monkeypatch, f"{dav.base}/calendars/x.ics", password=None
    )
    assert result.code == 1
    assert "removed from the keyring" in one_sentence(result.err)
    assert memory_keyring.passwords == {}


def test_without_a_keyring_the_upload_works_and_nothing_is_saved(
    store: Store, data_dir: Path, dav: Dav, no_keyring: None,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, tmp_path: Path,
) -> None:
    url = f"{dav.base}/calendars/interviews.ics"
    result = publish(data_dir, capsys, monkeypatch, url, password=PASSWORD)
    assert result.code == 0, result
    assert "keyring" in one_sentence(result.err)
    assert (dav.root / "calendars" / "interviews.ics").read_bytes() == Exporter(store).feed()
    assert_password_nowhere(tmp_path, result.out, result.err, caplog.text)

    # Nothing was kept: without a terminal and without --password-stdin there is no password.
    again = publish(data_dir, capsys, monkeypatch, url, password=None)
    assert again.code == 1
    lines = again.err.splitlines()
    assert len(lines) == 2  # "no keyring" and "no password"
    assert "--password-stdin" in lines[1]


def test_no_saved_password_and_no_terminal(
    store: Store, data_dir: Path, dav: Dav, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = publish(data_dir, capsys, monkeypatch, f"{dav.base}/calendars/x.ics", password=None)
    assert result.code == 1
    assert "--password-stdin" in one_sentence(result.err)


def test_a_missing_folder_is_one_sentence(
    store: Store, data_dir: Path, dav: Dav, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"{dav.base}/no-such-folder/interviews.ics"
    result = publish(data_dir, capsys, monkeypatch, url, password=PASSWORD)
    assert result.code == 1
    assert "does not exist" in one_sentence(result.err)
    assert memory_keyring.passwords == {}


def test_a_server_that_is_down_is_one_sentence(
    store: Store, data_dir: Path, memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/dav/interviews.ics"
    result = publish(data_dir, capsys, monkeypatch, url, password=PASSWORD)
    assert result.code == 1
    assert "the server is down" in one_sentence(result.err)
    assert memory_keyring.passwords == {}


def test_a_server_that_does_not_answer_times_out(
    store: Store, memory_keyring: MemoryKeyring
) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(FeedError, match=r"did not answer within 0\.5 seconds\.$"):
            publish_command(
                Exporter(store), f"http://127.0.0.1:{port}/x.ics", username=USER,
                password_stdin=True, stdin=io.StringIO(PASSWORD), out=out, err=err,
                timeout=0.5,
            )
    assert memory_keyring.passwords == {}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_an_untrusted_certificate_is_refused(
    store: Store, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # never reached: the client refuses the certificate
            received.append(self.path)
            self.send_response(201)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        with pytest.raises(FeedError, match=r"^The certificate of 127\.0\.0\.1 could not be"):
            publish_command(
                Exporter(store), f"https://127.0.0.1:{port}/x.ics", username=USER,
                password_stdin=True, stdin=io.StringIO(PASSWORD),
                out=io.StringIO(), err=io.StringIO(), timeout=10,
            )
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
    assert received == []
    assert memory_keyring.passwords == {}


@pytest.mark.parametrize(
    ("url", "username", "message"),
    [
        ("http://cloud.example.com/dav/x.ics", USER, "Use an https:// URL"),
        ("https://alice:secret@cloud.example.com/x.ics", None, "Leave the password out"),
        ("https://cloud.example.com/x.ics", None, "--username"),
        ("ftp://cloud.example.com/x.ics", USER, "must start with https://"),
        ("https:///x.ics", USER, "must start with https://"),
    ],
)
def test_urls_refused_before_any_connection(url: str, username: str | None, message: str) -> None:
    with pytest.raises(FeedError, match=message) as raised:
        WebDavTarget.parse(url, username)
    assert "secret" not in str(raised.value)


def test_targets_and_keyring_accounts() -> None:
    target = WebDavTarget.parse("HTTPS://Cloud.Example.com:443/remote.php/dav/files/al/", "al")
    assert target.url == "https://cloud.example.com/remote.php/dav/files/al/followthrough.ics"
    assert target.account == "al@https://cloud.example.com"
    from_url = WebDavTarget.parse("https://bob%40home@cloud.example.com:8443/f.ics")
    assert from_url.username == "bob@home"
    assert from_url.url == "https://cloud.example.com:8443/f.ics"
    assert from_url.account == "bob@home@https://cloud.example.com:8443"
    local = WebDavTarget.parse("http://127.0.0.1:8080/dav/f.ics", "al")
    assert local.origin == "http://127.0.0.1:8080"


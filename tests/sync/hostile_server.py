"""A CalDAV server that misbehaves on cue, for the sync tests (127.0.0.1, a free port).

`HostileServer` is a small HTTP proxy in front of one of the tests' real servers (Radicale or
sabre/dav): every request is passed on and answered as that server answers it, until a test
queues a misdeed for the next request of a method, or the next one a test's predicate picks
(`server.next("REPORT", flood(200 * MB), when=...)`). The misdeeds are what a broken
or hostile server does: an answer of its own (`answer`: malformed XML, an entity bomb), an
answer trickled one byte at a time (`drip`), an endless body (`flood`), the real answer
after a silence (`delay`: a slow server), a redirect (`redirect`), or the real answer altered
(`rewrite`; `hrefs` rewrites each href of it, as other servers write them: `flip_at`,
`absolute`, `trailing_slash`). It serves https when given a certificate, and runs as a `with`
block. Every request it received is kept in `seen`; `Listener` is a plain server that only
records who came (where a redirect should never lead). `account_at` saves an account that
reaches its server through the proxy.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import escape, unescape

from child_servers import free_port
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.calendars import use_calendar
from followthrough.sync.connection import add_account

MB = 1 << 20
# Not passed on: the connection's own, and compression (a test rewrites plain answers).
_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "host",
    "accept-encoding",
}


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# A misdeed writes the whole answer to the request itself, through the handler.
Misdeed = Callable[["_Handler", Seen], None]


@dataclass
class _Queued:
    method: str
    misdeed: Misdeed
    times: int
    when: Callable[[Seen], bool] | None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: pytest shows what a test asserts

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(self.command, self.path, dict(self.headers.items()), body)
        owner = self.server.owner
        with owner.lock:
            owner.seen.append(seen)
            misdeed = owner.take(seen)
        if misdeed is None:
            status, headers, answer = owner.forward(seen)
            self.send(status, answer, headers)
        else:
            misdeed(self, seen)
        self.close_connection = True

    do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = do_OPTIONS = _serve
    do_PROPFIND = do_REPORT = do_MKCALENDAR = do_PROPPATCH = do_MKCOL = _serve

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """A whole answer, closing the connection after it."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stopping(self) -> bool:
        return self.server.owner.stopped.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: HostileServer


class HostileServer:
    """A proxy to `upstream` (a real server) that misbehaves on cue; see the module's
    description."""

    def __init__(self, upstream: str, *, tls: tuple[Path, Path] | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.port = free_port()
        self.scheme = "https" if tls else "http"
        self.tls = tls
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self._queue: list[_Queued] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    def next(
        self,
        method: str,
        misdeed: Misdeed,
        *,
        times: int = 1,
        when: Callable[[Seen], bool] | None = None,
    ) -> None:
        """Misbehave with `misdeed` on the next `times` requests of `method` (those `when`
        accepts, if given)."""
        with self.lock:
            self._queue.append(_Queued(method, misdeed, times, when))

    def clear(self) -> None:
        """Forget the misdeeds still queued: from now on, every answer is the real one."""
        with self.lock:
            self._queue.clear()

    def take(self, seen: Seen) -> Misdeed | None:
        for queued in self._queue:
            if queued.method == seen.method and (queued.when is None or queued.when(seen)):
                queued.times -= 1
                if queued.times <= 0:
                    self._queue.remove(queued)
                return queued.misdeed
        return None

    def forward(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        """The real server's answer to `seen`: (status, headers, body)."""
        host, _, port = self.upstream.split("://", 1)[1].partition(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            headers = {k: v for k, v in seen.headers.items() if k.lower() not in _HOP}
            connection.request(seen.method, seen.path, body=seen.body or None, headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            kept = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP}
            return answer.status, kept, body
        finally:
            connection.close()

    def start(self) -> None:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.owner = self
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> HostileServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def account_at(
    store: Store, server: HostileServer, login: tuple[str, str], calendar: str = "", **extra: str
) -> Account:
    """The account "hostile" of the real server's user `login` reached through `server`, saved
    in `store` and syncing with `calendar` (a new calendar when not given)."""
    user, password = login
    add_account(store, Account("hostile", server.url, user, **extra), password, timeout=5)
    if calendar:
        return use_calendar(store, "hostile", calendar, timeout=5).account
    return use_calendar(store, "hostile", create="Interview follow-ups", timeout=5).account


# -- misdeeds ------------------------------------------------------------------------------


def answer(status: int, body: bytes, content_type: str = "application/xml") -> Misdeed:
    """Answer with `body` instead of the real server."""

    def act(handler: _Handler, seen: Seen) -> None:
        handler.send(status, body, {"Content-Type": content_type})

    return act


def rewrite(change: Callable[[bytes], bytes]) -> Misdeed:
    """The real server's answer, its body passed through `change`."""

    def act(handler: _Handler, seen: Seen) -> None:
        status, headers, body = handler.server.owner.forward(seen)
        handler.send(status, change(body), headers)

    return act


_HREF = re.compile(rb"<([A-Za-z][\w.-]*:)?href>([^<]*)</\1?href>")  # DAV:href, any prefix


def hrefs(change: Callable[[str], str]) -> Misdeed:
    """The real server's answer, with the text of each href in it passed through `change`."""

    def one(match: re.Match[bytes]) -> bytes:
        tag = (match[1] or b"") + b"href"
        text = escape(change(unescape(match[2].decode("utf-8")))).encode("utf-8")
        return b"<%s>%s</%s>" % (tag, text, tag)

    return rewrite(lambda body: _HREF.sub(one, body))


def flip_at(href: str) -> str:
    """`@` written `%40`, and `%40` written `@`."""
    return re.sub("@|%40", lambda found: "%40" if found[0] == "@" else "@", href)


def absolute(origin: str) -> Callable[[str], str]:
    """A path written as the absolute URL of `origin`."""
    return lambda href: href if "://" in href else origin.rstrip("/") + href


def trailing_slash(href: str) -> str:
    """An event's href written with a slash at its end."""
    return href if href.endswith("/") else href + "/"


def redirect(location: str, status: int = 307) -> Misdeed:
    """Send the client to `location`."""

    def act(handler: _Handler, seen: Seen) -> None:
        handler.send(status, b"", {"Location": location})

    return act


def delay(seconds: float) -> Misdeed:
    """The real server's answer, after `seconds` of silence (a slow server, not a hostile one);
    when the client gave up before, the real server still did what it was asked."""

    def act(handler: _Handler, seen: Seen) -> None:
        time.sleep(seconds)
        status, headers, body = handler.server.owner.forward(seen)
        try:
            handler.send(status, body, headers)
        except OSError:
            return  # the client gave up waiting

    return act


def drip(every: float, *, head: bool = False, length: int = 10 * MB) -> Misdeed:
    """A 207 whose body (and its head too, when `head`) comes one byte every `every` seconds:
    never quiet long enough for a per-read timeout. It stops when the client leaves."""

    def act(handler: _Handler, seen: Seen) -> None:
        start = (
            b"HTTP/1.1 207 Multi-Status\r\nContent-Type: application/xml\r\n"
            b"Content-Length: %d\r\n\r\n" % length
        )
        try:
            if not head:
                handler.wfile.write(start)
                start = b""
            for byte in (start + b" " * length) if head else b" " * length:
                if handler.stopping():
                    return
                handler.wfile.write(bytes((byte,)))
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            return  # the client gave up: what a deadline is for

    return act


def flood(size: int, *, declared: bool = False) -> Misdeed:
    """A 207 of `size` bytes of XML, chunked (or with its Content-Length when `declared`),
    written as fast as the client reads; it stops when the client leaves."""
    block = b"<d:response><d:href>/x</d:href></d:response>" * 1400

    def act(handler: _Handler, seen: Seen) -> None:
        handler.send_response(207)
        handler.send_header("Content-Type", 'application/xml; charset="utf-8"')
        if declared:
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        sent = 0
        try:
            while sent < size and not handler.stopping():
                part = block[: size - sent]
                if declared:
                    handler.wfile.write(part)
                else:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                sent += len(part)
            if not declared:
                handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        except OSError:
            return

    return act


@dataclass
class Listener:
    """A plain-http server that only records the requests it receives (and answers 200)."""

    port: int = field(default_factory=free_port)
    received: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", self.port))
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._socket.accept()
            except OSError:
                continue
            with client:
                client.settimeout(2)
                try:
                    self.received.append(client.recv(1 << 16))
                    client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()

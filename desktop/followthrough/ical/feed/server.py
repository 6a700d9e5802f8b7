"""Serving the feed from this computer: `FeedServer` and `followthrough feed serve`.

`FeedServer` answers GET and HEAD at one unguessable path, /feed/<token>.ics, with the feed
built once per change of the store (`builds.FeedBuilds`, in a worker thread: a request during
a rebuild gets the previous build at once), gzip-compressed for the clients that accept it,
with ETag and Last-Modified so that calendar apps polling often cost next to nothing.

A neighbour cannot exhaust it: at most `max_connections` connections are served at once (one
more is answered 503 and closed), and each request's head must arrive within
`request_timeout` seconds of the connection being ready for it, so a client that sends nothing,
half a request line, or a byte now and then is dropped (an idle kept-alive connection too).

`serve_command()` is what `followthrough feed serve` runs.
"""

from __future__ import annotations

import errno
import hmac
import io
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from followthrough.ical.export import Exporter
from followthrough.ical.feed.builds import FRESH_WAIT, FeedBuilds, FeedSnapshot
from followthrough.ical.feed.content import CONTENT_TYPE, FeedError, feed_token
from followthrough.ical.feed.hosts import is_loopback
from followthrough.store import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
ALLOWED = "GET, HEAD"
REQUEST_TIMEOUT = 5.0  # seconds a client has to send a whole request head, idle time included
WRITE_TIMEOUT = 30.0  # seconds a client has to take the whole answer
MAX_CONNECTIONS = 16  # connections served at once: a calendar app uses one or two
BUSY_ANSWER = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n"
)

EXPOSURE_WARNING = (
    "Warning: listening on {host} serves the feed beyond this computer, so anyone on the "
    "network who has the URL can read it: the companies you interviewed at, your "
    "interviewers' names, email addresses and phone numbers, your notes, and the messages "
    "drafted for them."
)

# Who can subscribe to a feed served on this computer only, and what to do for the others.
LOOPBACK_NOTE = (
    "Only calendar apps on this computer can subscribe to this URL; Google Calendar and "
    "Outlook on the web read feeds from their own servers, so for them use `followthrough "
    "feed publish`."
)


class FeedServer:
    """Serves the store's feed read-only at http://HOST:PORT/feed/<token>.ics.

    `start()` serves from a background thread (tests, the window); `serve_forever()` serves
    from the calling thread (the command line) until `stop()` or Ctrl-C. Port 0 picks a free
    port; `url` tells the one in use. Give `lock` when another thread also uses the store.
    """

    def __init__(
        self,
        store: Store,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        exporter: Exporter | None = None,
        lock: AbstractContextManager[Any] | None = None,
        log: Callable[[str], None] | None = None,
        renew_token: bool = False,
        poll_interval: float = 0.5,
        request_timeout: float = REQUEST_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        fresh_wait: float = FRESH_WAIT,
    ) -> None:
        if not 0 <= port <= 65535:
            raise FeedError(f"The port must be between 0 and 65535, not {port}.")
        self.store = store
        self.host = host.strip().strip("[]") or DEFAULT_HOST
        self.port = port
        self.exporter = exporter or Exporter(store)
        self.lock: AbstractContextManager[Any] = lock or threading.Lock()
        self._log = log
        self.poll_interval = poll_interval  # how soon stop() takes effect, in seconds
        self.request_timeout = request_timeout
        self.max_connections = max(1, max_connections)
        with self.lock:
            self.token = feed_token(store, renew=renew_token)
        self.path = f"/feed/{self.token}.ics"
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None  # the one start() made
        self._loop: threading.Thread | None = None  # the one in serve_forever()
        self.builds = FeedBuilds(store, self.exporter, self.lock, self.log, fresh_wait=fresh_wait)

    # -- life -----------------------------------------------------------------------------
    @property
    def loopback(self) -> bool:
        """Whether only this computer can reach the server."""
        return is_loopback(self.host)

    @property
    def bound_port(self) -> int:
        if self._httpd is None:
            raise FeedError("The feed server is not running.")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The feed's full URL, as this computer reaches it."""
        host = self.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.bound_port}{self.path}"

    @property
    def webcal_url(self) -> str:
        """The same URL as webcal://, which asks the system's calendar app to subscribe."""
        return "webcal://" + self.url.removeprefix("http://")

    def bind(self) -> None:
        """Open the listening socket (once); raises FeedError when the address is unusable."""
        if self._httpd is not None:
            return
        try:
            infos = socket.getaddrinfo(
                self.host, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )
        except (OSError, UnicodeError):
            raise FeedError(f"Cannot find the address {self.host}.") from None
        family, _, _, _, address = infos[0]
        try:
            self._httpd = _HTTPServer((str(address[0]), int(address[1])), family, self)
        except OSError as error:
            raise FeedError(_bind_problem(error, self.host, self.port)) from None
        self.builds.start()  # the first build, while the caller tells the user the URL

    def start(self) -> None:
        """Serve from a background thread."""
        self.bind()
        if self._thread is None:
            assert self._httpd is not None
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                args=(self.poll_interval,),
                name="followthrough-feed",
                daemon=True,
            )
            self._thread.start()

    def serve_forever(self) -> None:
        """Serve from this thread until stop() is called from another, or Ctrl-C."""
        self.bind()
        assert self._httpd is not None
        self._loop = threading.current_thread()
        try:
            self._httpd.serve_forever(self.poll_interval)
        finally:
            self._loop = None

    def stop(self) -> None:
        """Stop serving (within poll_interval) and close the listening socket."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        loop = self._thread or self._loop
        if loop is not None and loop is not threading.current_thread():
            httpd.shutdown()  # returns once the serving loop has ended
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        httpd.server_close()
        self.builds.wait(WRITE_TIMEOUT)  # the store may be closed next: let a build finish

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- content --------------------------------------------------------------------------
    def snapshot(self) -> FeedSnapshot:
        """The feed as it is now (or while a rebuild is under way, as it was), with its
        validators: see `FeedBuilds.current`."""
        return self.builds.current()

    def is_feed_path(self, target: str) -> bool:
        path = urllib.parse.urlsplit(target).path
        return hmac.compare_digest(path.encode("utf-8", "replace"), self.path.encode())

    def log(self, message: str) -> None:
        if self._log is not None:
            self._log(message)


def _bind_problem(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"Port {port} is already in use on {host}; choose another with --port "
            "(0 picks a free one)."
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return f"This computer has no network address {host}."
    if error.errno == errno.EACCES:
        return f"Not allowed to listen on port {port}; choose a port above 1023."
    return f"Cannot listen on {host} port {port}: {error.strerror or error}."


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], family: socket.AddressFamily, feed: FeedServer
    ) -> None:
        self.address_family = family
        self.feed = feed
        self.slots = threading.BoundedSemaphore(feed.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection from a thread of its own, or refuse it when all are busy."""
        if not self.slots.acquire(blocking=False):
            self.feed.log(f"too many connections: refused one from {client_address[0]}")
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:  # no thread was started (none left): it will not release the slot
            self.slots.release()
            raise
        # Ctrl-C here (KeyboardInterrupt) may come after the thread started: the thread
        # releases its slot, and releasing it here too would raise in that thread.

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: object, client_address: Any) -> None:
        # A client that hung up mid-answer, say: one line in the log, not a traceback.
        error = sys.exc_info()[1]
        self.feed.log(f"request from {client_address[0]} failed: {type(error).__name__}")

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's fully qualified name, which can take
        # seconds on a network without reverse DNS; the name is not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


def _refuse(connection: socket.socket) -> None:
    """Answer 503 on a connection there is no thread for, without ever waiting on it."""
    with suppress(OSError):
        connection.setblocking(False)
        with suppress(BlockingIOError):
            connection.recv(65536)  # what was sent already: closing on unread bytes resets
        connection.send(BUSY_ANSWER)


class _DeadlineReader(io.RawIOBase):
    """A connection's bytes for the request head, which must have come by `deadline`: each
    wait is for the time left, so dripping a byte now and then does not extend it."""

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self.connection = connection
        self.deadline = time.monotonic()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.connection.settimeout(left)
        return self.connection.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "Followthrough"
    _reader: _DeadlineReader

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the socket's own file: closing the socket must really close it
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        # The head of each request (the first, or the next on a kept-alive connection) must
        # arrive within request_timeout; the answer then has WRITE_TIMEOUT to leave.
        self._reader.deadline = time.monotonic() + self.server.feed.request_timeout
        super().handle_one_request()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self.connection.settimeout(WRITE_TIMEOUT)
        return parsed

    def version_string(self) -> str:
        return self.server_version  # no Python version for the world to see

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        feed = self.server.feed
        if not feed.is_feed_path(self.path):
            self._bare(HTTPStatus.NOT_FOUND)
            return
        try:
            snap = feed.snapshot()
        except FeedError:  # no build at all: the builder has logged why
            self._bare(HTTPStatus.INTERNAL_SERVER_ERROR)
            return
        except Exception as error:  # a broken database: say nothing to the client
            feed.log(f"cannot read the store: {type(error).__name__}: {error}")
            self._bare(HTTPStatus.INTERNAL_SERVER_ERROR)
            return
        compressed = _accepts_gzip(self.headers.get_all("Accept-Encoding"))
        etag = snap.gzip_etag if compressed else snap.etag
        data = snap.gzipped if compressed else snap.data
        fresh = _not_modified(
            self.headers.get_all("If-None-Match"),
            self.headers.get("If-Modified-Since"),
            (snap.etag, snap.gzip_etag),
            snap.last_modified,
        )
        self.send_response(HTTPStatus.NOT_MODIFIED if fresh else HTTPStatus.OK)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(snap.last_modified, usegmt=True))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Vary", "Accept-Encoding")
        if not fresh:
            self.send_header("Content-Type", CONTENT_TYPE)
            if compressed:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body and not fresh:
            self.wfile.write(data)

    def _bare(self, code: HTTPStatus, *, allow: bool = False) -> None:
        """A status line and headers, no body: nothing about the server or the path."""
        self.send_response(code)
        if allow:
            self.send_header("Allow", ALLOWED)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Every method but GET and HEAD lands here as 501 "Unsupported method": it is a 405.
        # Other errors (a malformed request) keep their code, without the default HTML page.
        if code == HTTPStatus.NOT_IMPLEMENTED and self.command:
            self._bare(HTTPStatus.METHOD_NOT_ALLOWED, allow=True)
        else:
            self._bare(HTTPStatus(code))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Never log the request line: it holds the token.
        what = "feed" if self.server.feed.is_feed_path(getattr(self, "path", "")) else "other path"
        status = int(code) if isinstance(code, HTTPStatus) else code
        self.server.feed.log(f"{self.client_address[0]} {self.command} {what} {status}")

    def log_error(self, format: str, *args: object) -> None:
        pass

    def log_message(self, format: str, *args: object) -> None:
        pass


def _not_modified(
    if_none_match: list[str] | None,
    if_modified_since: str | None,
    etags: tuple[str, ...],
    last_modified: float,
) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since.

    `etags` are those of every representation of the current feed (plain and gzip): a
    client holding either has the current feed (the weak comparison RFC 9110 asks for).
    """
    if if_none_match:
        tags = {t.strip() for header in if_none_match for t in header.split(",")}
        tags = {t[2:] if t.startswith("W/") else t for t in tags}
        return "*" in tags or any(etag in tags for etag in etags)
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified <= since.timestamp()
    return False


def _accepts_gzip(headers: list[str] | None) -> bool:
    """Whether Accept-Encoding lets the answer be gzip (RFC 9110 section 12.5.3): gzip,
    x-gzip or * listed, with a weight above zero."""
    for header in headers or ():
        for item in header.split(","):
            coding, _, params = item.partition(";")
            if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
                continue
            weight = params.strip().lower().removeprefix("q=").strip() if params else "1"
            try:
                if float(weight) > 0:
                    return True
            except ValueError:
                continue
    return False


def serve_command(
    store: Store,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    renew_token: bool = False,
    exporter: Exporter | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`followthrough feed serve`: print the URL (http://, then webcal://), who can reach it
    and what the feed leaves out, then serve until Ctrl-C and exit 0."""
    out = out or sys.stdout
    err = err or sys.stderr

    def log(line: str) -> None:
        err.write(f"followthrough: {line}\n")
        err.flush()

    server = FeedServer(
        store, host=host, port=port, exporter=exporter, log=log, renew_token=renew_token
    )
    server.bind()
    try:
        if not server.loopback:
            err.write(EXPOSURE_WARNING.format(host=host) + "\n")
            err.flush()
        out.write(f"{server.url}\n{server.webcal_url}\n")
        if server.loopback:
            out.write(LOOPBACK_NOTE + "\n")
        out.flush()
        with suppress(KeyboardInterrupt), _sigterm_as_interrupt():
            with suppress(FeedError):  # no first build: the log said why
                note = server.snapshot().feed.left_out
                if note:
                    out.write(note + "\n")
                    out.flush()
            server.serve_forever()
    finally:
        server.stop()
    return 0


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Let SIGTERM (a service manager, `kill`) stop the server as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "SIGTERM"
    ):
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

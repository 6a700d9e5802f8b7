"""The feed server against a neighbour who holds connections: idle, half-sent and dripping
clients are dropped after the request timeout, and connections beyond the cap are refused.

Real sockets against the real FeedServer on 127.0.0.1 with a free port.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from followthrough.core.model import Interview
from followthrough.ical.feed.server import FeedServer
from followthrough.store import Store

TIMEOUT = 1.0  # the server's request timeout in these tests
PATIENCE = 6.0  # how long a test waits for the server to act before it fails


@pytest.fixture
def store(
    open_at: Callable[[Path], Store], sample: Callable[..., Interview], tmp_path: Path
) -> Store:
    opened = open_at(tmp_path / "data")
    opened.add_interview(sample())
    return opened


@pytest.fixture
def server(store: Store) -> Iterator[FeedServer]:
    with FeedServer(
        store, port=0, poll_interval=0.05, request_timeout=TIMEOUT, max_connections=3
    ) as running:
        yield running


def _connect(server: FeedServer) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", server.bound_port), timeout=PATIENCE)
    return client


def _seconds_until_closed(client: socket.socket) -> float:
    """How long the server took to close `client` (recv gives b""); fails past PATIENCE."""
    started = time.monotonic()
    try:
        while client.recv(4096):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def _get(server: FeedServer) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.bound_port, timeout=PATIENCE)
    try:
        connection.request("GET", server.path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_a_client_that_sends_nothing_is_dropped(server: FeedServer) -> None:
    with _connect(server) as idle:
        assert _seconds_until_closed(idle) < TIMEOUT + 1.5
    assert _get(server) == 200


def test_half_a_request_line_is_dropped(server: FeedServer) -> None:
    with _connect(server) as half:
        half.sendall(b"GET /feed/")
        assert _seconds_until_closed(half) < TIMEOUT + 1.5


def test_a_client_dripping_bytes_is_dropped_at_the_deadline(server: FeedServer) -> None:
    """A byte every 0.2 s never lets a read time out: the whole head has a deadline."""
    stop = threading.Event()
    with _connect(server) as drip:

        def dripping() -> None:
            for byte in f"GET {server.path} HTTP/1.1\r\nHost: x\r\nX-Slow: {'a' * 200}":
                if stop.wait(0.2):
                    return
                try:
                    drip.send(byte.encode())
                except OSError:
                    return

        sender = threading.Thread(target=dripping, daemon=True)
        sender.start()
        try:
            assert _seconds_until_closed(drip) < TIMEOUT + 1.5
        finally:
            stop.set()
            sender.join()


def test_connections_beyond_the_cap_are_refused_then_served_again(server: FeedServer) -> None:
    hogs = [_connect(server) for _ in range(3)]
    try:
        time.sleep(0.3)  # the server has taken all three
        with _connect(server) as extra:
            extra.sendall(f"GET {server.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            answer = extra.recv(4096)
        assert answer.startswith(b"HTTP/1.1 503 ")
        for hog in hogs:
            assert _seconds_until_closed(hog) < TIMEOUT + 1.5
        assert _get(server) == 200
    finally:
        for hog in hogs:
            hog.close()

"""The served feed, built once per change of the store, not once per request.

A build maps what changed (the exporter keeps the rest) and compresses the result once, in a
worker thread of its own. A request gets the newest build at once while the store has not
changed since (one PRAGMA tells); after a change it starts a new build and waits for it, up
to `fresh_wait` seconds, then takes the previous one. A request that comes while a build is
under way gets the previous build at once: a calendar app's HEAD never waits on a rebuild.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

from followthrough.ical.export import Exporter, Feed
from followthrough.ical.feed.content import FeedError
from followthrough.store import Store

# What is still to come and what is recent move with the clock, without any save: a build
# older than this is made again at the next request.
REBUILD_AFTER = 600.0  # seconds
FRESH_WAIT = 5.0  # seconds a request that found the store changed waits for the new build
GZIP_LEVEL = 6


@dataclass(frozen=True)
class FeedSnapshot:
    """One build of the feed, as responses give it."""

    feed: Feed
    gzipped: bytes  # feed.data, compressed once for every client that accepts gzip
    etag: str  # quoted, as sent with the plain bytes
    last_modified: float  # seconds since the epoch, whole
    mark: tuple[int, int]  # the store's change mark it was built at
    built: float  # time.monotonic() when it was built

    @property
    def data(self) -> bytes:
        return self.feed.data

    @property
    def gzip_etag(self) -> str:
        """The ETag of the compressed bytes: a strong ETag names one representation."""
        return f'{self.etag[:-1]}-gzip"'


class FeedBuilds:
    """The newest build of a store's feed; `current()` gives it, building anew after a change.

    `lock` guards the store (give the one every other thread using it takes); `log` gets a
    line when a build fails, and the feed's note on what it leaves out when that changes.
    """

    def __init__(
        self,
        store: Store,
        exporter: Exporter,
        lock: AbstractContextManager[Any],
        log: Callable[[str], None],
        *,
        fresh_wait: float = FRESH_WAIT,
        rebuild_after: float = REBUILD_AFTER,
    ) -> None:
        self.store = store
        self.exporter = exporter
        self.lock = lock
        self.log = log
        self.fresh_wait = fresh_wait
        self.rebuild_after = rebuild_after
        self._changes = threading.Condition()
        self._current: FeedSnapshot | None = None
        self._worker: threading.Thread | None = None  # the build under way
        self.made = 0  # how many builds were made (the benchmark and tests read it)

    def start(self) -> None:
        """Start the first build, if none is made or under way, without waiting for it."""
        with self._changes:
            if self._current is None and self._worker is None:
                self._start()

    def current(self) -> FeedSnapshot:
        """The feed as it is now, or the previous build while a new one is under way.

        Raises FeedError when there is no build at all (the first one failed or is not done
        within `fresh_wait`).
        """
        with self._changes:
            previous, busy = self._current, self._worker is not None
        if previous is not None and (busy or not self._outdated(previous)):
            return previous  # the store is read without holding up other requests
        with self._changes:
            if self._worker is None and self._current is previous:
                self._start()
            self._changes.wait_for(
                lambda: self._worker is None or self._current is not previous, self.fresh_wait
            )
            if self._current is None:
                raise FeedError("The feed could not be built; see the log.")
            return self._current

    def wait(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for a build under way to end (before the store closes)."""
        with self._changes:
            self._changes.wait_for(lambda: self._worker is None, timeout)

    def _outdated(self, snapshot: FeedSnapshot) -> bool:
        if time.monotonic() - snapshot.built > self.rebuild_after:
            return True
        with self.lock:
            return self.store.change_mark() != snapshot.mark

    def _start(self) -> None:
        """Start a build in a worker thread (with self._changes held)."""
        self._worker = threading.Thread(
            target=self._build, name="followthrough-feed-build", daemon=True
        )
        self._worker.start()

    def _build(self) -> None:
        made: tuple[Feed, tuple[int, int]] | None = None
        try:
            with self.lock:
                mark = self.store.change_mark()
                made = self.exporter.build_feed(), mark
        except Exception as error:  # a locked or broken database: the previous build stays
            self.log(f"cannot build the feed: {type(error).__name__}: {error}")
        snapshot = None
        if made is not None:
            feed, mark = made
            etag = f'"{hashlib.sha256(feed.data).hexdigest()[:32]}"'
            gzipped = gzip.compress(feed.data, GZIP_LEVEL, mtime=0)
            snapshot = FeedSnapshot(feed, gzipped, etag, 0.0, mark, time.monotonic())
        with self._changes:
            if snapshot is not None:
                self._current = self._dated(snapshot, self._current)
                self.made += 1
            self._worker = None
            self._changes.notify_all()

    def _dated(self, snapshot: FeedSnapshot, previous: FeedSnapshot | None) -> FeedSnapshot:
        """The snapshot with its Last-Modified: when these bytes were first built (at least a
        second after the previous bytes'), so it never claims content older than it is."""
        if previous is not None and previous.etag == snapshot.etag:
            moment = previous.last_modified
        else:
            moment = float(int(time.time()))
            if previous is not None:
                moment = max(moment, previous.last_modified + 1)
        note = snapshot.feed.left_out
        if note and previous is not None and previous.feed.left_out != note:
            self.log(note)
        return replace(snapshot, last_modified=moment)

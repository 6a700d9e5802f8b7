"""Two-way sync of the store's events with an account's CalDAV calendar (no Qt).

Each event is a resource of its own on the server, at `<calendar URL><quoted UID>.ics`. A
sync pulls the calendar's changes (`pull`, settling what changed on both sides with the
three-way merge of `merge`), then pushes this computer's (`push`), on one connection. What
the last sync knew of each event and of the calendar is kept in the store (`records`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from followthrough.ical.export import Exporter
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.connection import DEFAULT_TIMEOUT
from followthrough.sync.pull import PullReport, pull_with_session
from followthrough.sync.push import PushReport, push_with_session
from followthrough.sync.wire import open_session

# After a push that sent this many events, the same sync reads the calendar's changes again
# (see `sync`); below it, the next sync reads back the few it sent, as cheaply.
CATCH_UP = 200


@dataclass
class SyncReport:
    """What one sync did: its pull, then its push."""

    pull: PullReport
    push: PushReport
    waited: float = 0.0  # seconds spent waiting for the server's answers

    @property
    def requests(self) -> int:
        return self.pull.requests + self.push.requests

    def lines(self) -> list[str]:
        out = [f"From the calendar: {self.pull}", f"To the calendar: {self.push}"]
        out += [f"added {text}" for text in self.pull.added]
        out += [f"updated {text}" for text in self.pull.updated]
        out += [f"deleted {text} (deleted in the calendar)" for text in self.pull.deleted]
        out += [f"kept {text}" for text in self.pull.kept]
        out += [f"conflict: {text}" for text in self.pull.conflicts]
        out += [f"warning: {text}" for text in self.pull.warnings]
        out.append(f"{self.requests} requests.")
        return out


def sync(
    store: Store,
    account: Account | str,
    *,
    exporter: Exporter | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    allow_deletes: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> SyncReport:
    """Pull the calendar's changes, then push this computer's; see the module's description.

    `timeout` bounds each small request (a listing or a multiget has wire.LONG_TIMEOUT);
    `progress`, if given, hears how a long sync is getting on (from the sync's threads).
    """
    exporter = exporter or Exporter(store)
    with open_session(store, account, timeout, progress) as session:
        pulled = pull_with_session(store, session, exporter, allow_deletes, now)
        pushed = push_with_session(store, session, exporter, allow_deletes)
        if pushed.created + pushed.updated >= CATCH_UP:
            # The calendar now lists what this push sent as changed since the token the pull
            # kept: read that list once more now (nothing is fetched: each ETag is the one
            # just recorded), so that the next sync reads only what changed after it. The
            # first sync of thousands of events takes one request more; the next, with
            # nothing to do, does not read them all back.
            before = session.requests
            _add(pulled, pull_with_session(store, session, exporter, allow_deletes, now))
            pulled.requests += session.requests - before
    return SyncReport(pulled, pushed, session.waited)


def _add(report: PullReport, more: PullReport) -> None:
    """`more` (a pull's findings, its requests aside) counted into `report`."""
    report.listed += more.listed
    report.fetched += more.fetched
    report.full = report.full or more.full
    report.skipped_steps += more.skipped_steps
    for name in ("added", "updated", "deleted", "kept", "conflicts", "warnings"):
        getattr(report, name).extend(getattr(more, name))

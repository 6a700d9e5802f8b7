"""Two-way sync of the store's events with an account's CalDAV calendar (push half so far).

Each event is a resource of its own on the server, at `<calendar URL><quoted UID>.ics`.
Table `sync_items` remembers, per account and UID, where the event lives (href), the ETag
the server gave it and the hash of the bytes we sent. A push sends only what changed:

* an event never recorded is created with `If-None-Match: *`, so it never replaces what
  is there;
* a recorded event whose bytes changed is replaced with `If-Match: <ETag>`, so a change
  made on the server since the last sync is never overwritten (412: a conflict, left for
  the pull to settle);
* a recorded event that is no longer in the store is deleted with `If-Match`.

Each confirmed request is recorded in a transaction of its own at once, so a push cut off
mid-way leaves no duplicate and loses nothing: the next push resends only what was not
recorded. An event that reached the server but was not recorded comes back as 412 to
`If-None-Match: *`; it is fetched, and recorded when it is the event we would send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin

from followthrough.ical.export import Exporter
from followthrough.store import Store
from followthrough.sync.accounts import (
    DEFAULT_TIMEOUT,
    Account,
    AccountError,
    calendar_for,
    explain,
    get_account,
)

if TYPE_CHECKING:
    from caldav.collection import Calendar
    from caldav.davclient import DAVClient
    from caldav.response import DAVResponse

_SCHEMA = """CREATE TABLE IF NOT EXISTS sync_items (
    account TEXT NOT NULL,
    uid TEXT NOT NULL,
    href TEXT NOT NULL,
    etag TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (account, uid)
)"""

_OK = (200, 201, 204)


class SyncError(AccountError):
    """A sync could not finish; what was confirmed by the server before is kept."""


@dataclass(frozen=True)
class SyncItem:
    """What the last sync knows of one event on the server."""

    uid: str
    href: str
    etag: str
    hash: str


@dataclass
class PushReport:
    """What one push did; `requests` counts every HTTP request it sent."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    requests: int = 0
    adopted: int = 0  # already on the server as we would send it: only recorded
    conflicts: list[str] = field(default_factory=list)  # UIDs changed on both sides

    def __str__(self) -> str:
        text = (
            f"{self.created} created, {self.updated} updated, {self.deleted} deleted, "
            f"{self.unchanged} unchanged in {self.requests} requests"
        )
        if self.adopted:
            text += f"; {self.adopted} found already on the server"
        if self.conflicts:
            text += f"; {len(self.conflicts)} changed on the server too, left for the pull"
        return text + "."


# -- the record ------------------------------------------------------------------------------


def ensure_table(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute(_SCHEMA)


def sync_items(store: Store, account: str) -> dict[str, SyncItem]:
    """The recorded events of an account, by UID."""
    ensure_table(store)
    rows = store.conn.execute(
        "SELECT uid, href, etag, hash FROM sync_items WHERE account = ?", (account,)
    ).fetchall()
    return {row[0]: SyncItem(*row) for row in rows}


def _record(store: Store, account: str, item: SyncItem) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO sync_items (account, uid, href, etag, hash) "
            "VALUES (?, ?, ?, ?, ?)",
            (account, item.uid, item.href, item.etag, item.hash),
        )


def _forget(store: Store, account: str, uid: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM sync_items WHERE account = ? AND uid = ?", (account, uid))


# -- comparing events ----------------------------------------------------------------------


def content_key(data: bytes) -> str:
    """A hash of what the events in an iCalendar file say, whatever their serialization.

    Servers may store an event re-serialized (lines folded elsewhere, properties or
    parameters in another order); this hash only changes when a value does.
    """
    from icalendar import Calendar as ICalendar

    digest = hashlib.sha256()
    calendar = ICalendar.from_ical(data)
    events = sorted(
        (
            sorted(
                (
                    str(name).upper(),
                    value.to_ical() if hasattr(value, "to_ical") else str(value).encode(),
                    sorted(
                        (str(k).upper(), str(v)) for k, v in getattr(value, "params", {}).items()
                    ),
                )
                for name, value in event.property_items(recursive=False)
                if str(name).upper() not in ("BEGIN", "END")
            )
            for event in calendar.walk("VEVENT")
        ),
        key=repr,
    )
    digest.update(repr(events).encode())
    return digest.hexdigest()


def _same_events(remote: bytes, ours: bytes) -> bool:
    try:
        return content_key(remote) == content_key(ours)
    except ValueError:  # not iCalendar we can read: not ours as we would send it
        return False


# -- talking to the server -----------------------------------------------------------------


class _Session:
    """One account's calendar, with every request counted and errors made sentences."""

    def __init__(self, calendar: Calendar, account: Account, timeout: float) -> None:
        self.calendar = calendar
        client = calendar.client
        if client is None:  # pragma: no cover - calendar_for always gives a client
            raise SyncError(f"No connection to {account.origin}.")
        self.client: DAVClient = client
        self.account = account
        self.timeout = timeout
        self.requests = 0
        base = str(calendar.url)
        self.base = base if base.endswith("/") else base + "/"
        original: Callable[..., DAVResponse] = self.client.request

        def counted(*args: Any, **kwargs: Any) -> DAVResponse:
            self.requests += 1
            return original(*args, **kwargs)

        setattr(self.client, "request", counted)  # noqa: B010 - wraps the instance's method

    def href(self, uid: str) -> str:
        return urljoin(self.base, quote(uid, safe="@") + ".ics")

    def send(
        self, url: str, method: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> DAVResponse:
        from caldav.lib import error as dav_errors

        try:
            return self.client.request(url, method, body, dict(headers or {}))  # type: ignore[arg-type]
        except (OSError, dav_errors.DAVError) as error:
            raise SyncError(str(explain(error, self.account, self.timeout))) from error

    def fail(self, response: DAVResponse, url: str, method: str) -> SyncError:
        from caldav.lib import error as dav_errors

        status = int(response.status)
        error = dav_errors.DAVError(url, f"{method} {status} {response.reason}", status=status)
        return SyncError(str(explain(error, self.account, self.timeout)))

    def etag_of(self, response: DAVResponse, url: str) -> str:
        """The ETag a response gives, else the one a HEAD (or a GET) of `url` gives."""
        etag = _etag(response)
        for method in ("HEAD", "GET"):
            if etag:
                return etag
            answer = self.send(url, method)
            if answer.status in _OK:
                etag = _etag(answer)
        if not etag:
            raise SyncError(
                f"The server at {self.account.origin} gives no ETag for {url}, which a safe "
                "sync needs."
            )
        return etag

    def close(self) -> None:
        self.client.close()


def _etag(response: DAVResponse) -> str:
    headers = response.headers or {}
    value = headers.get("ETag") or headers.get("etag") or ""
    return str(value).strip()


def _body(response: DAVResponse) -> bytes:
    raw = getattr(response, "_raw_body", b"") or response._raw
    return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")


# -- push --------------------------------------------------------------------------------------


def push(
    store: Store,
    account: Account | str,
    *,
    exporter: Exporter | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> PushReport:
    """Send the store's changes to the account's calendar; see the module's description.

    Raises SyncError (one sentence) when the server cannot be reached or refuses; what was
    confirmed before that is recorded, and the next push carries on from there.
    """
    name = account.name if isinstance(account, Account) else account
    stored = get_account(store, name)
    files = (exporter or Exporter(store)).event_files()
    session = _Session(calendar_for(store, stored, timeout=timeout), stored, timeout)
    known = sync_items(store, name)
    for uid, earlier in list(known.items()):
        if not earlier.href.startswith(session.base):
            # Recorded in a calendar the account no longer syncs with: start afresh here
            # (the old calendar is left as it is).
            _forget(store, name, uid)
            del known[uid]
    report = PushReport()
    try:
        for uid in sorted(files):
            digest, data = files[uid]
            item = known.get(uid)
            if item is None:
                _create(store, session, report, uid, digest, data)
            elif item.hash == digest:
                report.unchanged += 1
            else:
                _update(store, session, report, item, digest, data)
        for uid in sorted(known.keys() - files.keys()):
            _delete(store, session, report, known[uid])
    finally:
        report.requests = session.requests
        session.close()
    return report


_PUT_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}


def _create(
    store: Store, session: _Session, report: PushReport, uid: str, digest: str, data: bytes
) -> None:
    href = session.href(uid)
    response = session.send(href, "PUT", data, {**_PUT_HEADERS, "If-None-Match": "*"})
    if response.status in _OK:
        etag = session.etag_of(response, href)
        _record(store, session.account.name, SyncItem(uid, href, etag, digest))
        report.created += 1
        return
    if response.status == 412:
        # Something is there already: most likely our own PUT whose record was lost.
        remote = session.send(href, "GET")
        if remote.status in _OK and _same_events(_body(remote), data):
            etag = session.etag_of(remote, href)
            _record(store, session.account.name, SyncItem(uid, href, etag, digest))
            report.adopted += 1
            return
        report.conflicts.append(uid)
        return
    if response.status == 409:  # the UID is taken by another resource of the calendar
        report.conflicts.append(uid)
        return
    raise session.fail(response, href, "PUT")


def _update(
    store: Store, session: _Session, report: PushReport, item: SyncItem, digest: str, data: bytes
) -> None:
    response = session.send(item.href, "PUT", data, {**_PUT_HEADERS, "If-Match": item.etag})
    if response.status in _OK:
        etag = session.etag_of(response, item.href)
        _record(store, session.account.name, SyncItem(item.uid, item.href, etag, digest))
        report.updated += 1
    elif response.status in (404, 412):
        # Changed (or deleted) on the server since the last sync: the pull decides.
        report.conflicts.append(item.uid)
    else:
        raise session.fail(response, item.href, "PUT")


def _delete(store: Store, session: _Session, report: PushReport, item: SyncItem) -> None:
    response = session.send(item.href, "DELETE", b"", {"If-Match": item.etag})
    if response.status in (*_OK, 404, 410):  # 404/410: already gone, as wanted
        _forget(store, session.account.name, item.uid)
        report.deleted += 1
    elif response.status == 412:
        report.conflicts.append(item.uid)
    else:
        raise session.fail(response, item.href, "DELETE")

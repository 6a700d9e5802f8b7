"""Push: what changed on this computer since the last sync, sent to the calendar (no Qt).

* an event never recorded is created with `If-None-Match: *`, so it never replaces what
  is there;
* a recorded event whose bytes changed is replaced with `If-Match: <ETag>`, so a change
  made on the server since the last sync is never overwritten (412: a conflict, left for
  the next pull to settle);
* a recorded event that is no longer in the store is deleted with `If-Match` (asking first,
  through MassDeleteError, when that is more than half of the events).

Each confirmed request is recorded in a transaction of its own at once, so a sync cut off
mid-way leaves no duplicate and loses nothing: the next one resends only what was not
recorded. An event that reached the server but was not recorded comes back as 412 to
`If-None-Match: *`; it is fetched, and recorded when it is the event we would send.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from followthrough.ical.export import FORMAT, Exporter
from followthrough.ical.mapping import step_uid
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.connection import DEFAULT_TIMEOUT
from followthrough.sync.errors import MassDeleteError
from followthrough.sync.events import same_as_sent
from followthrough.sync.records import (
    SyncItem,
    bases,
    current_items,
    forget,
    pushed_mark,
    record,
    save_pushed_mark,
)
from followthrough.sync.wire import DavSession, body_of, open_session

_OK = (200, 201, 204)


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
            text += f"; {len(self.conflicts)} changed on the server too, left for the next sync"
        return text + "."


def push(
    store: Store,
    account: Account | str,
    *,
    exporter: Exporter | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    allow_deletes: bool = False,
) -> PushReport:
    """Send the store's changes to the account's calendar; see the module's description.

    Raises SyncError (one sentence) when the server cannot be reached or refuses; what was
    confirmed before that is recorded, and the next push carries on from there.
    """
    with open_session(store, account, timeout) as session:
        return push_with_session(store, session, exporter or Exporter(store), allow_deletes)


def push_with_session(
    store: Store, session: DavSession, exporter: Exporter, allow_deletes: bool
) -> PushReport:
    """`push` over a session already open (a sync pulls, then pushes, over one).

    Nothing is read when nothing changed since the last complete push: the store's change
    count, the settings and templates, the file format and the calendar are what it left
    (`push_mark`); a pull that recorded or applied anything moves the count.
    """
    name = session.account.name
    mark = push_mark(store, exporter, session)
    left, events = pushed_mark(store, name)
    if mark == left:
        return PushReport(unchanged=events)
    versions = exporter.versions()
    known = current_items(store, exporter, name, versions)
    for uid, earlier in list(known.items()):
        if not session.holds(earlier.href):
            # Recorded in a calendar the account no longer syncs with: start afresh here
            # (the old calendar is left as it is).
            forget(store, name, uid)
            del known[uid]
    doomed = sorted(uid for uid in known.keys() - versions.keys() if known[uid].etag)
    live = sum(1 for item in known.values() if item.etag)
    if doomed and len(doomed) * 2 > live and not allow_deletes:
        raise MassDeleteError("from the calendar", len(doomed), live)
    report = PushReport()
    start = session.requests
    # Deleted in the calendar (here or, as the interview's history says, on another
    # computer): remembered as deleted, never sent back until it is reopened.
    deleted_there = {step_uid(sid) for sid in store.steps_deleted_in_calendar()}
    sending: list[str] = []
    for uid in sorted(versions):
        version = versions[uid]
        item = known.get(uid)
        if uid in deleted_there and (item is None or not item.etag):
            if item is None or item.hash != version:
                record(store, name, SyncItem(uid, session.href(uid), "", version))
            report.unchanged += 1
        elif item is not None and item.hash == version:
            report.unchanged += 1
        else:
            sending.append(uid)
    try:
        # Only what is sent is rendered, a batch at a time (memory stays bounded).
        for first in range(0, len(sending), RENDER_BATCH):
            batch = sending[first : first + RENDER_BATCH]
            if first:
                session.tell(f"Sent {first:,} of {len(sending):,} events…")
            files = exporter.files_for(batch)
            sent = bases(store, name, batch)
            for uid in batch:
                item, version, data = known.get(uid), versions[uid], files[uid]
                if item is None or not item.etag:
                    _create(store, session, report, uid, version, data)
                elif sent.get(uid) == data:
                    # A new version, the same bytes (a step of an interview that changed
                    # elsewhere): the calendar has it already.
                    record(store, name, replace(item, hash=version, base=data))
                    report.unchanged += 1
                else:
                    _update(store, session, report, item, version, data)
        for uid in sorted(known.keys() - versions.keys()):
            if known[uid].etag:
                _delete(store, session, report, known[uid])
            else:
                forget(store, name, uid)
    finally:
        report.requests = session.requests - start
    if not report.conflicts:
        # Complete: the next push sends nothing until something changes (its own records
        # moved the count: the mark is taken after them).
        save_pushed_mark(store, name, push_mark(store, exporter, session), len(versions))
    return report


def push_mark(store: Store, exporter: Exporter, session: DavSession) -> str:
    """What a push's outcome depends on besides the server: equal marks, nothing to send."""
    shown, records = store.change_counts()
    return f"{shown}:{records}:{exporter.settings_mark()}:{FORMAT}:{session.base}"


_PUT_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}
RENDER_BATCH = 200  # events rendered at a time for sending


def _create(
    store: Store, session: DavSession, report: PushReport, uid: str, digest: str, data: bytes
) -> None:
    href = session.href(uid)
    response = session.send(href, "PUT", data, {**_PUT_HEADERS, "If-None-Match": "*"})
    if response.status in _OK:
        etag = session.etag_of(response, href)
        record(store, session.account.name, SyncItem(uid, href, etag, digest, data))
        report.created += 1
        return
    if response.status == 412:
        # Something is there already: most likely our own PUT whose record was lost.
        remote = session.send(href, "GET")
        body = body_of(remote)
        if remote.status in _OK and same_as_sent(body, data):
            etag = session.etag_of(remote, href)
            record(store, session.account.name, SyncItem(uid, href, etag, digest, data))
            report.adopted += 1
            return
        report.conflicts.append(uid)
        return
    if response.status == 409:  # the UID is taken by another resource of the calendar
        report.conflicts.append(uid)
        return
    raise session.fail(response, href, "PUT")


def _update(
    store: Store,
    session: DavSession,
    report: PushReport,
    item: SyncItem,
    digest: str,
    data: bytes,
) -> None:
    response = session.send(item.href, "PUT", data, {**_PUT_HEADERS, "If-Match": item.etag})
    if response.status in _OK:
        etag = session.etag_of(response, item.href)
        record(store, session.account.name, SyncItem(item.uid, item.href, etag, digest, data))
        report.updated += 1
    elif response.status in (404, 412):
        # Changed (or deleted) on the server since the last pull: the next pull decides.
        report.conflicts.append(item.uid)
    else:
        raise session.fail(response, item.href, "PUT")


def _delete(store: Store, session: DavSession, report: PushReport, item: SyncItem) -> None:
    response = session.send(item.href, "DELETE", b"", {"If-Match": item.etag})
    if response.status in (*_OK, 404, 410):  # 404/410: already gone, as wanted
        forget(store, session.account.name, item.uid)
        report.deleted += 1
    elif response.status == 412:
        report.conflicts.append(item.uid)
    else:
        raise session.fail(response, item.href, "DELETE")

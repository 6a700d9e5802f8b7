"""Two-way sync of the store's events with an account's CalDAV calendar (no Qt).

Each event is a resource of its own on the server, at `<calendar URL><quoted UID>.ics`.
Table `sync_items` remembers, per account and UID, where the event lives (href), the ETag
the server gave it, the hash of the bytes we last sent or accepted, and the event as last
synced (the *base* of a three-way merge). Table `sync_state` keeps the calendar's RFC 6578
sync token. A sync pulls, then pushes.

Pull: the calendar lists what changed since the stored token (everything, when there is no
token, the server refused it, or the last full listing is a day old). Only resources whose
ETag differs from the recorded one are fetched, in one calendar-multiget. What they show is
applied through the one mapping (ical.mapping), in one transaction with the records:

* an interview from another computer appears with its history, and so with its plan;
* histories are merged (activities are kept by id, so nothing done anywhere is lost);
* a step moved, marked done or cancelled in a calendar app becomes a move, done or skip;
* a field changed on both sides since the base (a step's time or state, an interview's
  company, decision date, ...) keeps the later change; the other one is kept in the
  interview's history as a `conflict` entry, which the app shows;
* a step deleted in the calendar becomes skipped and is not re-created; an interview
  deleted there is deleted here; but never over a change made here and not yet synced;
* a pull that would delete more than half of the events stops with MassDeleteError.

Push: what changed here since the last sync is sent:

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

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from followthrough.core.model import Activity, ActivityKind, Interview, Step, StepStatus
from followthrough.ical.export import Exporter
from followthrough.ical.mapping import (
    ImportedInterview,
    MappingError,
    StepState,
    changes_from_calendar,
    is_ours,
    parse_uid,
    read_interview,
    read_step,
)
from followthrough.store import Store
from followthrough.sync.accounts import DEFAULT_TIMEOUT, Account, calendar_for, get_account
from followthrough.sync.wire import DavSession, Listing, SyncError, body_of, path_of

if TYPE_CHECKING:
    from icalendar import Event

__all__ = [
    "FULL_EVERY",
    "MassDeleteError",
    "PullReport",
    "PushReport",
    "SyncError",
    "SyncItem",
    "SyncReport",
    "content_key",
    "pull",
    "push",
    "sync",
    "sync_items",
]

FULL_EVERY = timedelta(days=1)  # a full listing this often catches deletions a server forgot

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS sync_items (
        account TEXT NOT NULL,
        uid TEXT NOT NULL,
        href TEXT NOT NULL,
        etag TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (account, uid)
    )""",
    """CREATE TABLE IF NOT EXISTS sync_state (
        account TEXT NOT NULL,
        calendar TEXT NOT NULL,
        token TEXT NOT NULL,
        full_at TEXT NOT NULL,
        PRIMARY KEY (account, calendar)
    )""",
)

_OK = (200, 201, 204)


class MassDeleteError(SyncError):
    """The sync would delete more than half of the events: nothing was deleted; confirm."""

    def __init__(self, where: str, count: int, total: int) -> None:
        self.count, self.total = count, total
        super().__init__(
            f"This sync would delete {count} of the {total} synced events {where}, more than "
            "half of them, so it stopped before deleting anything; run it again with "
            "--allow-deletes (or confirm in the window) if that is what you want."
        )


@dataclass(frozen=True)
class SyncItem:
    """What the last sync knows of one event on the server.

    An empty `etag` marks an event deleted in the calendar that stays deleted until it
    changes here (a step deleted remotely is skipped, not re-created).
    """

    uid: str
    href: str
    etag: str
    hash: str
    base: bytes = b""  # the event as last synced


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


@dataclass
class PullReport:
    """What one pull found and applied here."""

    listed: int = 0  # resources the server listed as changed (or all, in a full listing)
    fetched: int = 0  # resources downloaded
    full: bool = False  # a full listing (no token, refused token, or the daily check)
    added: list[str] = field(default_factory=list)  # "company — role" of new interviews
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # interviews deleted in the calendar
    skipped_steps: int = 0  # steps deleted in the calendar, now skipped
    kept: list[str] = field(default_factory=list)  # remote deletions refused: changed here
    conflicts: list[str] = field(default_factory=list)  # sentences, as kept in the history
    warnings: list[str] = field(default_factory=list)  # events that could not be read
    requests: int = 0

    def __str__(self) -> str:
        parts = [f"{len(self.added)} new", f"{len(self.updated)} updated"]
        if self.deleted:
            parts.append(f"{len(self.deleted)} deleted")
        if self.skipped_steps:
            parts.append(f"{self.skipped_steps} steps skipped (deleted in the calendar)")
        text = f"{', '.join(parts)} interviews from the calendar"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflicts settled"
        return text + "."


@dataclass
class SyncReport:
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


# -- the record ------------------------------------------------------------------------------


def ensure_table(store: Store) -> None:
    with store.transaction() as conn:
        for statement in _SCHEMA:
            conn.execute(statement)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(sync_items)")}
        if "base" not in columns:
            conn.execute("ALTER TABLE sync_items ADD COLUMN base BLOB NOT NULL DEFAULT x''")


def sync_items(store: Store, account: str) -> dict[str, SyncItem]:
    """The recorded events of an account, by UID (without their bases: see `bases`)."""
    ensure_table(store)
    rows = store.conn.execute(
        "SELECT uid, href, etag, hash FROM sync_items WHERE account = ?", (account,)
    ).fetchall()
    return {row[0]: SyncItem(*row) for row in rows}


def bases(store: Store, account: str, uids: Iterable[str]) -> dict[str, bytes]:
    """The events as last synced, of the given UIDs (those with no record or no base left out)."""
    wanted = list(uids)
    if not wanted:
        return {}
    # One query, with json_each keeping one bound parameter however many UIDs there are.
    rows = store.conn.execute(
        "SELECT uid, base FROM sync_items "
        "WHERE account = ? AND uid IN (SELECT value FROM json_each(?))",
        (account, json.dumps(wanted)),
    ).fetchall()
    return {uid: bytes(base) for uid, base in rows if base}


def _record(store: Store | sqlite3.Connection, account: str, item: SyncItem) -> None:
    statement = (
        "INSERT OR REPLACE INTO sync_items (account, uid, href, etag, hash, base) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    args = (account, item.uid, item.href, item.etag, item.hash, item.base)
    if isinstance(store, sqlite3.Connection):
        store.execute(statement, args)
        return
    with store.transaction() as conn:
        conn.execute(statement, args)


def _forget(store: Store | sqlite3.Connection, account: str, uid: str) -> None:
    statement = "DELETE FROM sync_items WHERE account = ? AND uid = ?"
    if isinstance(store, sqlite3.Connection):
        store.execute(statement, (account, uid))
        return
    with store.transaction() as conn:
        conn.execute(statement, (account, uid))


def _state(store: Store, account: str, calendar: str) -> tuple[str, datetime | None]:
    row = store.conn.execute(
        "SELECT token, full_at FROM sync_state WHERE account = ? AND calendar = ?",
        (account, calendar),
    ).fetchone()
    if row is None:
        return "", None
    return row[0], datetime.fromisoformat(row[1])


def _save_state(
    conn: sqlite3.Connection, account: str, calendar: str, token: str, full_at: datetime | None
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_state (account, calendar, token, full_at) VALUES (?,?,?,?)",
        (account, calendar, token, (full_at or datetime.min.replace(tzinfo=UTC)).isoformat()),
    )


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


def _main_event(data: bytes) -> Event | None:
    """The one VEVENT of a resource (its master when it recurs), or None."""
    from icalendar import Calendar as ICalendar

    try:
        events = ICalendar.from_ical(data).walk("VEVENT")
    except ValueError:
        return None
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    return masters[0] if len(masters) == 1 else None  # type: ignore[return-value]


def _changed_at(event: Event, default: datetime) -> datetime:
    """When the event was last changed, as its LAST-MODIFIED (else DTSTAMP) says."""
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        if event.get(name) is None:
            continue
        try:
            value = event.decoded(name)
        except (ValueError, KeyError):
            continue
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return default


@contextmanager
def _session(store: Store, account: Account | str, timeout: float) -> Iterator[DavSession]:
    """The account's calendar, ready to talk to (no traffic yet); closed when the block ends."""
    stored = get_account(store, account.name if isinstance(account, Account) else account)
    session = DavSession(calendar_for(store, stored, timeout=timeout), stored, timeout)
    try:
        yield session
    finally:
        session.close()


# -- pull ----------------------------------------------------------------------------------


@dataclass
class _Remote:
    """One of our events as the calendar now has it."""

    uid: str
    path: str
    etag: str
    body: bytes
    event: Event


_LABELS = {
    "company": "company",
    "role": "role",
    "interviewers": "interviewers",
    "start": "interview time",
    "end": "interview end",
    "tz": "time zone",
    "channel": "channel",
    "decision_date": "decision date",
    "pace": "pace",
    "playbook": "playbook",
    "round": "round",
    "topics": "topics",
    "clarify": "points to clarify",
    "notes": "notes",
    "location": "location",
}


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "; ".join(_shown(v) for v in value) or "(none)"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if hasattr(value, "name") and hasattr(value, "email"):
        return str(value.name)
    text = str(value) if value not in (None, "") else "(none)"
    return text if len(text) <= 80 else text[:77] + "..."


class _Merger:
    """Decides, for one pull, what the calendar's changes do here (see the module doc)."""

    def __init__(
        self,
        store: Store,
        known: dict[str, SyncItem],
        base: dict[str, bytes],
        before: dict[str, str],
        now: datetime,
    ) -> None:
        self.store = store
        self.known = known
        self.base = base  # uid -> the event as last synced
        self.before = before  # uid -> digest of what this computer would send, before the pull
        self.now = now
        self.local_wins: set[str] = set()  # uids whose local version must be pushed
        self._latest_by_interview: dict[str, dict[str, datetime]] = {}
        self.conflicts: list[str] = []

    def _latest(self, interview_id: str) -> dict[str, datetime]:
        """Step key -> when the last thing happened to it, read once per interview (the
        interview's history is complete before its steps are reconciled)."""
        if interview_id not in self._latest_by_interview:
            latest: dict[str, datetime] = {}
            for activity in self.store.activities(interview_id):
                key = activity.step
                if key and (key not in latest or activity.at > latest[key]):
                    latest[key] = activity.at
            self._latest_by_interview[interview_id] = latest
        return self._latest_by_interview[interview_id]

    def changed_here(self, uid: str) -> bool:
        """Whether this computer changed the event since the last sync."""
        item = self.known.get(uid)
        return uid in self.before and (item is None or item.hash != self.before[uid])

    def _base_event(self, uid: str) -> Event | None:
        data = self.base.get(uid)
        return _main_event(data) if data else None

    def _note(self, key: str, text: str) -> Activity:
        self.conflicts.append(text)
        return Activity(ActivityKind.CONFLICT, self.now, step=key, note=text)

    # -- interviews --------------------------------------------------------------------------
    def interview(
        self, remote: _Remote, imported: ImportedInterview, here: Interview, modified: datetime
    ) -> tuple[Interview, list[Activity]]:
        """The interview's fields merged three ways, and the conflicts as history entries."""
        base_event = self._base_event(remote.uid)
        base: Interview | None = None
        if base_event is not None:
            try:
                base = read_interview(base_event).interview
            except MappingError:
                base = None
        theirs = imported.interview
        remote_at = _changed_at(remote.event, self.now)
        merged = here
        notes: list[Activity] = []
        for spec in fields(Interview):
            name = spec.name
            if name in ("id", "created"):
                continue
            mine, other = getattr(here, name), getattr(theirs, name)
            if mine == other:
                continue
            if base is not None and other == getattr(base, name):
                continue  # changed here only: ours stands
            if base is not None and mine == getattr(base, name):
                merged = replace(merged, **{name: other})  # changed in the calendar only
                continue
            label = _LABELS.get(name, name)
            if remote_at > modified:
                merged = replace(merged, **{name: other})
                notes.append(
                    self._note(
                        "",
                        f"{here.company}: the {label} was changed on both sides; the calendar's "
                        f"later change ({_shown(other)}) was kept, this computer's "
                        f"({_shown(mine)}) was replaced.",
                    )
                )
            else:
                self.local_wins.add(remote.uid)
                notes.append(
                    self._note(
                        "",
                        f"{here.company}: the {label} was changed on both sides; this "
                        f"computer's later change ({_shown(mine)}) was kept, the calendar's "
                        f"({_shown(other)}) was replaced.",
                    )
                )
        if merged != here:
            try:
                merged = merged.validated()
            except ValueError:
                merged = here
        return merged, notes

    # -- steps -------------------------------------------------------------------------------
    def step(
        self,
        remote: _Remote,
        state: StepState,
        step: Step,
        modified: datetime,
        company: str,
    ) -> list[Activity]:
        """What a step event changed in the calendar does here."""
        base_event = self._base_event(remote.uid)
        base: StepState | None = None
        if base_event is not None:
            try:
                base = read_step(base_event)[1]
            except MappingError:
                base = None
        # What the calendar did is recorded after everything already known of the step, so
        # that the history (ordered by time) ends with it, whatever the clocks said.
        latest = self._latest(step.interview_id).get(step.key)
        at = max(self.now, latest + timedelta(milliseconds=1)) if latest else self.now
        if base is None or not self.changed_here(remote.uid):
            return changes_from_calendar(state, step, at, base)
        # Changed on both sides since the base: field by field.
        remote_at = _changed_at(remote.event, self.now)
        later_there = remote_at > modified
        found: list[Activity] = []
        status_there = state.status is not base.status
        status_here = step.status is not base.status
        if status_there and status_here and state.status is not step.status:
            if later_there:
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: marked {state.status.value} in the calendar "
                        f"after it was marked {step.status.value} here; the calendar's later "
                        "change was kept.",
                    )
                )
                found += changes_from_calendar(
                    state, replace(step, status=StepStatus.PLANNED), at, base
                )
                if step.status is not StepStatus.PLANNED:
                    found.insert(0, Activity(ActivityKind.REOPEN, at, step=step.key))
            else:
                self.local_wins.add(remote.uid)
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: marked {step.status.value} here after it was "
                        f"marked {state.status.value} in the calendar; this computer's later "
                        "change was kept.",
                    )
                )
            return found
        moved_there = abs(state.start - base.start) >= timedelta(minutes=1)
        moved_here = abs(step.start - base.start) >= timedelta(minutes=1)
        if (
            moved_there
            and moved_here
            and step.status is StepStatus.PLANNED
            and abs(state.start - step.start) >= timedelta(minutes=1)
        ):
            there, here = _shown(state.start), _shown(step.start)
            if later_there:
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: moved to {there} in the calendar and to "
                        f"{here} here; the calendar's later move was kept.",
                    )
                )
                found.append(Activity(ActivityKind.MOVE, at, step=step.key, to=state.start))
            else:
                self.local_wins.add(remote.uid)
                found.append(
                    self._note(
                        step.key,
                        f"{company}, {step.title}: moved to {here} here and to {there} in the "
                        "calendar; this computer's later move was kept.",
                    )
                )
            return found
        # Different fields changed: both stand.
        found += changes_from_calendar(state, step, at, base)
        if found:
            self.local_wins.add(remote.uid)  # what changed here must still reach the calendar
        return found


def pull(
    store: Store,
    account: Account | str,
    *,
    exporter: Exporter | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    allow_deletes: bool = False,
    now: datetime | None = None,
) -> PullReport:
    """Apply the calendar's changes here; see the module's description."""
    with _session(store, account, timeout) as session:
        return _pull(store, session, exporter or Exporter(store), allow_deletes, now)


def _pull(
    store: Store,
    session: DavSession,
    exporter: Exporter,
    allow_deletes: bool,
    now: datetime | None,
) -> PullReport:
    now = now or datetime.now(UTC)
    account = session.account.name
    report = PullReport()
    known = sync_items(store, account)
    token, full_at = _state(store, account, session.base)
    if full_at is None or now - full_at >= FULL_EVERY:
        token = ""
    try:
        listing = session.changes_since(token)
        report.full = listing.full
        on_server = {path_of(i.href): i for i in known.values() if i.etag}
        removed = _removed(listing, on_server)
        report.listed = len(listing.etags)
        wanted = [
            p
            for p, etag in listing.etags.items()
            if p not in on_server or on_server[p].etag != etag
        ]
        fetched = session.fetch(wanted) if wanted else {}
    finally:
        report.requests = session.requests
    report.fetched = len(fetched)
    remote: dict[str, _Remote] = {}
    for path, (etag, body) in sorted(fetched.items()):
        event = _main_event(body)
        if event is None or not is_ours(event):
            continue  # the user's own events share the calendar: not ours to read
        uid = str(event["UID"])
        remote[uid] = _Remote(uid, path, etag, body, event)
    gone = [on_server[p].uid for p in sorted(removed) if p in on_server]
    gone = [uid for uid in gone if uid not in remote]  # re-created since: not gone
    live = sum(1 for item in known.values() if item.etag)
    if gone and len(gone) * 2 > live and not allow_deletes:
        raise MassDeleteError("in this computer's data", len(gone), live)
    if not remote and not gone:
        # Nothing of ours changed in the calendar: only the token moves on.
        if listing.token != token or listing.full:
            with store.transaction() as conn:
                _save_state(
                    conn, account, session.base, listing.token, now if listing.full else full_at
                )
        return report
    before = {uid: digest for uid, (digest, _data) in exporter.event_files().items()}
    merger = _Merger(store, known, bases(store, account, [*remote, *gone]), before, now)
    plan = _plan_pull(store, session, merger, remote, gone, report)
    full = listing.full

    def finish(conn: sqlite3.Connection) -> None:
        after = exporter.event_files()
        for uid, item in remote.items():
            if uid not in plan.applied:
                continue
            if uid not in after:
                _forget(conn, account, uid)
                continue
            keep_old = merger.changed_here(uid) or uid in merger.local_wins
            if keep_old and uid not in known and _same_events(item.body, after[uid][1]):
                keep_old = False  # sent before, but its record was lost: the same event
            previous = known.get(uid)
            digest = (previous.hash if previous else "") if keep_old else after[uid][0]
            _record(
                conn, account, SyncItem(uid, session.url(item.path), item.etag, digest, item.body)
            )
        for uid in plan.forget:
            _forget(conn, account, uid)
        for uid in plan.tombstones:
            if uid in after:
                _record(conn, account, SyncItem(uid, known[uid].href, "", after[uid][0]))
            else:
                _forget(conn, account, uid)
        _save_state(conn, account, session.base, listing.token, now if full else full_at)

    try:
        results = store.merge_interviews(
            plan.items, plan.reconcile, deletions=plan.deletions, finish=finish
        )
    except BaseException:
        exporter.forget_cache()
        raise
    for interview, outcome in results:
        label = f"{interview.company} — {interview.role}"
        if outcome == "added":
            report.added.append(label)
        elif outcome == "updated":
            report.updated.append(label)
    report.conflicts = merger.conflicts
    return report


def _removed(listing: Listing, on_server: dict[str, SyncItem]) -> set[str]:
    if listing.full:
        return set(on_server) - set(listing.etags)
    return set(listing.removed)


@dataclass
class _PullPlan:
    items: list[tuple[Interview, Sequence[Activity], int]] = field(default_factory=list)
    reconcile: Callable[[Interview, list[Step]], list[Activity]] | None = None
    deletions: list[str] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)  # uids of remote events taken in
    forget: set[str] = field(default_factory=set)  # records dropped: the push re-creates
    tombstones: set[str] = field(default_factory=set)  # steps deleted remotely, now skipped


def _plan_pull(
    store: Store,
    session: DavSession,
    merger: _Merger,
    remote: dict[str, _Remote],
    gone: Iterable[str],
    report: PullReport,
) -> _PullPlan:
    """What the pull will write, decided before the one transaction that writes it."""
    plan = _PullPlan()
    interviews: dict[str, tuple[_Remote, ImportedInterview]] = {}
    steps: dict[str, dict[str, tuple[_Remote, StepState]]] = {}
    for uid, item in remote.items():
        try:
            parsed = parse_uid(uid)
            assert parsed is not None
            if parsed[1]:
                owner, state = read_step(item.event)
                steps.setdefault(owner, {})[state.key] = (item, state)
            else:
                interviews[parsed[0]] = (item, read_interview(item.event))
        except MappingError as error:
            report.warnings.append(str(error))
    deleted_steps: dict[str, set[str]] = {}
    for uid in gone:
        parsed = parse_uid(uid)
        if parsed is None:
            continue
        interview_id, key = parsed
        if merger.changed_here(uid):
            plan.forget.add(uid)
            report.kept.append(f"{uid}: deleted in the calendar but changed here, so sent again")
        elif key:
            deleted_steps.setdefault(interview_id, set()).add(key)
            plan.tombstones.add(uid)
        else:
            plan.deletions.append(interview_id)
            plan.forget.add(uid)
    ids = sorted(set(interviews) | set(steps) | set(deleted_steps) | set(plan.deletions))
    here = {s.interview.id: s for s in store.stored_interviews(ids)}
    for interview_id in plan.deletions:
        if interview_id in here:
            found = here[interview_id].interview
            report.deleted.append(f"{found.company} — {found.role}")
    for interview_id in ids:
        if interview_id in plan.deletions:
            continue
        local = here.get(interview_id)
        if interview_id in interviews:
            item, imported = interviews[interview_id]
            plan.applied.add(item.uid)
            if local is None:
                plan.items.append((imported.interview, imported.activities, imported.sequence))
            else:
                merged, notes = merger.interview(item, imported, local.interview, local.modified)
                sequence = local.sequence + 1 if merged != local.interview else 0
                plan.items.append((merged, [*imported.activities, *notes], sequence))
        elif local is not None:
            plan.items.append((local.interview, (), 0))
        else:
            for item, _state in steps.get(interview_id, {}).values():
                report.warnings.append(
                    f"{item.uid}: its interview is not in the calendar, so it was left out."
                )
            steps.pop(interview_id, None)
            continue
        plan.applied.update(item.uid for item, _state in steps.get(interview_id, {}).values())
    step_ids = [f"{iid}.{key}" for iid, shown in steps.items() for key in shown]
    modified = {sid: stored.modified for sid, stored in store.stored_steps(step_ids).items()}
    companies = {iid: s.interview.company for iid, s in here.items()}
    companies.update({iid: imp.interview.company for iid, (_i, imp) in interviews.items()})

    def reconcile(interview: Interview, current: list[Step]) -> list[Activity]:
        found: list[Activity] = []
        shown = steps.get(interview.id, {})
        deleted = deleted_steps.get(interview.id, set())
        for step in current:
            if step.key in shown:
                item, state = shown[step.key]
                found += merger.step(
                    item, state, step, modified.get(step.id, merger.now), interview.company
                )
            elif step.key in deleted and step.status is StepStatus.PLANNED:
                found.append(
                    Activity(
                        ActivityKind.SKIP,
                        merger.now,
                        step=step.key,
                        note="Deleted in the calendar.",
                    )
                )
                report.skipped_steps += 1
        return found

    plan.reconcile = reconcile
    return plan


# -- push --------------------------------------------------------------------------------------


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
    with _session(store, account, timeout) as session:
        return _push(store, session, exporter or Exporter(store), allow_deletes)


def _push(store: Store, session: DavSession, exporter: Exporter, allow_deletes: bool) -> PushReport:
    name = session.account.name
    files = exporter.event_files()
    known = sync_items(store, name)
    for uid, earlier in list(known.items()):
        if not path_of(earlier.href).startswith(session.base_path):
            # Recorded in a calendar the account no longer syncs with: start afresh here
            # (the old calendar is left as it is).
            _forget(store, name, uid)
            del known[uid]
    doomed = sorted(uid for uid in known.keys() - files.keys() if known[uid].etag)
    live = sum(1 for item in known.values() if item.etag)
    if doomed and len(doomed) * 2 > live and not allow_deletes:
        raise MassDeleteError("from the calendar", len(doomed), live)
    report = PushReport()
    start = session.requests
    try:
        for uid in sorted(files):
            digest, data = files[uid]
            item = known.get(uid)
            if item is None or (not item.etag and item.hash != digest):
                _create(store, session, report, uid, digest, data)
            elif item.hash == digest:
                report.unchanged += 1
            else:
                _update(store, session, report, item, digest, data)
        for uid in sorted(known.keys() - files.keys()):
            if known[uid].etag:
                _delete(store, session, report, known[uid])
            else:
                _forget(store, name, uid)
    finally:
        report.requests = session.requests - start
    return report


_PUT_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}


def _create(
    store: Store, session: DavSession, report: PushReport, uid: str, digest: str, data: bytes
) -> None:
    href = session.href(uid)
    response = session.send(href, "PUT", data, {**_PUT_HEADERS, "If-None-Match": "*"})
    if response.status in _OK:
        etag = session.etag_of(response, href)
        _record(store, session.account.name, SyncItem(uid, href, etag, digest, data))
        report.created += 1
        return
    if response.status == 412:
        # Something is there already: most likely our own PUT whose record was lost.
        remote = session.send(href, "GET")
        body = body_of(remote)
        if remote.status in _OK and _same_events(body, data):
            etag = session.etag_of(remote, href)
            _record(store, session.account.name, SyncItem(uid, href, etag, digest, data))
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
        _record(store, session.account.name, SyncItem(item.uid, item.href, etag, digest, data))
        report.updated += 1
    elif response.status in (404, 412):
        # Changed (or deleted) on the server since the last pull: the next pull decides.
        report.conflicts.append(item.uid)
    else:
        raise session.fail(response, item.href, "PUT")


def _delete(store: Store, session: DavSession, report: PushReport, item: SyncItem) -> None:
    response = session.send(item.href, "DELETE", b"", {"If-Match": item.etag})
    if response.status in (*_OK, 404, 410):  # 404/410: already gone, as wanted
        _forget(store, session.account.name, item.uid)
        report.deleted += 1
    elif response.status == 412:
        report.conflicts.append(item.uid)
    else:
        raise session.fail(response, item.href, "DELETE")


# -- both ----------------------------------------------------------------------------------


def sync(
    store: Store,
    account: Account | str,
    *,
    exporter: Exporter | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    allow_deletes: bool = False,
    now: datetime | None = None,
) -> SyncReport:
    """Pull the calendar's changes, then push this computer's; see the module's description."""
    exporter = exporter or Exporter(store)
    with _session(store, account, timeout) as session:
        pulled = _pull(store, session, exporter, allow_deletes, now)
        pushed = _push(store, session, exporter, allow_deletes)
    return SyncReport(pulled, pushed, session.waited)

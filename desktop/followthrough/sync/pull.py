"""Pull: the calendar's changes to this computer's events, applied here (no Qt).

The calendar lists what changed since the stored token (everything, when there is no token,
the server refused it, or the last full listing is a day old). Only resources whose ETag
differs from the recorded one are fetched, in one calendar-multiget. What they show is
applied through the one mapping (ical.mapping), in one transaction with the records:

* an interview from another computer appears with its history, and so with its plan;
* histories are merged (activities are kept by id, so nothing done anywhere is lost);
* what changed on both sides is settled by the three-way merge (`merge`);
* a step deleted in the calendar becomes skipped and is not re-created; an interview
  deleted there is deleted here; but never over a change made here and not yet synced;
* a pull that would delete more than half of the events stops with MassDeleteError;
* an event that cannot be read is left out with a warning, and asked for again next time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from followthrough.core.model import Activity, Interview, Step, StepStatus
from followthrough.core.text import shown
from followthrough.ical.export import Exporter
from followthrough.ical.mapping import (
    ImportedInterview,
    MappingError,
    StepState,
    interview_uid,
    is_ours,
    parse_uid,
)
from followthrough.ical.quick import quick_event
from followthrough.store import Store
from followthrough.sync.accounts import Account
from followthrough.sync.connection import DEFAULT_TIMEOUT
from followthrough.sync.errors import MassDeleteError
from followthrough.sync.events import main_event, same_as_sent
from followthrough.sync.merge import Merger, RemoteEvent
from followthrough.sync.records import (
    SyncItem,
    bases,
    current_items,
    forget,
    record,
    save_sync_state,
    sync_items,
    sync_state,
)
from followthrough.sync.wire import DavSession, Listing, open_session

FULL_EVERY = timedelta(days=1)  # a full listing this often catches deletions a server forgot


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
    with open_session(store, account, timeout) as session:
        return pull_with_session(store, session, exporter or Exporter(store), allow_deletes, now)


def pull_with_session(
    store: Store,
    session: DavSession,
    exporter: Exporter,
    allow_deletes: bool,
    now: datetime | None,
) -> PullReport:
    """`pull` over a session already open (a sync pulls, then pushes, over one)."""
    now = now or datetime.now(UTC)
    account = session.account.name
    report = PullReport()
    token, full_at = sync_state(store, account, session.base)
    if full_at is None or now - full_at >= FULL_EVERY:
        token = ""
    try:
        listing = session.changes_since(token)
        report.full = listing.full
        # What this computer recorded is compared with what the calendar lists: with nothing
        # listed (the usual sync), there is nothing to compare and it is not read.
        changed = listing.full or listing.etags or listing.removed
        known = sync_items(store, account) if changed else {}
        on_server = {i.href: i for i in known.values() if i.etag}  # hrefs in one form
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
    remote: dict[str, RemoteEvent] = {}
    for path, (etag, body) in sorted(fetched.items()):
        read = quick_event(body)
        if isinstance(read, ImportedInterview):
            uid = interview_uid(read.interview.id)
            remote[uid] = RemoteEvent(uid, path, etag, body, imported=read)
            continue
        if read is not None:
            remote[read[1].uid] = RemoteEvent(read[1].uid, path, etag, body, step=read)
            continue
        event = main_event(body)
        if event is None:
            problem = _unreadable(body)
            if problem:
                name = shown(unquote(path.rsplit("/", 1)[-1]))  # as the server names it
                report.warnings.append(
                    f"The event {name} in the calendar could not be read ({problem}), so it "
                    "was left out; fix or delete it in the calendar."
                )
            continue
        if not is_ours(event):
            continue  # the user's own events share the calendar: not ours to read
        uid = str(event["UID"])
        remote[uid] = RemoteEvent(uid, path, etag, body, event)
    gone = [on_server[p].uid for p in sorted(removed) if p in on_server]
    gone = [uid for uid in gone if uid not in remote]  # re-created since: not gone
    live = sum(1 for item in known.values() if item.etag)
    if gone and len(gone) * 2 > live and not allow_deletes:
        raise MassDeleteError("in this computer's data", len(gone), live)
    if not remote and not gone:
        # Nothing of ours changed in the calendar: only the token moves on.
        next_token = _next_token(listing, report)
        if next_token != token or listing.full:
            with store.transaction() as conn:
                save_sync_state(
                    conn, account, session.base, next_token, now if listing.full else full_at
                )
        return report
    before = exporter.versions()
    known = current_items(store, exporter, account, before)
    merger = Merger(store, known, bases(store, account, [*remote, *gone]), before, now)
    plan = _plan_pull(store, session, merger, remote, gone, report)
    full = listing.full

    def finish(conn: sqlite3.Connection) -> None:
        # Sent before, but the record of it was lost (a restored or reinstalled store): when
        # the calendar holds the very event this computer would send, it is adopted as it is,
        # neither sent again nor raised above itself.
        unrecorded = [
            uid
            for uid in remote
            if uid in plan.applied and uid not in known and merger.keeps_ours(uid)
        ]
        ours = exporter.files_for(unrecorded) if unrecorded else {}
        same = {uid for uid in ours if same_as_sent(remote[uid].body, ours[uid])}
        _raise_sequences(conn, store, merger, remote, plan.applied, same)
        after = exporter.versions()
        for uid, item in remote.items():
            if uid not in plan.applied:
                continue
            if uid not in after:
                forget(conn, account, uid)
                continue
            keep_old = merger.keeps_ours(uid) and uid not in same
            previous = known.get(uid)
            digest = (previous.hash if previous else "") if keep_old else after[uid]
            record(conn, account, SyncItem(uid, item.path, item.etag, digest, item.body))
        for uid in plan.forget:
            forget(conn, account, uid)
        for uid in plan.tombstones:
            if uid in after:
                record(conn, account, SyncItem(uid, known[uid].href, "", after[uid]))
            else:
                forget(conn, account, uid)
        next_token = _next_token(listing, report)
        save_sync_state(conn, account, session.base, next_token, now if full else full_at)

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


def _raise_sequences(
    conn: sqlite3.Connection,
    store: Store,
    merger: Merger,
    remote: dict[str, RemoteEvent],
    applied: set[str],
    same: set[str],
) -> None:
    """SEQUENCE only goes up: each event taken in gets at least the calendar's SEQUENCE
    (a calendar app or another computer may have raised it), and one above it where this
    computer's version is to be sent back, so the calendar sees it as the newer (not for
    those in `same`: the calendar holds them as this computer would send them)."""
    interviews: dict[str, int] = {}
    steps: dict[str, int] = {}
    for uid in applied & remote.keys():
        parsed = parse_uid(uid)
        floor = remote[uid].sequence()
        if parsed is None or floor <= 0:
            continue
        floor += 1 if merger.keeps_ours(uid) and uid not in same else 0
        interview_id, key = parsed
        if key:
            steps[f"{interview_id}.{key}"] = floor
        else:
            interviews[interview_id] = floor
    store.raise_sequences(conn, interviews, steps)


def _next_token(listing: Listing, report: PullReport) -> str:
    """The token to keep: none after a pull that left events out (warnings), so the next
    lists everything again and fetches them anew (ETags keep the rest from being fetched)."""
    return "" if report.warnings else listing.token


def _unreadable(body: bytes) -> str:
    """Why a resource of the calendar is not iCalendar that can be read, or ''."""
    from followthrough.ical.bounds import parse_one

    try:
        parse_one(body)
    except ValueError as error:
        return shown(str(error))
    return ""


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
    merger: Merger,
    remote: dict[str, RemoteEvent],
    gone: Iterable[str],
    report: PullReport,
) -> _PullPlan:
    """What the pull will write, decided before the one transaction that writes it."""
    plan = _PullPlan()
    interviews: dict[str, tuple[RemoteEvent, ImportedInterview]] = {}
    steps: dict[str, dict[str, tuple[RemoteEvent, StepState]]] = {}
    for uid, item in remote.items():
        try:
            parsed = parse_uid(uid)
            assert parsed is not None
            if parsed[1]:
                owner, state = item.read_step()
                steps.setdefault(owner, {})[state.key] = (item, state)
            else:
                interviews[parsed[0]] = (item, item.read_interview())
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
                found.append(Activity.calendar_deletion(step, merger.now))
                report.skipped_steps += 1
        return found

    plan.reconcile = reconcile
    return plan

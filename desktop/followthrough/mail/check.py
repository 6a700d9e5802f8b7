"""Checking mail: what is new in each account's INBOX and Sent folder, and logging what it
means for the interviews (no Qt).

A check connects only when some interview still has follow-ups planned, and searches only
from the day before the oldest of those began (SEARCH SINCE), never the whole mailbox. Each
folder is read from the UID after the last one read; a UIDVALIDITY change (or an interview
further back than the folder was read from) reads the window again, and the Message-IDs
already logged keep anything from being logged twice. Messages are read in batches, and how
far a folder was read is saved after each, so a check that stops part-way (the connection
breaks off) goes on from there the next time.

What a message means is logged through the store exactly as by hand: a reply is a REPLY
activity at the message's Date (the pending chasers are cancelled), a step done a DONE one;
the message is noted in the same transaction.
"""

from __future__ import annotations

import sqlite3
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from followthrough.core.model import Activity, ActivityKind, Step, StepStatus, ValidationError
from followthrough.mail import state
from followthrough.mail.accounts import (
    MailAccount,
    keyring_entry,
    list_mail_accounts,
    mail_password,
    save_mail_account,
)
from followthrough.mail.errors import MailError
from followthrough.mail.headers import MailHeader, one_line
from followthrough.mail.imap import DEFAULT_TIMEOUT, Session, signed_in
from followthrough.mail.matching import Finding, OpenInterview, match_received, match_sent
from followthrough.store import Store
from followthrough.sync.accounts import require_keyring

BATCH = 200  # messages whose header fields are fetched at once
FOUND_IN = {"reply": "email (found in the inbox)", "sent": "email (found in Sent)"}


@dataclass
class CheckReport:
    """What one account's check did."""

    account: str
    found: list[state.Found] = field(default_factory=list)
    round_trips: int = 0  # IMAP commands sent (0: nothing to look for, no connection)
    read: int = 0  # messages whose header fields were read
    idle: bool = False  # whether the server offers IMAP IDLE

    def lines(self) -> list[str]:
        if not self.found:
            return [f"{self.account}: nothing new for your interviews."]
        return [f"{self.account}: {describe(found)}" for found in self.found]


def describe(found: state.Found) -> str:
    """'Reply from Ana Diaz: Re: Thank you', or 'Sent to ana@…: Thank you (step done)'."""
    subject = found.subject or "(no subject)"
    if found.kind == "reply":
        return f"Reply from {found.sender}: {subject}"
    return f"Sent to {found.sender}: {subject} (marked {found.step} done)"


def open_interviews(store: Store) -> list[OpenInterview]:
    """The interviews with follow-ups still planned, each with those steps."""
    planned = store.step_index(status=StepStatus.PLANNED.value)
    ids = sorted({row[1] for row in planned})
    if not ids:
        return []
    by_interview: dict[str, list[Step]] = {}
    for stored in store.stored_steps([row[0] for row in planned]).values():
        by_interview.setdefault(stored.step.interview_id, []).append(stored.step)
    return [
        OpenInterview(interview, tuple(by_interview.get(interview.id, ())))
        for interview in (stored.interview for stored in store.stored_interviews(ids))
    ]


def search_from(interviews: Sequence[OpenInterview]) -> date | None:
    """The SEARCH SINCE day: the day before the oldest open interview began (IMAP days are
    the server's; one day's slack covers the time zones)."""
    if not interviews:
        return None
    return min(c.interview.start.date() for c in interviews) - timedelta(days=1)


def add_mail_account(
    store: Store,
    account: MailAccount,
    password: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    context: ssl.SSLContext | None = None,
) -> tuple[MailAccount, list[tuple[str, str]]]:
    """Sign in and find the folders to read, then save the account (its password in the
    keyring only); nothing is saved when signing in fails. Returns the account and its
    folders, (name, role) each."""
    account = account.validated()
    keyring_account, new = keyring_entry(store, account)
    require_keyring()  # before signing in: without it nothing could be kept
    with signed_in(account, password, timeout=timeout, context=context) as session:
        chosen = session.watched_folders()
    save_mail_account(store, account, password, keyring_account, new=new)
    state.set_folders(store, account.name, chosen)
    return account, chosen


def check_account(
    store: Store,
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    context: ssl.SSLContext | None = None,
    batch: int = BATCH,
) -> CheckReport:
    """Read what is new in one account and log what it means; MailError (one sentence) when
    the server cannot be read, keeping what was read before."""
    account, password = mail_password(store, name)
    report = CheckReport(account.name)
    interviews = open_interviews(store)
    since = search_from(interviews)
    if since is None:
        return report  # nothing is waiting for an answer: no need to look
    mine = store.settings().my_addresses | (
        {account.username.lower()} if "@" in account.username else set()
    )
    known = _Known(interviews, state.sent_ids(store), frozenset(mine))
    with signed_in(account, password, timeout=timeout, context=context) as session:
        try:
            _read(store, session, account, since, known, batch, report)
        finally:
            report.round_trips = session.round_trips
    return report


@dataclass
class _Known:
    """What matching needs, read once and again only after a message logged something."""

    interviews: list[OpenInterview]
    sent: dict[str, str]  # our Message-IDs -> interview id
    mine: frozenset[str]

    def refresh(self, store: Store) -> None:
        self.interviews = open_interviews(store)
        self.sent = state.sent_ids(store)


def _read(
    store: Store,
    session: Session,
    account: MailAccount,
    since: date,
    known: _Known,
    batch: int,
    report: CheckReport,
) -> None:
    report.idle = session.offers("IDLE")
    folders = state.folders(store, account.name)
    if not folders:
        state.set_folders(store, account.name, session.watched_folders())
        folders = state.folders(store, account.name)
    statuses = session.statuses(list(folders))
    if len(statuses) < len(folders):  # a folder was renamed or removed: find them again
        state.set_folders(store, account.name, session.watched_folders())
        folders = state.folders(store, account.name)
        statuses = session.statuses(list(folders))
    for name, folder in folders.items():
        status = statuses.get(name)
        if status is None:
            continue
        start = folder.last_uid
        if status.uidvalidity != folder.uidvalidity or since.isoformat() < folder.since:
            start = 0  # renumbered, or to be read further back: again (no message twice)
        if status.uidnext and status.uidnext - 1 <= start:
            current = replace(
                folder, uidvalidity=status.uidvalidity, last_uid=start,
                highestmodseq=status.highestmodseq, since=folder.since or since.isoformat(),
            )  # fmt: skip
            if current != folder:
                with store.transaction() as conn:
                    state.save_folder(conn, account.name, current)
            continue
        opened = session.examine(name)
        uids = session.new_uids(start, since)
        current = replace(
            folder, uidvalidity=opened.uidvalidity or status.uidvalidity, last_uid=start,
            since=since.isoformat(),
        )  # fmt: skip
        size = max(1, batch)
        for first in range(0, len(uids), size):
            chunk = uids[first : first + size]
            headers = session.headers(chunk, recipients=folder.role != "inbox")
            report.read += len(headers)
            seen = state.known_ids(store, [h.message_id for h in headers])
            for header in headers:
                if header.message_id not in seen:
                    _take(store, account, folder.role, header, known, report)
            current = replace(current, last_uid=max(chunk))
            with store.transaction() as conn:
                state.save_folder(conn, account.name, current)
        done = replace(
            current, last_uid=max(current.last_uid, (opened.uidnext or status.uidnext) - 1),
            highestmodseq=opened.highestmodseq or status.highestmodseq,
        )  # fmt: skip
        with store.transaction() as conn:
            state.save_folder(conn, account.name, done)


def _take(
    store: Store,
    account: MailAccount,
    role: str,
    header: MailHeader,
    known: _Known,
    report: CheckReport,
) -> None:
    """Log what one message means (its Message-ID was never logged before)."""
    outgoing = role == "sent" or (role == "all" and header.sender in known.mine)
    finding: Finding | None
    if outgoing:
        if header.message_id in known.sent:
            return  # sent from Followthrough: its step was marked done then
        finding = match_sent(header, known.interviews)
    else:
        finding = match_received(header, known.interviews, known.sent, known.mine)
    if finding is None:
        return
    if finding.kind == "reply":
        who = header.sender_name or header.sender
        activity = Activity(
            ActivityKind.REPLY, finding.at, how=FOUND_IN["reply"],
            note=one_line(f"{who}: {header.subject}", 400),
        )  # fmt: skip
    else:
        steps = {s.key: s for c in known.interviews for s in c.planned
                 if s.interview_id == finding.interview_id}  # fmt: skip
        who = steps[finding.step].to if finding.step in steps else header.recipients[0]
        activity = Activity(
            ActivityKind.DONE, finding.at, step=finding.step, how=FOUND_IN["sent"]
        )
    noted: list[state.Found] = []

    def note(conn: sqlite3.Connection, recorded: Activity) -> None:
        found = state.Found(
            header.message_id, finding.interview_id, recorded.id, finding.kind, finding.step,
            state.LOGGED, one_line(who, 200), header.subject, finding.hint, finding.at,
        )  # fmt: skip
        state.note_found(conn, account.name, found)
        noted.append(found)

    try:
        store.record(finding.interview_id, activity, also=note)
    except ValidationError:
        return  # the interview changed under us (deleted, say): nothing to log
    report.found += noted
    known.refresh(store)


def check_all(
    store: Store, *, timeout: float = DEFAULT_TIMEOUT, context: ssl.SSLContext | None = None
) -> list[CheckReport]:
    """Check every account in turn; MailError (naming the account) at the first that fails,
    after the ones before it were checked."""
    reports = []
    accounts = list_mail_accounts(store)
    if not accounts:
        raise MailError(
            "No mail account is set up yet: add one with followthrough mail add NAME --host "
            "HOST --username USER (or in Settings > Mail)."
        )
    for account in accounts:
        try:
            reports.append(check_account(store, account.name, timeout=timeout, context=context))
        except MailError as error:
            raise MailError(f"{account.name}: {error}") from None
    return reports

"""What the mail checks know, in the store's mail tables (schema v6; no Qt).

- `mail_folders`: per account and folder, its role, UIDVALIDITY, the last UID read, the
  HIGHESTMODSEQ seen and the day it was searched from: the next check reads only what is new.
- `mail_messages`: each message that was logged (a reply, a step done), by Message-ID, so the
  same message is never logged twice, even after the folder is read again; the user's Undo
  and "not a reply" are kept there too.
- `mail_sent`: the Message-IDs of what Followthrough sent by SMTP or saved as an .eml, so a
  reply that names one in In-Reply-To or References is known for what it answers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from followthrough.core.model import Step, ValidationError
from followthrough.mail.errors import MailError
from followthrough.store import Store
from followthrough.store.records import parse_utc, utc_now, utc_text
from followthrough.store.sql import id_filter

LOGGED, UNDONE, NOT_A_REPLY = "logged", "undone", "not-reply"
MAX_MESSAGE_ID = 250


@dataclass(frozen=True)
class FolderState:
    """How far one folder was read."""

    folder: str
    role: str  # "inbox", "sent" or "all" (Gmail's All Mail, when there is no Sent)
    uidvalidity: int = 0
    last_uid: int = 0
    highestmodseq: int = 0
    since: str = ""  # the SEARCH SINCE day (ISO) the folder was read from


@dataclass(frozen=True)
class Found:
    """A message that was logged, as the window lists it."""

    message_id: str
    interview_id: str
    activity_id: str
    kind: str  # "reply" or "sent"
    step: str
    verdict: str
    sender: str
    subject: str
    hint: str
    at: datetime


def folders(store: Store, account: str) -> dict[str, FolderState]:
    rows = store.conn.execute(
        "SELECT folder, role, uidvalidity, last_uid, highestmodseq, since FROM mail_folders "
        "WHERE account = ?",
        (account,),
    ).fetchall()
    return {row[0]: FolderState(*row) for row in rows}


def set_folders(store: Store, account: str, chosen: Iterable[tuple[str, str]]) -> None:
    """The folders an account is read from, (name, role) each: anything else is forgotten."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM mail_folders WHERE account = ?", (account,))
        conn.executemany(
            "INSERT INTO mail_folders (account, folder, role) VALUES (?, ?, ?)",
            [(account, name, role) for name, role in chosen],
        )


def save_folder(conn: sqlite3.Connection, account: str, state: FolderState) -> None:
    conn.execute(
        "UPDATE mail_folders SET uidvalidity = ?, last_uid = ?, highestmodseq = ?, since = ? "
        "WHERE account = ? AND folder = ?",
        (state.uidvalidity, state.last_uid, state.highestmodseq, state.since, account,
         state.folder),
    )  # fmt: skip


def known_ids(store: Store, message_ids: Sequence[str]) -> set[str]:
    """Those of `message_ids` already logged (or taken back): they are never logged again."""
    wanted = {m[:MAX_MESSAGE_ID]: m for m in message_ids}
    where, args = id_filter("message_id", list(wanted))
    rows = store.conn.execute(f"SELECT message_id FROM mail_messages {where}", args).fetchall()
    return {wanted[row[0]] for row in rows}


def note_found(conn: sqlite3.Connection, account: str, found: Found) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO mail_messages (message_id, account, interview_id, activity_id, "
        "kind, step, verdict, sender, subject, hint, at, found) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (found.message_id[:MAX_MESSAGE_ID], account, found.interview_id, found.activity_id,
         found.kind, found.step, found.verdict, found.sender, found.subject, found.hint,
         utc_text(found.at), utc_text(utc_now())),
    )  # fmt: skip


_FOUND = (
    "SELECT message_id, interview_id, activity_id, kind, step, verdict, sender, subject, hint, "
    "at FROM mail_messages"
)


def _found(row: tuple[str, ...]) -> Found:
    message_id, interview_id, activity_id, kind, step, verdict, sender, subject, hint, at = row
    return Found(
        message_id, interview_id, activity_id, kind, step, verdict, sender, subject, hint,
        parse_utc(at),
    )  # fmt: skip


def recent(store: Store, since: datetime | None = None, limit: int = 20) -> list[Found]:
    """What was logged from mail (found since `since`), the newest first; not what the user
    took back."""
    low = utc_text(since) if since is not None else ""
    rows = store.conn.execute(
        f"{_FOUND} WHERE verdict = ? AND found >= ? ORDER BY found DESC, at DESC LIMIT ?",
        (LOGGED, low, int(limit)),
    ).fetchall()
    return [_found(row) for row in rows]


def take_back(store: Store, message_id: str, verdict: str = UNDONE) -> Found:
    """Undo what a message logged (a reply, a step done) and remember it as `verdict`
    (undone, or not a reply): the plan goes back to what it was, and the message is never
    logged again."""
    if verdict not in (UNDONE, NOT_A_REPLY):
        raise ValueError(verdict)
    row = store.conn.execute(f"{_FOUND} WHERE message_id = ?", (message_id,)).fetchone()
    if row is None:
        raise MailError("That message is not among those found in your mail.")
    found = _found(row)
    if found.verdict != LOGGED:
        return found

    def mark(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE mail_messages SET verdict = ? WHERE message_id = ?", (verdict, message_id)
        )

    try:
        store.forget_activity(found.interview_id, found.activity_id, also=mark)
    except ValidationError:  # the interview was deleted since: only the mark is left to keep
        with store.transaction() as conn:
            mark(conn)
    return found


def remember_sent(store: Store, message_id: str, step: Step, at: datetime | None = None) -> None:
    """Record the Message-ID of a message sent (or saved as an .eml) for `step`."""
    cleaned = message_id.strip().strip("<>")
    if not cleaned:
        return
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO mail_sent (message_id, interview_id, step, at) "
            "VALUES (?, ?, ?, ?)",
            (cleaned[:MAX_MESSAGE_ID], step.interview_id, step.key, utc_text(at or utc_now())),
        )


def sent_ids(store: Store) -> dict[str, str]:
    """Message-ID -> interview id, of everything Followthrough sent or saved."""
    return dict(store.conn.execute("SELECT message_id, interview_id FROM mail_sent").fetchall())

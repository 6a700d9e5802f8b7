"""What a message's header fields say, read defensively (no Qt).

Only the fields `FIELDS` names are ever fetched (never a body). A server's bytes may be
anything: encoded words in any charset, a date that is no date, thousands of addresses. Each
field is cut to `FIELD_LIMIT` characters and at most `MAX_ADDRESSES` addresses and
`MAX_REFERENCES` Message-IDs are read, so a message costs bounded work; what cannot be
decoded is replaced, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import decode_header
from email.utils import parsedate_to_datetime

from followthrough.core.model import EARLIEST_YEAR, LATEST_YEAR, check_email, derived_id

# What is fetched of each message: who, when, what about, which thread, and the marks of
# messages sent by a machine (auto-replies, mailing lists and newsletters).
FIELDS = (
    "FROM", "TO", "CC", "DATE", "SUBJECT", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES",
    "AUTO-SUBMITTED", "X-AUTOREPLY", "X-AUTORESPOND", "PRECEDENCE", "LIST-ID",
    "LIST-UNSUBSCRIBE",
)  # fmt: skip
HEADER_LIMIT = 256_000  # bytes of one message's fields that are read
FIELD_LIMIT = 16_000  # characters of one field
MAX_ADDRESSES = 100  # of To and Cc together
MAX_REFERENCES = 50
SUBJECT_LIMIT = 300

_MESSAGE_ID_RE = re.compile(r"<([^<>\s]{1,250})>")
# A field: its name, a colon, the rest of the line and the lines that continue it (RFC 5322's
# folding); each character is looked at a bounded number of times.
_FIELD_RE = re.compile(r"^([!-9;-~]{1,76})[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)", re.MULTILINE)
_FOLD_RE = re.compile(r"\r?\n[ \t]+|\r")
_ANGLE_RE = re.compile(r"<([^<>\s]{1,320})>")
_BARE_RE = re.compile(r"[^\s<>()\[\]\",;:@]{1,64}@[^\s<>()\[\]\",;:@]{1,255}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
_BULK = ("bulk", "junk", "list", "auto_reply", "auto-reply")


@dataclass(frozen=True)
class MailHeader:
    """One message as its header fields describe it; addresses in lower case."""

    uid: int
    message_id: str  # without <>; a stand-in made from the fields when it has none
    sender: str  # the From address ('' when there is none that is valid)
    sender_name: str
    recipients: tuple[str, ...]  # To and Cc
    subject: str
    date: datetime  # aware: the Date field, else when the server received it
    thread: tuple[str, ...]  # In-Reply-To then References, without <>
    automatic: bool  # an auto-reply, or mail from a list or newsletter


def one_line(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """Outside text on one line, without control or direction marks, at most `limit` long."""
    return " ".join(_CONTROL_RE.sub(" ", text).split())[:limit]


def _decoded(value: str) -> str:
    """An encoded-word field (=?utf-8?q?...?=) as text; a part in a charset nobody knows is
    read as UTF-8, and what still cannot be decoded is replaced."""
    try:
        parts = decode_header(value)
    except (ValueError, TypeError, AssertionError, IndexError):
        return value
    text = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            text.append(chunk)
            continue
        try:
            text.append(chunk.decode(charset or "ascii", "replace"))
        except LookupError:
            text.append(chunk.decode("utf-8", "replace"))
    return "".join(text)


def _field(fields: dict[str, str], name: str) -> str:
    return fields.get(name, "")[:FIELD_LIMIT]


def _addresses(value: str, limit: int) -> list[tuple[str, str]]:
    """(name, address) pairs of an address field, at most `limit`, only valid addresses.

    Read piece by piece between commas, not with email.utils.getaddresses, which recurses
    once per colon (a field of colons exhausts Python's stack) and slows with nesting."""
    found: list[tuple[str, str]] = []
    for piece in value.split(",", 4 * limit)[: 4 * limit]:
        angle = _ANGLE_RE.search(piece)
        if angle is not None:
            name, address = piece[: angle.start()], angle.group(1)
        else:
            bare = _BARE_RE.search(piece)
            if bare is None:
                continue
            name, address = "", bare.group(0)
        address = address.strip().lower()
        try:
            if not address or check_email(address) != address:
                continue
        except ValueError:
            continue
        found.append((one_line(_decoded(name.strip().strip('"').strip()), 200), address))
        if len(found) >= limit:
            break
    return found


def _date(value: str, received: datetime | None, now: datetime) -> datetime:
    """The Date field as an aware time; a date that is missing, broken, out of range or more
    than a day ahead gives way to when the server received the message, then to now."""
    moment: datetime | None = None
    if value:
        try:
            moment = parsedate_to_datetime(value.strip()[:200])
        except (TypeError, ValueError, IndexError, OverflowError):
            moment = None
    for candidate in (moment, received):
        if candidate is None:
            continue
        if candidate.tzinfo is None:
            candidate = candidate.replace(tzinfo=UTC)
        if EARLIEST_YEAR <= candidate.year <= LATEST_YEAR and candidate <= now + timedelta(days=1):
            return candidate
    return now


def _automatic(fields: dict[str, str]) -> bool:
    """Whether a machine sent it: an auto-reply (RFC 3834's Auto-Submitted, the X-Autoreply
    family, Precedence) or a mailing list or newsletter (List-Id, List-Unsubscribe)."""
    submitted = _field(fields, "auto-submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        return True
    if any(name in fields for name in ("x-autoreply", "x-autorespond", "list-id")):
        return True
    if "list-unsubscribe" in fields:
        return True
    return _field(fields, "precedence").strip().lower() in _BULK


def _fields(raw: bytes) -> dict[str, str]:
    """Each field's unfolded value by lower-case name (the first of a repeated one counts)."""
    text = raw[:HEADER_LIMIT].decode("utf-8", "replace")
    fields: dict[str, str] = {}
    for match in _FIELD_RE.finditer(text):
        name = match.group(1).lower()
        if name not in fields:
            fields[name] = _FOLD_RE.sub(" ", match.group(2)[:FIELD_LIMIT]).strip()
    return fields


def parse_header(
    uid: int,
    raw: bytes,
    received: datetime | None = None,
    now: datetime | None = None,
    *,
    recipients: bool = True,
) -> MailHeader:
    """The message the fetched header bytes `raw` describe; `received` is the server's
    INTERNALDATE, used when the Date field cannot be. Without `recipients`, To and Cc are
    not read (only what the user sent needs them)."""
    now = now or datetime.now(UTC)
    fields = _fields(raw)
    senders = _addresses(_field(fields, "from"), 1)
    sender_name, sender = senders[0] if senders else ("", "")
    addressed = (
        _addresses(f"{_field(fields, 'to')}, {_field(fields, 'cc')}".strip(", "), MAX_ADDRESSES)
        if recipients
        else []
    )
    ids = _MESSAGE_ID_RE.findall(_field(fields, "message-id"))
    thread = [
        *_MESSAGE_ID_RE.findall(_field(fields, "in-reply-to")),
        *_MESSAGE_ID_RE.findall(_field(fields, "references")),
    ]
    subject = one_line(_decoded(_field(fields, "subject")))
    date = _date(_field(fields, "date"), received, now)
    # Without a Message-ID, a stand-in that stays the same when the folder is read again.
    message_id = ids[0] if ids else f"no-id.{derived_id(sender, date.isoformat(), subject)}"
    return MailHeader(
        uid=uid,
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        recipients=tuple(dict.fromkeys(address for _, address in addressed)),
        subject=subject,
        date=date,
        thread=tuple(dict.fromkeys(thread))[:MAX_REFERENCES],
        automatic=_automatic(fields),
    )

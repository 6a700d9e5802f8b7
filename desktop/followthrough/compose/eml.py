"""Email messages built with the standard library, and ``.eml`` draft files (no Qt).

`email_message` makes the one message that is either saved as an ``.eml`` draft or sent by
SMTP (compose.smtp). Names and the subject are RFC 2047 encoded when they are not ASCII, the
body is UTF-8 (quoted-printable or base64 when it is not plain short-lined ASCII), and every
message has a Date and a Message-ID. ``X-Unsent: 1`` (asked for with ``unsent=True``) makes
Outlook and Thunderbird open a saved file as an editable draft; it is never on a message that
is sent.

No header injection: a name, address or subject holding a line break or another control
character (C0, DEL, C1 such as NEL, and the Unicode line and paragraph separators) raises
`ValidationError` instead of being written, so no value can ever start a header of its own.
The body keeps its line breaks (it comes after the header block, where a line break is text);
other control characters except tab are dropped from it, as in a ``mailto:`` link.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy as email_policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

from followthrough.core.model import ValidationError, check_email

__all__ = ["POLICY", "email_message", "message_bytes", "write_eml"]

# CRLF line ends as RFC 5322 has them, and 7-bit transfer encodings only: every SMTP server and
# every mail program reads the result, whether it is sent or opened from a file.
POLICY = email_policy.SMTP.clone(cte_type="7bit")

NAME_LIMIT = 200
SUBJECT_LIMIT = 998  # the longest line RFC 5322 allows; longer subjects are folded anyway

# Whatever can end a line somewhere: C0 (CR, LF, NUL, tab...), DEL, C1 (NEL is \x85) and the
# Unicode line and paragraph separators (str.splitlines breaks at all of them, and at \x1c-\x1e).
_HEADER_FORBIDDEN_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Python's header parser decodes RFC 2047 encoded words ("=?utf-8?q?...?=") found in a value
# we give it, and an encoded CR LF would then be written out as a real line break: text that
# looks like one is refused, as nobody types one on purpose.
_UNSAFE = (
    "The message's headers cannot be written safely; remove unusual characters from the "
    "names and the subject."
)
_ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc", "bcc")
_BODY_DROP_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")


def _header_text(value: str, what: str, limit: int) -> str:
    """`value` stripped, or a ValidationError when it could break out of its header."""
    value = value.strip()
    if _HEADER_FORBIDDEN_RE.search(value):
        raise ValidationError(
            f"The {what} contains a line break or another control character; remove it."
        )
    if len(value) > limit:
        raise ValidationError(f"The {what} is longer than {limit} characters.")
    opening = value.find("=?")
    if opening >= 0 and value.rfind("?=") >= opening + 2:
        raise ValidationError(
            f"The {what} contains text like '=?…?=', which mail programs read as encoded "
            "characters; remove it."
        )
    _check_encodable(value, what)
    return value


def _check_encodable(value: str, what: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a broken clipboard
        raise ValidationError(f"The {what} contains a character that cannot be written.") from None


def _address(value: str, what: str) -> str:
    """A bare email address fit for a header ('' stays ''), or a ValidationError."""
    value = _header_text(value, what, 320)
    if not value:
        return ""
    checked = check_email(value)
    if not checked.isascii():
        raise ValidationError(
            f"The {what} '{checked}' has letters outside ASCII, which Followthrough cannot "
            "write into a message yet; use the plain ASCII form of the address."
        )
    return checked


def _body_text(body: str) -> str:
    _check_encodable(body, "message text")
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = "\n".join(_BODY_DROP_RE.sub("", line) for line in lines)
    # NEL (\x85) and the Unicode separators end a line for some readers: make them real ones.
    text = text.replace("\x85", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return text if text.endswith("\n") or not text else text + "\n"


def email_message(
    to_name: str,
    to_address: str,
    subject: str,
    body: str,
    from_name: str = "",
    from_address: str = "",
    *,
    unsent: bool = False,
    date: datetime | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 message to `to_name` <`to_address`> with `subject` and `body`.

    An empty `to_address` (or `from_address`) leaves the To (or From) header out, as a draft
    the user completes in the mail program. `unsent=True` adds ``X-Unsent: 1`` for an ``.eml``
    draft file; leave it False for a message to send. `date` defaults to now, in local time.
    Raises ValidationError when a name, address or subject holds a control character (such
    as a line break) or an address is not valid.
    """
    to_name = _header_text(to_name, "recipient's name", NAME_LIMIT)
    to_address = _address(to_address, "recipient address")
    from_name = _header_text(from_name, "sender's name", NAME_LIMIT)
    from_address = _address(from_address, "sender address")
    subject = _header_text(subject, "subject", SUBJECT_LIMIT)
    text = _body_text(body)

    message = EmailMessage(policy=POLICY)
    if from_address:
        message["From"] = Address(display_name=from_name, addr_spec=from_address)
    if to_address:
        message["To"] = Address(display_name=to_name, addr_spec=to_address)
    message["Subject"] = subject
    when = date if date is not None else datetime.now(UTC).astimezone()
    if when.tzinfo is None:
        raise ValueError("The message date must be time-zone aware.")
    message["Date"] = format_datetime(when)
    domain = from_address.rpartition("@")[2] or "followthrough.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    if unsent:
        message["X-Unsent"] = "1"
    message.set_content(text, subtype="plain", charset="utf-8")
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it is written to a file or sent: CRLF line ends, 7-bit clean.

    The bytes are read back before they are returned: should a header value have turned
    into more than one header (or an address into another), ValidationError is raised and
    nothing is written or sent.
    """
    try:
        data = message.as_bytes(policy=POLICY)
    except (MessageError, ValueError):  # newer Pythons refuse a header that would split
        raise ValidationError(_UNSAFE) from None
    _check_written(message, data)
    return data


def _check_written(message: EmailMessage, data: bytes) -> None:
    """Raise ValidationError unless `data` holds exactly the headers of `message`."""
    unsafe = ValidationError(_UNSAFE)
    for name, value in message.items():
        if _HEADER_FORBIDDEN_RE.search(name + str(value)):
            raise unsafe
    parsed = BytesParser(policy=email_policy.default).parsebytes(data, headersonly=True)
    if [k.lower() for k in parsed] != [k.lower() for k in message]:
        raise unsafe
    for (name, intended), (_, written) in zip(message.items(), parsed.items(), strict=True):
        if _HEADER_FORBIDDEN_RE.search(str(written)):
            raise unsafe
        if name.lower() in _ADDRESS_HEADERS:
            if _addresses(written) != _addresses(intended):
                raise unsafe
        elif name.lower() == "subject" and _squeezed(str(written)) != _squeezed(str(intended)):
            raise unsafe


def _addresses(header: object) -> list[tuple[str, str]]:
    found = getattr(header, "addresses", None)
    if found is None:
        return []
    return [(_squeezed(a.display_name), a.addr_spec) for a in found]


def _squeezed(text: str) -> str:
    # Python's reader keeps the space between two encoded words that RFC 2047 says to drop
    # (mail programs drop it), so text is compared without its white space.
    return "".join(text.split())


def write_eml(path: Path | str, message: EmailMessage) -> None:
    """Save `message` as an ``.eml`` file, replacing any file there in one step.

    Raises FileWriteError (a ValidationError) with one sentence when the file cannot be written;
    a file already there is then left as it was.
    """
    from followthrough.files import write_atomically

    write_atomically(Path(path), message_bytes(message))

"""``mailto:`` links (RFC 6068) that open a drafted message in the user's mail program.

Everything is percent-encoded as UTF-8: spaces become ``%20``, and ``?``, ``&``, ``=``, ``#``,
``%`` and ``+`` inside an address or a value are encoded, so a value can never start another
header field. The body's line breaks become ``%0D%0A`` as the RFC requires.

Header injection is impossible by construction, and the rules are:

- ``to`` and ``cc`` hold addresses, which never contain control characters: any control
  character (CR, LF, tab, NUL, ...) in them raises ``ValueError`` rather than being guessed at.
- ``subject`` is a single line: each run of control characters in it becomes one space.
- ``body`` keeps its line breaks (``\\n``, ``\\r\\n`` or ``\\r``), written as ``%0D%0A``; other
  control characters except tab are dropped.

No Qt is imported here.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["mailto_url", "split_addresses"]

# RFC 6068 allows these "some-delims" unencoded; "+", ",", ";", ":" and "@" are left out on
# purpose ("+" is read as a space by some mail programs, "," separates addresses, and the last
# "@" of an address is written out separately).
_SAFE = "!$'()*"
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_RUN_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BODY_DROP_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAME_ADDR_RE = re.compile(r"^[^<>]*<([^<>]*)>$")


def split_addresses(field: str, what: str = "address") -> list[str]:
    """The bare addresses in a comma-separated field; ``Name <a@b.c>`` gives ``a@b.c``.

    Raises ValueError when the field holds a control character.
    """
    if _CONTROL_RE.search(field):
        raise ValueError(f"The {what} contains a control character such as a line break.")
    addresses: list[str] = []
    for part in field.split(","):
        part = part.strip()
        match = _NAME_ADDR_RE.match(part)
        if match:
            part = match.group(1).strip()
        if part:
            addresses.append(part)
    return addresses


def _encode_address(address: str) -> str:
    # Only the last "@" separates local part and domain; one in a quoted local part is encoded.
    local, at, domain = address.rpartition("@")
    if not at:
        return quote(address, safe=_SAFE)
    return f"{quote(local, safe=_SAFE)}@{quote(domain, safe=_SAFE)}"


def _encode_value(value: str) -> str:
    return quote(value, safe=_SAFE)


def mailto_url(to: str, subject: str, body: str, cc: str = "") -> str:
    """A ``mailto:`` URL for a message to `to` (and `cc`), with `subject` and `body`.

    `to` and `cc` are comma-separated addresses; a ``Name <address>`` form is reduced to the
    address, since RFC 6068 has no room for display names. Empty fields are left out.
    Raises ValueError when `to` or `cc` holds a control character.
    """
    recipients = split_addresses(to, "recipient address")
    copies = split_addresses(cc, "copy address")
    subject = _CONTROL_RUN_RE.sub(" ", subject).strip()
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "\r\n".join(_BODY_DROP_RE.sub("", line) for line in lines)
    fields = [
        ("cc", ",".join(_encode_address(a) for a in copies)),
        ("subject", _encode_value(subject)),
        ("body", _encode_value(body)),
    ]
    query = "&".join(f"{name}={value}" for name, value in fields if value)
    url = "mailto:" + ",".join(_encode_address(a) for a in recipients)
    return f"{url}?{query}" if query else url

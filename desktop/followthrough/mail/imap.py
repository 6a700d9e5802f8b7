"""The conversation with an IMAP server: read-only, header fields only (no Qt).

Through `imapclient`. Nothing is ever written to the mailbox: folders are opened with EXAMINE
(read-only), messages are read with BODY.PEEK (which never sets \\Seen) and only the header
fields of `headers.FIELDS`, never a body.

- TLS only: implicit (``ssl``, port 993) or STARTTLS (port 143), a server that does not offer
  STARTTLS is refused before the password is sent. The certificate is verified against the
  system's authorities and the host name, or, for a self-signed server the user trusted, pinned
  to its SHA-256 fingerprint (as CalDAV accounts are, `sync.trust`): the pin replaces the
  authority and host-name checks, it never adds to what is accepted.
- The folders are INBOX and the Sent folder, found by its SPECIAL-USE mark (\\Sent; Gmail's
  \\All when there is none) and else by its usual names.
- `Session.statuses` asks for every folder's UIDVALIDITY, UIDNEXT (and HIGHESTMODSEQ where
  CONDSTORE is offered) in one LIST-STATUS command where the server has it (RFC 5819), so a
  check that finds no new mail costs three commands: CAPABILITY, LOGIN and that LIST.
- Every failure is one sentence (`explain`), without the password.
"""

from __future__ import annotations

import hashlib
import imaplib
import shlex
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from followthrough.core.text import shown
from followthrough.mail.accounts import MailAccount
from followthrough.mail.errors import MailError
from followthrough.mail.headers import FIELDS, MailHeader, parse_header
from followthrough.mail.presets import presets
from followthrough.sync.trust import show_fingerprint

DEFAULT_TIMEOUT = 20.0  # seconds for each exchange with the server
FETCH = f"BODY.PEEK[HEADER.FIELDS ({' '.join(FIELDS)})]"
# Where a server without SPECIAL-USE keeps sent mail, in the order they are tried.
SENT_NAMES = (
    "Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent", "INBOX/Sent",
    "[Gmail]/Sent Mail",
)  # fmt: skip
IDLE_RENEW = 25 * 60.0  # RFC 2177: a client re-issues IDLE at least every 29 minutes

# What a server's answers and the network raise (imapclient's errors are imaplib's).
NETWORK_ERRORS = (imaplib.IMAP4.error, OSError, EOFError)


@dataclass(frozen=True)
class Status:
    """What a folder's STATUS says."""

    uidvalidity: int
    uidnext: int
    highestmodseq: int = 0  # 0 where CONDSTORE is not offered


class _PinMismatch(Exception):
    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def _context(account: MailAccount, given: ssl.SSLContext | None) -> ssl.SSLContext:
    """The TLS context: the caller's, or the system's authorities; none for a pinned server,
    whose certificate is compared with the pin once connected."""
    if account.trusted_fingerprint or given is None:
        context = ssl.create_default_context()
    else:
        context = given
    if account.trusted_fingerprint:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _connect(account: MailAccount, timeout: float, context: ssl.SSLContext) -> Any:
    """A connection over TLS (no password sent yet); its certificate checked against a pin."""
    from imapclient import IMAPClient

    if account.security == "ssl":
        client = IMAPClient(
            account.host, account.port, ssl=True, ssl_context=context, timeout=timeout
        )
    else:
        client = IMAPClient(account.host, account.port, ssl=False, timeout=timeout)
        if not client.has_capability("STARTTLS"):
            client.shutdown()
            raise MailError(
                f"The mail server {account.host} on port {account.port} does not offer "
                "STARTTLS, so Followthrough will not send your password over it unencrypted; "
                "check the port, or use SSL (usually port 993)."
            )
        client.starttls(context)
    client.normalise_times = False  # INTERNALDATE with its offset
    if account.trusted_fingerprint:
        der = client.socket().getpeercert(binary_form=True) or b""
        found = hashlib.sha256(der).hexdigest()
        if found != account.trusted_fingerprint:
            client.shutdown()
            raise _PinMismatch(found)
    return client


def presented_fingerprint(account: MailAccount, timeout: float = 5.0) -> str:
    """The SHA-256 fingerprint (hex) of the certificate the server presents, or ''; only to
    tell the user what to check: no password goes over this connection."""
    probe = replace(account, trusted_fingerprint="0" * 64)
    try:
        _connect(probe, timeout, _context(probe, None)).shutdown()
    except _PinMismatch as mismatch:
        return mismatch.found
    except (MailError, *NETWORK_ERRORS):
        return ""
    return ""


def _trust_command(account: MailAccount, fingerprint: str) -> str:
    name, host, user = (shlex.quote(v) for v in (account.name, account.host, account.username))
    return (
        f"followthrough mail add {name} --host {host} --port {account.port} --security "
        f"{account.security} --username {user} --trust-fingerprint {fingerprint}"
    )


def explain(
    error: BaseException, account: MailAccount, timeout: float = DEFAULT_TIMEOUT
) -> MailError:
    """One sentence for the user about why talking to the account's server failed."""
    from imapclient.exceptions import LoginError

    if isinstance(error, MailError):
        return error
    host, where = account.host, account.where
    text = shown(str(error).strip().splitlines()[0] if str(error).strip() else "")
    if isinstance(error, _PinMismatch):
        return MailError(
            f"The certificate of {host} is not the one you trusted (it now presents "
            f"{show_fingerprint(error.found)}); if the server's certificate was renewed, "
            "check the new fingerprint on the server and trust it with: "
            f"{_trust_command(account, error.found)}."
        )
    if isinstance(error, LoginError) and "EOF" not in text and "socket" not in text:
        chosen = presets().get(account.preset)
        advice = (
            f"{chosen.name} needs an app password here, not your normal password"
            if chosen is not None and chosen.sign_in == "app-password"
            else "check both (some services need an app password)"
        )
        return MailError(
            f"The mail server {host} refused the user name {account.username} or its "
            f"password; {advice}."
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = error.verify_message or "not trusted"
        found = presented_fingerprint(account, min(timeout, 5.0))
        if found:
            return MailError(
                f"The certificate of {host} could not be verified ({detail}); if "
                f"{show_fingerprint(found)} is the SHA-256 fingerprint your server shows for "
                f"its certificate, trust it with: {_trust_command(account, found)}."
            )
        return MailError(
            f"The certificate of {host} could not be verified ({detail}); to trust a "
            "self-signed server, add the account with --trust-fingerprint and the SHA-256 "
            "fingerprint of its certificate."
        )
    if isinstance(error, ssl.SSLError):
        return MailError(
            f"The secure connection to {where} failed ({shown(str(error.reason or error))}); "
            "check the port and the security (SSL is usually port 993, STARTTLS port 143)."
        )
    if isinstance(error, ConnectionRefusedError):
        return MailError(f"Nothing answers at {where}: the server is down or the address is wrong.")
    if isinstance(error, socket.gaierror):
        return MailError(
            f"Cannot find the mail server {host}; check its name and your internet connection."
        )
    if isinstance(error, TimeoutError):
        return MailError(
            f"The mail server at {where} did not answer within {timeout:g} seconds; check the "
            "port and the security (SSL is usually port 993, STARTTLS port 143)."
        )
    if isinstance(error, imaplib.IMAP4.abort | EOFError | ConnectionError):
        return MailError(
            f"The connection to the mail server {host} broke off; what was read before is "
            "kept, and the next check goes on from there."
        )
    if isinstance(error, imaplib.IMAP4.error):
        return MailError(f"The mail server {host} answered with an error: {text or 'no reason'}.")
    reason = getattr(error, "strerror", None) or type(error).__name__
    return MailError(f"Cannot reach the mail server at {where}: {reason}.")


class Session:
    """One signed-in, read-only IMAP connection."""

    def __init__(self, client: Any, account: MailAccount) -> None:
        self.client = client
        self.account = account

    @property
    def round_trips(self) -> int:
        """The IMAP commands sent so far on this connection (CAPABILITY and LOGIN included)."""
        return int(self.client._imap.tagnum)

    def offers(self, capability: str) -> bool:
        return bool(self.client.has_capability(capability))

    def watched_folders(self) -> list[tuple[str, str]]:
        """(name, role) of INBOX and of the folder sent mail is in ("sent", or "all" for
        Gmail's All Mail), by SPECIAL-USE, else by name; one LIST."""
        listed = [
            (tuple(flag.lower() for flag in flags), str(name))
            for flags, _delimiter, name in self.client.list_folders()
        ]
        inbox = next((name for _, name in listed if name.upper() == "INBOX"), "INBOX")
        chosen = [(inbox, "inbox")]
        sent = next((name for flags, name in listed if b"\\sent" in flags), "")
        if not sent:
            names = {name.lower(): name for flags, name in listed if b"\\noselect" not in flags}
            sent = next((names[n.lower()] for n in SENT_NAMES if n.lower() in names), "")
        if sent:
            chosen.append((sent, "sent"))
        else:
            every = next((name for flags, name in listed if b"\\all" in flags), "")
            if every:
                chosen.append((every, "all"))
        return chosen

    def statuses(self, names: Sequence[str]) -> dict[str, Status]:
        """UIDVALIDITY, UIDNEXT (and HIGHESTMODSEQ) of each folder: one command where the
        server offers LIST-STATUS, else one STATUS each. A folder that is gone is left out."""
        from imapclient.imap_utf7 import decode
        from imapclient.response_parser import parse_response

        items = ["UIDVALIDITY", "UIDNEXT"] + (["HIGHESTMODSEQ"] if self.offers("CONDSTORE") else [])
        found: dict[str, Status] = {}
        if self.offers("LIST-STATUS"):
            imap = self.client._imap
            patterns = b"(" + b" ".join(self.client._normalise_folder(n) for n in names) + b")"
            wanted = f"(STATUS ({' '.join(items)}))".encode()
            typ, data = imap._simple_command("LIST", b'""', patterns, b"RETURN", wanted)
            self.client._checkok("list", typ, data)
            _, lines = imap._untagged_response(typ, data, "STATUS")
            imap.untagged_responses.pop("LIST", None)
            for line in lines:
                if not line:
                    continue
                name, values = parse_response([line])
                folder = decode(name) if isinstance(name, bytes) else str(name)
                found[folder] = _status(dict(zip(values[::2], values[1::2], strict=False)))
            return {name: found[name] for name in names if name in found}
        for name in names:
            try:
                values = self.client.folder_status(name, items)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error:
                continue  # no such folder (any more)
            found[name] = _status(values)
        return found

    def examine(self, name: str) -> Status:
        """Open a folder read-only (EXAMINE)."""
        answer = self.client.select_folder(name, readonly=True)
        return _status(answer)

    def new_uids(self, after: int, since: date) -> list[int]:
        """The UIDs above `after` of messages received since `since`, in order."""
        criteria: list[Any] = ["SINCE", since]
        if after:
            criteria = ["UID", f"{after + 1}:*", *criteria]
        return sorted(uid for uid in self.client.search(criteria) if uid > after)

    def headers(self, uids: Sequence[int], *, recipients: bool = True) -> list[MailHeader]:
        """The messages `uids` as their header fields describe them, in UID order (without
        `recipients`, their To and Cc are not read)."""
        answer = self.client.fetch(list(uids), [FETCH, "INTERNALDATE"])
        found = []
        for uid in sorted(answer):
            data = answer[uid]
            raw = next((v for k, v in data.items() if bytes(k).startswith(b"BODY[")), b"")
            received = data.get(b"INTERNALDATE")
            found.append(
                parse_header(
                    int(uid),
                    raw if isinstance(raw, bytes) else b"",
                    received if isinstance(received, datetime) else None,
                    recipients=recipients,
                )
            )
        return found

    def wait_for_mail(self, folder: str, stop: Callable[[], bool], seconds: float) -> bool:
        """IMAP IDLE on `folder` until the server tells of new mail (True), `stop()` says so,
        or `seconds` have passed (False)."""
        self.client.select_folder(folder, readonly=True)
        self.client.idle()
        try:
            deadline = time.monotonic() + min(seconds, IDLE_RENEW)
            while not stop() and time.monotonic() < deadline:
                for response in self.client.idle_check(timeout=1):
                    if len(response) > 1 and response[1] in (b"EXISTS", b"RECENT"):
                        return True
            return False
        finally:
            self.client.idle_done()


def _status(values: dict[Any, Any]) -> Status:
    def number(key: bytes) -> int:
        value = values.get(key, 0)
        return value if isinstance(value, int) and value >= 0 else 0

    return Status(number(b"UIDVALIDITY"), number(b"UIDNEXT"), number(b"HIGHESTMODSEQ"))


@contextmanager
def signed_in(
    account: MailAccount,
    password: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    context: ssl.SSLContext | None = None,
) -> Iterator[Session]:
    """A signed-in session; any failure talking to the server becomes one MailError. The
    connection is closed at the end without a LOGOUT (one round trip less; servers need none)."""
    if not password:
        raise MailError(f"Enter the password of {account.username} for {account.host}.")
    client = None
    try:
        client = _connect(account, timeout, _context(account, context))
        client.login(account.username, password)
        yield Session(client, account)
    except MailError:
        raise
    except (_PinMismatch, *NETWORK_ERRORS) as error:
        problem = str(explain(error, account, timeout))
        # A server has no reason to repeat the password; should one, it goes no further.
        raise MailError(problem.replace(password, "…") if len(password) > 3 else problem) from None
    finally:
        if client is not None:
            with suppress(*NETWORK_ERRORS):
                client.shutdown()

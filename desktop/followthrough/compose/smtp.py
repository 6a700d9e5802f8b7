"""Sending a message by SMTP, over TLS only, with the password from the keyring (no Qt).

Two ways to connect, and no third:
- ``ssl``: implicit TLS from the first byte (usually port 465);
- ``starttls``: a plain connection that must switch to TLS before anything else is said
  (usually port 587). A server that does not offer STARTTLS is refused: neither the password
  nor the message is ever sent unencrypted.

Certificates are verified with ``ssl.create_default_context()`` (the system's authorities and
the host name) unless the caller passes a context of its own (the tests pass one that trusts
their own authority). The user always signs in; the user name is `smtp-username`, or the
email address when that setting is empty.

The server, port, security and user name are settings of the store (`smtp-host`,
`smtp-port`, `smtp-security`, `smtp-username`; the sender is `my-name` <`my-email`>). The
password lives only in the operating system's keyring, under the service
"followthrough-smtp" and the account "<user name>@<host>".

Every failure the user can fix is an `SmtpError` whose message is one sentence (cannot
connect, certificate not trusted, TLS failed, sign-in refused, recipient refused, no answer);
no message ever holds the password.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import re
import smtplib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Literal, cast

from followthrough.compose.eml import email_message, message_bytes
from followthrough.core.model import ValidationError, check_email, check_text
from followthrough.core.settings import SMTP_SECURITIES, Settings, check_host
from followthrough.store.secrets import (
    SecretStoreUnavailable,
    available,
    delete_secret,
    get_secret,
    set_secret,
)

__all__ = [
    "DEFAULT_PORTS",
    "DEFAULT_TIMEOUT",
    "SERVICE",
    "Security",
    "SmtpConfig",
    "SmtpError",
    "forget_smtp_password",
    "save_smtp_password",
    "send_message",
    "smtp_config",
    "smtp_password",
    "verify",
]

Security = Literal["ssl", "starttls"]
DEFAULT_PORTS: dict[str, int] = {"ssl": 465, "starttls": 587}
SERVICE = "followthrough-smtp"  # the keyring service of SMTP passwords
DEFAULT_TIMEOUT = 20.0  # seconds for each step of the conversation with the server

# What we say in EHLO: an address literal rather than this computer's name, which would
# otherwise be written into the Received header of every message (as Thunderbird does too).
_EHLO_NAME = "[127.0.0.1]"
# Headers that never leave this computer: blind copies, and the draft marker of .eml files.
_NOT_SENT = ("bcc", "resent-bcc", "x-unsent")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SmtpError(ValidationError):
    """Sending by SMTP failed in a way the user can fix; the message is one sentence."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and as whom to send: server, port, security, user name and sender.

    Raises ValidationError when a field is not valid (empty host or user, a port outside
    1-65535, a security other than "ssl" or "starttls", a bad sender address).
    """

    host: str
    port: int
    security: Security
    username: str
    from_address: str
    from_name: str = ""

    def __post_init__(self) -> None:
        # Normalised in place (lower-case host, no spaces around the user name), so that two
        # spellings of one server file the password under one keyring account.
        host = check_host(self.host)
        if not host:
            raise ValidationError("The SMTP server name cannot be empty.")
        object.__setattr__(self, "host", host)
        username = check_text(self.username, "SMTP user name", required=True, limit=320)
        object.__setattr__(self, "username", username)
        if isinstance(self.port, bool) or not isinstance(self.port, int):
            raise ValidationError("The SMTP port must be a number from 1 to 65535.")
        if not 1 <= self.port <= 65535:
            raise ValidationError(f"The SMTP port {self.port} is not a number from 1 to 65535.")
        if self.security not in SMTP_SECURITIES:
            raise ValidationError(
                f"'{self.security}' is not an SMTP security: use ssl or starttls; "
                "unencrypted sending is not offered."
            )
        if not self.from_address or check_email(self.from_address) != self.from_address:
            raise ValidationError(f"'{self.from_address}' is not a valid sender address.")
        # The name and address must be writable into a From header (no line breaks...).
        email_message("", "", "", "", self.from_name, self.from_address)

    @property
    def account(self) -> str:
        """The keyring account of the password: "<user name>@<host>"."""
        return f"{self.username}@{self.host}"

    def describe(self) -> str:
        """'smtp.example.com port 587 (STARTTLS)', for messages."""
        how = "SSL" if self.security == "ssl" else "STARTTLS"
        return f"{self.host} port {self.port} ({how})"


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """The SMTP configuration the settings describe, or None when it is not complete.

    Complete means a server (`smtp-host`) and a sender address (`my-email`); the port
    defaults to 465 for ssl and 587 for starttls, the user name to the sender address.
    """
    if not settings.smtp_host or not settings.my_email:
        return None
    security = cast(Security, settings.smtp_security)
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port or DEFAULT_PORTS[security],
        security=security,
        username=settings.smtp_username or settings.my_email,
        from_address=settings.my_email,
        from_name=settings.my_name,
    )


# -- the password, in the keyring only ------------------------------------------------------


def save_smtp_password(config: SmtpConfig, password: str) -> None:
    """Keep `password` in the keyring for `config`'s user and server.

    Raises ValidationError for an empty password and SecretStoreUnavailable when no keyring
    can keep it (it is then kept nowhere).
    """
    if not password:
        raise ValidationError("The SMTP password cannot be empty.")
    set_secret(SERVICE, config.account, password)


def smtp_password(config: SmtpConfig) -> str | None:
    """The password saved for `config`, or None when none is saved or there is no keyring."""
    if not available():
        return None
    return get_secret(SERVICE, config.account)


def forget_smtp_password(config: SmtpConfig) -> bool:
    """Remove the saved password; False when there was none (or no keyring at all)."""
    try:
        return delete_secret(SERVICE, config.account)
    except SecretStoreUnavailable:
        if available():
            raise
        return False


# -- sending --------------------------------------------------------------------------------


def send_message(
    config: SmtpConfig,
    message: EmailMessage,
    password: str,
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Send `message` through the server of `config`, signed in with `password`.

    The envelope sender is `config.from_address`; the recipients are the addresses of the
    To, Cc and Bcc headers. Bcc and X-Unsent are not transmitted, and a message without a
    From header gets one from `config`. Raises SmtpError (one sentence) when the message
    could not be sent, ValidationError when it cannot be written safely.
    """
    outgoing, recipients = _prepared(config, message)
    data = message_bytes(outgoing)
    with _signed_in(config, password, context, timeout) as client:
        try:
            refused = client.sendmail(config.from_address, recipients, data)
        except smtplib.SMTPRecipientsRefused as error:
            address, (code, reply) = next(iter(error.recipients.items()))
            raise SmtpError(
                f"The mail server refused the recipient {address}: "
                f"{_reply(code, reply, password)}; nothing was sent."
            ) from None
        except smtplib.SMTPSenderRefused as error:
            raise SmtpError(
                f"The mail server refused the sender address {config.from_address}: "
                f"{_reply(error.smtp_code, error.smtp_error, password)}; "
                "check the email address in Settings."
            ) from None
        except smtplib.SMTPDataError as error:
            raise SmtpError(
                "The mail server refused the message: "
                f"{_reply(error.smtp_code, error.smtp_error, password)}."
            ) from None
        if refused:
            listed = ", ".join(
                f"{address} ({_reply(code, reply, password)})"
                for address, (code, reply) in refused.items()
            )
            raise SmtpError(
                f"The mail server refused {listed}; the other recipients were sent the message."
            )
        _quit(client)


def verify(
    config: SmtpConfig,
    password: str,
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Connect, sign in and say goodbye without sending anything (a settings "Test" button).

    Raises SmtpError with the sentence that says what is wrong.
    """
    with _signed_in(config, password, context, timeout) as client:
        _quit(client)


def _prepared(config: SmtpConfig, message: EmailMessage) -> tuple[EmailMessage, list[str]]:
    """A copy of `message` as it is transmitted, and its recipients."""
    outgoing = copy.deepcopy(message)
    recipients: list[str] = []
    for name in ("to", "cc", "bcc"):
        for value in outgoing.get_all(name, []):
            found = getattr(value, "addresses", None)
            if found is not None:
                addresses = [a.addr_spec for a in found]
            else:  # a message made with the compat32 policy: its headers are plain strings
                addresses = [address for _, address in getaddresses([str(value)])]
            for address in addresses:
                if _CONTROL_RE.search(address) or check_email(address) != address:
                    raise ValidationError(f"'{address}' is not a valid recipient address.")
                if address and address not in recipients:
                    recipients.append(address)
    if not recipients:
        raise SmtpError("The message has no recipient address; add one before sending.")
    for name in _NOT_SENT:
        del outgoing[name]
    if outgoing["From"] is None:
        sender = email_message("", "", "", "", config.from_name, config.from_address)
        outgoing["From"] = sender["From"]
    return outgoing, recipients


@contextlib.contextmanager
def _signed_in(
    config: SmtpConfig, password: str, context: ssl.SSLContext | None, timeout: float
) -> Iterator[smtplib.SMTP]:
    """A connection over TLS, signed in; every failure inside becomes one SmtpError."""
    if not password:
        raise SmtpError(f"Enter the password of {config.username} for {config.host}.")
    context = context or ssl.create_default_context()
    where = config.describe()
    client: smtplib.SMTP | None = None
    try:
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(
                config.host, config.port, _EHLO_NAME, timeout=timeout, context=context
            )
            client.ehlo()
        else:
            client = smtplib.SMTP(config.host, config.port, _EHLO_NAME, timeout=timeout)
            client.ehlo()
            if not client.has_extn("starttls"):
                raise SmtpError(
                    f"The mail server {config.host} on port {config.port} does not offer "
                    "STARTTLS, so Followthrough will not send your password or message over "
                    "it unencrypted; check the port, or use SSL (usually port 465)."
                )
            client.starttls(context=context)
            client.ehlo()
        _login(client, config, password)
        yield client
    except SmtpError:
        raise
    except smtplib.SMTPServerDisconnected:
        raise SmtpError(
            f"The mail server at {where} closed the connection unexpectedly; "
            "check the port and the security setting."
        ) from None
    except smtplib.SMTPResponseException as error:
        raise SmtpError(
            f"The mail server at {where} answered with an error: "
            f"{_reply(error.smtp_code, error.smtp_error, password)}."
        ) from None
    except smtplib.SMTPException as error:
        raise SmtpError(
            f"Sending through {where} failed: {_scrubbed(str(error), password)}."
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise SmtpError(
            f"The certificate of the mail server {config.host} cannot be trusted "
            f"({error.verify_message or 'verification failed'}), so nothing was sent."
        ) from None
    except ssl.SSLError as error:
        raise SmtpError(
            f"A secure (TLS) connection to {where} failed ({error.reason or error}); "
            "check that this port uses this security (SSL is usually port 465, "
            "STARTTLS port 587)."
        ) from None
    except TimeoutError:
        raise SmtpError(
            f"The mail server at {where} did not answer within {timeout:g} seconds; check the "
            "server name, the port and the security setting."
        ) from None
    except socket.gaierror:
        raise SmtpError(
            f"The mail server {config.host} cannot be found; check its name and your "
            "internet connection."
        ) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SmtpError(
            f"Cannot connect to the mail server at {where}: {reason}; check the server name "
            "and port."
        ) from None
    finally:
        if client is not None:
            client.close()


def _login(client: smtplib.SMTP, config: SmtpConfig, password: str) -> None:
    if not client.has_extn("auth"):
        raise SmtpError(
            f"The mail server {config.host} on port {config.port} does not offer sign-in "
            "(AUTH); use your provider's submission server and port."
        )
    try:
        if config.username.isascii() and password.isascii():
            client.login(config.username, password)
        else:
            _login_utf8(client, config, password)
    except smtplib.SMTPAuthenticationError:
        raise SmtpError(
            f"The mail server {config.host} refused the user name {config.username} or its "
            "password; check both (some providers need an app password)."
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SmtpError(
            f"The mail server {config.host} offers no sign-in method Followthrough knows "
            "(PLAIN, LOGIN or CRAM-MD5)."
        ) from None
    except smtplib.SMTPException as error:
        if type(error) is not smtplib.SMTPException:  # a disconnection, an odd reply...
            raise
        # smtplib says "No suitable authentication method found." with the base class.
        raise SmtpError(
            f"The mail server {config.host} offers no sign-in method Followthrough knows "
            "(PLAIN, LOGIN or CRAM-MD5)."
        ) from None


def _login_utf8(client: smtplib.SMTP, config: SmtpConfig, password: str) -> None:
    """Sign in with PLAIN or LOGIN, the user name and password as UTF-8 (RFC 4616).

    smtplib's login() encodes credentials as ASCII and fails on a password like "Pässwort".
    """
    offered = client.esmtp_features.get("auth", "").upper().split()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    user, secret = config.username.encode("utf-8"), password.encode("utf-8")
    if "PLAIN" in offered:
        code, reply = client.docmd("AUTH", "PLAIN " + b64(b"\0" + user + b"\0" + secret))
    elif "LOGIN" in offered:
        code, reply = client.docmd("AUTH", "LOGIN " + b64(user))
        if code == 334:
            code, reply = client.docmd(b64(secret))
    else:
        raise SmtpError(
            f"The mail server {config.host} offers no sign-in method that accepts a password "
            "with letters outside ASCII (PLAIN or LOGIN)."
        )
    if code not in (235, 503):  # 503: already signed in
        raise smtplib.SMTPAuthenticationError(code, reply)


def _quit(client: smtplib.SMTP) -> None:
    # The message is already accepted: a server that hangs up instead of saying goodbye
    # changes nothing.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()


def _reply(code: int, reply: bytes | str, password: str) -> str:
    """A server reply as text for a sentence: '550 5.1.1 No such user'."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    text = " ".join(text.split()).rstrip(".")
    return _scrubbed(f"{code} {text}".strip(), password)


def _scrubbed(text: str, password: str) -> str:
    # A server has no reason to repeat the password, but should one, it goes no further.
    return text.replace(password, "…") if password else text

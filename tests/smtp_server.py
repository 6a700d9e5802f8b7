"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, over TLS from a `trustme` authority.

Shared by tests/compose (the sending backend), tests/ui (the message editor) and tests/cli
(`followthrough smtp ...`); the fixtures `authority`, `start_server` and `memory_keyring` in
tests/conftest.py hand these out. Each server is started by the test on a free port with a
certificate that `trustme` issues for 127.0.0.1 and localhost; the client trusts that
authority only where a test says so (`Authority.client_context`), so the default context's
refusal of an unknown authority is real too. The recording handler keeps every delivered
message and every sign-in attempt, so a test can say "nothing was sent" and "the password
was never offered" as facts.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from child_servers import free_port
from followthrough.compose.smtp import SmtpConfig

USER = "sam"
PASSWORD = "pa55-Wörd!-7a1c"  # not ASCII: smtplib's own login() cannot send it
ASCII_USER = "ascii"
ASCII_PASSWORD = "plain-Password-1"
ACCOUNTS = {USER.encode(): PASSWORD.encode(), ASCII_USER.encode(): ASCII_PASSWORD.encode()}
# The plain and implicit-TLS servers offer AUTH without STARTTLS, and aiosmtpd warns about it.
NO_TLS_AUTH_WARNING = "ignore:Requiring AUTH while not requiring TLS"


@dataclass
class Delivery:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated: bool
    tls: bool

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=default_policy).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """The server's handler and authenticator: keeps what arrived and who tried to sign in."""

    deliveries: list[Delivery] = field(default_factory=list)
    sign_ins: list[tuple[str, bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:  # fmt: skip
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        transport = server.transport
        content = envelope.original_content or b""
        self.deliveries.append(
            Delivery(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                content=content,
                authenticated=bool(session.authenticated),
                tls=transport is not None and transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTPServer, session: Session, envelope: Envelope, mechanism: str,
        auth_data: Any,
    ) -> AuthResult:  # fmt: skip
        assert isinstance(auth_data, LoginPassword)
        self.sign_ins.append((mechanism, auth_data.login, auth_data.password))
        ok = ACCOUNTS.get(auth_data.login) == auth_data.password
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@dataclass
class Server:
    port: int
    security: str
    recorder: Recorder

    def config(self, **changes: Any) -> SmtpConfig:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "username": USER,
            "from_address": "sam@example.com",
            "from_name": "Sam Park",
        }
        values.update(changes)
        return SmtpConfig(**values)

    def settings(self) -> dict[str, str]:
        """The store settings (`followthrough config set KEY VALUE`) that reach this server."""
        return {
            "my-name": "Sam Park",
            "my-email": "sam@example.com",
            "smtp-host": "127.0.0.1",
            "smtp-port": str(self.port),
            "smtp-security": self.security,
            "smtp-username": USER,
        }


@dataclass(frozen=True)
class Authority:
    ca: trustme.CA
    server_context: ssl.SSLContext

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context (as the default one) that trusts the test authority."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context


def server_context_for(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def new_authority() -> Authority:
    ca = trustme.CA()
    return Authority(ca, server_context_for(ca, "127.0.0.1", "localhost"))


StartServer = Callable[..., Server]


@contextlib.contextmanager
def server_starter(authority: Authority) -> Iterator[StartServer]:
    """Starts aiosmtpd servers: "starttls" (required), "ssl" (implicit), or "plain".

    Every server started is stopped when the block ends.
    """
    controllers: list[Controller] = []

    def start(security: str = "starttls", *, context: ssl.SSLContext | None = None) -> Server:
        recorder = Recorder()
        port = free_port()
        tls = context or authority.server_context
        options: dict[str, Any] = {
            "hostname": "127.0.0.1",
            "port": port,
            "authenticator": recorder.authenticate,
            "auth_required": True,
            "server_hostname": "mail.test",
        }
        if security == "starttls":
            options.update(tls_context=tls, require_starttls=True, auth_require_tls=True)
        elif security == "ssl":  # the whole connection is TLS: AUTH is offered at once
            options.update(ssl_context=tls, auth_require_tls=False)
        else:  # a server with no TLS at all, which offers AUTH in the clear
            options.update(auth_require_tls=False)
        controller = Controller(recorder, **options)
        controller.start()
        controllers.append(controller)
        return Server(port, "starttls" if security == "plain" else security, recorder)

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


# -- a keyring in memory ---------------------------------------------------------------------


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps secrets in a dict: what the tests read back."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@contextlib.contextmanager
def installed_keyring(backend: keyring.backend.KeyringBackend) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)

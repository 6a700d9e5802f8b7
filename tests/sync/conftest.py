"""A real CalDAV server (Radicale) on 127.0.0.1 and an in-memory keyring for the sync tests.

`radicale` gives a running server (restarted if an earlier test stopped it) with the user
and password of an htpasswd file; `radicale.stop()` / `radicale.start()` take it down and
bring it back on the same port and storage, as a sync that loses its server mid-way needs.
`radicale.new_user()` adds a user with no calendars, for a test that needs an empty account.
`memory_keyring` installs a keyring that keeps secrets in a dict for one test, `store` opens
a fresh store, and `caldav_account` puts both together: a saved account of a new Radicale user
whose chosen calendar is new and empty (what a sync test starts from). `two` adds the two
interviews the sync tests send (sync_data.py), met by `people` (a test module may ask others).
`fault` cuts the server off (or makes it answer 500) part-way through a sync.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import ipaddress
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_data import ANA, add_two

from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store
from followthrough.sync.accounts import Account
from smtp_server import MemoryKeyring, installed_keyring  # one in-memory keyring for all tests

START_TIMEOUT = 15.0  # seconds for Radicale to answer after it was started


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RadicaleServer:
    """One Radicale process: htpasswd (plain) auth, its own storage folder, no auth delay."""

    def __init__(
        self, folder: Path, *, certificate: Path | None = None, key: Path | None = None
    ) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.scheme = "https" if certificate else "http"
        self.certificate = certificate
        self.key = key
        self.user = "alice"
        self.password = "s3cret-" + secrets.token_hex(6)
        self.htpasswd = folder / "users"
        self.htpasswd.write_text(f"{self.user}:{self.password}\n", encoding="utf-8")
        self.storage = folder / "collections"
        self.log = folder / "radicale.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._users = 0

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    @property
    def credentials(self) -> tuple[str, str, str]:
        """(url, user, password)."""
        return self.url, self.user, self.password

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def new_user(self) -> tuple[str, str]:
        """Add a user (Radicale re-reads the file at each login); returns (user, password)."""
        self._users += 1
        user, password = f"user{self._users}", "pw-" + secrets.token_hex(6)
        with self.htpasswd.open("a", encoding="utf-8") as file:
            file.write(f"{user}:{password}\n")
        return user, password

    def start(self) -> None:
        if self.running:
            return
        if importlib.util.find_spec("radicale") is None:
            raise RuntimeError(
                "Radicale is not installed; install the test extra: pip install -e '.[test]'"
            )
        command = [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",  # no configuration file of the machine or the user
            "--server-hosts",
            f"127.0.0.1:{self.port}",
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(self.htpasswd),
            "--auth-htpasswd-encryption",
            "plain",
            "--auth-delay",
            "0",
            "--storage-filesystem-folder",
            str(self.storage),
            "--logging-level",
            "warning",
        ]
        if self.certificate and self.key:
            command += [
                "--server-ssl",
                "--server-certificate",
                str(self.certificate),
                "--server-key",
                str(self.key),
            ]
        log = self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        finally:
            log.close()
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"Radicale exited at start:\n{self._log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"Radicale did not listen within {START_TIMEOUT:g} s:\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server; its port then refuses connections until `start()`."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def _check_up(server: RadicaleServer) -> None:
    """Fail early with Radicale's log when it does not answer HTTP."""
    request = urllib.request.Request(server.url, method="OPTIONS")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(request, timeout=5).close()
    except urllib.error.HTTPError:
        pass  # an answer is an answer
    except OSError as error:
        raise RuntimeError(f"Radicale does not answer: {error}\n{server._log_tail()}") from None


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """One plain-http Radicale for the whole session."""
    server = RadicaleServer(tmp_path_factory.mktemp("radicale"))
    server.start()
    _check_up(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def radicale(radicale_server: RadicaleServer) -> RadicaleServer:
    """The session's Radicale, running (a test before may have stopped it)."""
    radicale_server.start()
    return radicale_server


def self_signed_certificate(folder: Path) -> tuple[Path, Path, str]:
    """A certificate for 127.0.0.1 signed by itself: (cert file, key file, SHA-256 hex)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file, certificate.fingerprint(hashes.SHA256()).hex()


@pytest.fixture(scope="module")
def radicale_tls(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RadicaleServer, str]]:
    """A Radicale over https with a self-signed certificate, and that certificate's SHA-256."""
    pytest.importorskip(
        "cryptography", reason="the cryptography package makes the self-signed certificate"
    )
    folder = tmp_path_factory.mktemp("radicale-tls")
    cert, key, fingerprint = self_signed_certificate(folder)
    server = RadicaleServer(folder, certificate=cert, key=key)
    server.start()
    try:
        yield server, fingerprint
    finally:
        server.stop()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No usable keyring for one test (keyring's fail backend, as on a bare server)."""
    from keyring.backends import fail

    with installed_keyring(fail.Keyring()):
        yield


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    return free_port()


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[Store]:
    """A fresh store in the test's data folder."""
    opened, _ = open_store(isolated_data_dir)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def caldav_account(
    radicale: RadicaleServer, memory_keyring: MemoryKeyring, store: Store
) -> Account:
    """An account "radicale" of a new Radicale user, syncing with a new, empty calendar."""
    from followthrough.sync.calendars import use_calendar
    from followthrough.sync.connection import add_account

    user, password = radicale.new_user()
    add_account(store, Account("radicale", radicale.url, user), password, timeout=5)
    return use_calendar(store, "radicale", create="Interview follow-ups", timeout=5).account


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stop `server` (or answer 500) at the first `method` request after `after` of them."""
    from caldav.davclient import DAVClient

    plan: dict[str, Any] = {"server": None, "method": "", "after": 0, "seen": 0, "status": 0}
    original = DAVClient.request

    def request(self: DAVClient, url: str, method: str = "GET", *args: Any, **kw: Any) -> Any:
        hit = method == plan["method"] and plan["seen"] >= plan["after"]
        if method == plan["method"]:
            plan["seen"] += 1
        if hit and plan["server"] is not None:
            plan["server"].stop()
            plan["server"] = None
        answer = original(self, url, method, *args, **kw)
        if hit and plan["status"]:
            plan["status"], plan["method"] = 0, ""
            answer.status = 500
            answer.reason = "Internal Server Error"
        return answer

    monkeypatch.setattr(DAVClient, "request", request)
    return plan


@pytest.fixture
def people() -> tuple[Interviewer, ...]:
    """Who `two`'s interviews were with; a test module overrides it to send others."""
    return (ANA,)


@pytest.fixture
def two(store: Store, people: tuple[Interviewer, ...]) -> list[Interview]:
    """Acme Analytics on 23 November and Globex on the 24th, in a store on Paris time."""
    return add_two(store, people, topics=("pipelines",))


@pytest.fixture
def data_files(isolated_data_dir: Path) -> Callable[[], bytes]:
    """All bytes of the data folder's files (database, its WAL, backups), to search."""

    def read() -> bytes:
        return b"".join(
            path.read_bytes() for path in sorted(isolated_data_dir.rglob("*")) if path.is_file()
        )

    return read

"""Real CalDAV servers on 127.0.0.1 and an in-memory keyring for the sync tests.

`dav` gives a running CalDAV server, and every test that asks for it (or for
`caldav_account`) runs twice: on Radicale and on sabre/dav (tests/servers/sabre-dav, the
library of Nextcloud and Baïkal, under PHP's built-in server). Both have one interface
(`DavServer`): url, user, password, `new_user()` (a user with no calendars), `stop()` /
`start()` (down and back on the same port and storage, as a sync that loses its server
mid-way needs), and where the server keeps a user's calendars (`calendar_home`).
`radicale` is the session's Radicale alone, for tests about Radicale itself (TLS, the
hostile proxy); `sabre` a sabre/dav of the test's own, on a copy of a database made once a
session. `memory_keyring` installs a keyring that keeps secrets in a dict for one test,
`store` opens a fresh store, and `caldav_account` puts them together: a saved account of a
new user whose chosen calendar is new and empty (what a sync test starts from). `two` adds
the two interviews the sync tests send (sync_data.py), met by `people` (a test module may
ask others). `fault` cuts the server off (or makes it answer 500) part-way through a sync.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sync_data import ANA, add_two

from certificates import self_signed_certificate  # shared with tests/mail
from child_servers import free_port, stop_process, wait_listening
from followthrough.core.model import Interview, Interviewer
from followthrough.store import Store, open_store
from followthrough.sync.accounts import Account
from smtp_server import MemoryKeyring, installed_keyring  # one in-memory keyring for all tests

SABRE_DIR = Path(__file__).resolve().parents[1] / "servers" / "sabre-dav"  # never written to
PHP_PACKAGES = "php-cli php-sqlite3 php-xml php-mbstring"  # Debian's, as .ci/run installs
PHP_EXTENSIONS = ("pdo_sqlite", "dom", "xmlreader", "xmlwriter", "simplexml", "mbstring")


class DavServer(ABC):
    """A CalDAV server run as a child process on 127.0.0.1 (`RadicaleServer`, `SabreServer`).

    `stop()` takes it down and `start()` brings it back on the same port and storage, as a sync
    that loses its server mid-way needs. What differs between servers is said by attributes
    and methods (`calendar_home`, `principal_path`), never by tests asking which server it is.
    """

    name = ""  # as tests and messages call it
    scheme = "http"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = folder / "server.log"  # the process's own output, shown when it fails
        self.process: subprocess.Popen[bytes] | None = None
        self.user = ""
        self.password = ""

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

    @abstractmethod
    def calendar_home(self, user: str) -> str:
        """The path under which `user`'s calendars live."""

    @abstractmethod
    def principal_path(self, user: str) -> str:
        """The path of `user`'s principal."""

    @abstractmethod
    def new_user(self) -> tuple[str, str]:
        """A user with no calendars: (user, password)."""

    @abstractmethod
    def _command(self) -> tuple[list[str], Path | None, dict[str, str] | None]:
        """(argv, working folder, environment: None for this one's) of the server process."""

    def start(self) -> None:
        if self.running:
            return
        command, cwd, env = self._command()
        log = self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        finally:
            log.close()
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        assert self.process is not None
        try:
            wait_listening(self.process, (self.port,), self.name, self._log_tail)
        except RuntimeError:
            self.process = None
            raise

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server; its port then refuses connections until `start()`."""
        if self.process is None:
            return
        stop_process(self.process, timeout=5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


class RadicaleServer(DavServer):
    """One Radicale process: htpasswd (plain) auth, its own storage folder, no auth delay.

    One serves a whole session; `new_user()` adds a user (with no calendars) for each test.
    """

    name = "Radicale"

    def __init__(
        self, folder: Path, *, certificate: Path | None = None, key: Path | None = None
    ) -> None:
        super().__init__(folder)
        self.scheme = "https" if certificate else "http"
        self.certificate = certificate
        self.key = key
        self.user = "alice"
        self.password = "s3cret-" + secrets.token_hex(6)
        self.htpasswd = folder / "users"
        self.htpasswd.write_text(f"{self.user}:{self.password}\n", encoding="utf-8")
        self.storage = folder / "collections"
        self._users = 0

    def calendar_home(self, user: str) -> str:
        return f"/{user}/"

    def principal_path(self, user: str) -> str:
        return f"/{user}/"

    def new_user(self) -> tuple[str, str]:
        """Add a user (Radicale re-reads the file at each login); returns (user, password)."""
        self._users += 1
        user, password = f"user{self._users}", "pw-" + secrets.token_hex(6)
        with self.htpasswd.open("a", encoding="utf-8") as file:
            file.write(f"{user}:{password}\n")
        return user, password

    def _command(self) -> tuple[list[str], Path | None, dict[str, str] | None]:
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
        return command, None, None


class SabreServer(DavServer):
    """sabre/dav (tests/servers/sabre-dav) under PHP's built-in web server, on a database of
    its own: a copy of `template` (see `sabre_template`) made when it is created.

    Its server.php knows one user, sam, so each test has a server of its own, and `new_user()`
    gives sam: a user with no calendars, as Radicale's `new_user()` gives.
    """

    name = "sabre/dav"

    def __init__(self, folder: Path, template: Path) -> None:
        super().__init__(folder)
        self.user, self.password = "sam", "s3cret-pass"
        self.database = folder / "db.sqlite"
        self.access_log = folder / "access.log"  # one line per request (server.php)
        shutil.copyfile(template / "db.sqlite", self.database)
        (folder / "files").mkdir(exist_ok=True)

    def calendar_home(self, user: str) -> str:
        return f"/calendars/{user}/"

    def principal_path(self, user: str) -> str:
        return f"/principals/{user}/"

    def new_user(self) -> tuple[str, str]:
        return self.user, self.password

    def _command(self) -> tuple[list[str], Path | None, dict[str, str] | None]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PHP_CLI_SERVER")}
        env.update(SABRE_DB=str(self.database), SABRE_LOG=str(self.access_log))
        php = need_php()
        return [php, "-S", f"127.0.0.1:{self.port}", "server.php"], SABRE_DIR, env

    def _log_tail(self) -> str:
        requests = ""
        with suppress(OSError):
            requests = self.access_log.read_text(encoding="utf-8", errors="replace")[-1000:]
        return super()._log_tail() + (f"\nrequests:\n{requests}" if requests else "")


@functools.cache
def need_php() -> str:
    """The php program, with the extensions sabre/dav needs, or RuntimeError (one sentence)."""
    php = shutil.which("php")
    loaded = " && ".join(f"extension_loaded('{name}')" for name in PHP_EXTENSIONS)
    if php is None or subprocess.run(
        [php, "-r", f"exit({loaded} ? 0 : 1);"],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False,
    ).returncode != 0:  # fmt: skip
        raise RuntimeError(
            "The sabre/dav tests need PHP with SQLite, XML and mbstring: install the Debian "
            f"packages {PHP_PACKAGES}."
        )
    return php


def sabre_template(folder: Path) -> Path:
    """`folder` with a new sabre/dav database (init.sh), for `SabreServer`s to copy."""
    need_php()
    done = subprocess.run(
        ["bash", str(SABRE_DIR / "init.sh"), str(folder)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"sabre/dav's init.sh failed:\n{done.stdout}{done.stderr}")
    return folder


Server = TypeVar("Server", bound=DavServer)


def _check_up(server: DavServer) -> None:
    """Fail early with the server's log when it does not answer HTTP."""
    request = urllib.request.Request(server.url, method="OPTIONS")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(request, timeout=5).close()
    except urllib.error.HTTPError:
        pass  # an answer is an answer
    except OSError as error:
        raise RuntimeError(
            f"{server.name} does not answer: {error}\n{server._log_tail()}"
        ) from None


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """`server` started and answering HTTP, stopped when the block ends."""
    server.start()
    try:
        _check_up(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """One plain-http Radicale for the whole session."""
    with serving(RadicaleServer(tmp_path_factory.mktemp("radicale"))) as server:
        yield server


@pytest.fixture
def radicale(radicale_server: RadicaleServer) -> RadicaleServer:
    """The session's Radicale, running (a test before may have stopped it)."""
    radicale_server.start()
    return radicale_server


@pytest.fixture(scope="session")
def sabre_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a new sabre/dav database, made once a session, copied for each server."""
    try:
        return sabre_template(tmp_path_factory.mktemp("sabre-template"))
    except RuntimeError as error:
        problem = str(error)  # failed below, outside the handler: one sentence, no chain
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def sabre(tmp_path: Path, sabre_database: Path) -> Iterator[SabreServer]:
    """A sabre/dav server of this test's own, on a fresh copy of the database."""
    with serving(SabreServer(tmp_path / "sabre-dav", sabre_database)) as server:
        yield server


@pytest.fixture(params=["radicale", "sabre"], ids=["radicale", "sabre-dav"])
def dav(request: pytest.FixtureRequest) -> DavServer:
    """A running CalDAV server: each test that asks for it runs on Radicale and on sabre/dav."""
    server: DavServer = request.getfixturevalue(request.param)
    return server


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
def caldav_account(dav: DavServer, memory_keyring: MemoryKeyring, store: Store) -> Account:
    """An account "dav" of a new user of `dav` (each server in turn), syncing with a new,
    empty calendar."""
    from followthrough.sync.calendars import use_calendar
    from followthrough.sync.connection import add_account

    user, password = dav.new_user()
    add_account(store, Account("dav", dav.url, user), password, timeout=5)
    return use_calendar(store, "dav", create="Interview follow-ups", timeout=5).account


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

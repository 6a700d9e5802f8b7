"""CalDAV accounts against real servers (Radicale and sabre/dav): the login is checked before
anything is saved, the secret lives in the keyring only, and every failure is one sentence that
says what to do.
"""

from __future__ import annotations

import base64
import http.server
import io
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from followthrough import cli
from followthrough.store import Store, open_store
from followthrough.sync import calendars, connection, presets, trust
from followthrough.sync.accounts import (
    SERVICE,
    Account,
    BearerToken,
    list_accounts,
    new_account,
    remove_account,
)
from followthrough.sync.calendars import discover_calendars, use_calendar
from followthrough.sync.connection import add_account, client_for
from followthrough.sync.errors import AccountError

if TYPE_CHECKING:
    from conftest import DavServer, MemoryKeyring, RadicaleServer

TIMEOUT = 5.0


def one_sentence(text: str) -> None:
    """A message for the user: one line, one sentence, ending with a full stop."""
    assert "\n" not in text
    assert text.endswith("."), text
    assert not re.search(r"[.!?]\s+[A-Z]", text.rstrip(".")), text
    assert "Traceback" not in text


def account_on(server: DavServer, name: str = "home", user: str | None = None) -> Account:
    return Account(name=name, url=server.url, username=user or server.user)


def nothing_stored(store: Store, keyring: MemoryKeyring) -> None:
    assert list_accounts(store) == []
    assert keyring.secrets == {}


# -- adding ----------------------------------------------------------------------------------


def test_add_with_the_right_password_keeps_the_secret_in_the_keyring_only(
    dav: DavServer,
    memory_keyring: MemoryKeyring,
    store: Store,
    data_files: Callable[[], bytes],
) -> None:
    added = add_account(store, account_on(dav), dav.password, timeout=TIMEOUT)

    assert added == Account(name="home", url=dav.url, username=dav.user)
    assert list_accounts(store) == [added]
    assert [(service, secret) for (service, _), secret in memory_keyring.secrets.items()] == [
        (SERVICE, dav.password)
    ]
    store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    assert dav.password.encode() not in data_files()
    assert dav.url.encode() in data_files()  # the search does see the stored row
    client = client_for(store, "HOME", timeout=TIMEOUT)  # names are case-insensitive
    try:
        assert str(client.get_principal().url).endswith(dav.principal_path(dav.user))
    finally:
        client.close()


def test_a_wrong_password_is_one_sentence_and_nothing_is_stored(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    with pytest.raises(AccountError) as caught:
        add_account(store, account_on(dav), "not-the-password", timeout=TIMEOUT)

    message = str(caught.value)
    assert message.startswith(
        f"The server refused the user name or password for {dav.user} (HTTP 401)"
    )
    one_sentence(message)
    assert "not-the-password" not in message
    nothing_stored(store, memory_keyring)


def test_a_preset_says_what_password_the_service_needs(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    account = Account("fm", dav.url, dav.user, preset="fastmail")
    with pytest.raises(AccountError, match="Fastmail needs an app password"):
        add_account(store, account, "wrong", timeout=TIMEOUT)
    nothing_stored(store, memory_keyring)


def test_a_stopped_server_is_reported_and_comes_back(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    dav.stop()
    with pytest.raises(AccountError) as caught:
        add_account(store, account_on(dav), dav.password, timeout=TIMEOUT)
    assert str(caught.value) == (
        f"Nothing answers at http://127.0.0.1:{dav.port}: the server is down or the "
        "address is wrong."
    )
    nothing_stored(store, memory_keyring)

    dav.start()
    add_account(store, account_on(dav), dav.password, timeout=TIMEOUT)
    assert [a.name for a in list_accounts(store)] == ["home"]


def test_a_closed_port_is_reported(
    memory_keyring: MemoryKeyring, store: Store, unused_port: int
) -> None:
    account = Account("none", f"http://127.0.0.1:{unused_port}/dav/", "alice")
    with pytest.raises(AccountError, match=r"^Nothing answers at http://127\.0\.0\.1:\d+: "):
        add_account(store, account, "pw", timeout=TIMEOUT)
    nothing_stored(store, memory_keyring)


def test_a_server_that_never_answers_times_out(memory_keyring: MemoryKeyring, store: Store) -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(AccountError) as caught:
            add_account(store, Account("slow", url, "alice"), "pw", timeout=0.5)
    assert str(caught.value).endswith("did not answer within 0.5 seconds.")
    nothing_stored(store, memory_keyring)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers as configured and records the Authorization header of each request."""

    status = 501
    body = b""
    content_type = "text/html"
    seen: list[str | None]

    def _answer(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(self.status)
        if self.status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_PROPFIND = do_OPTIONS = do_REPORT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def plain_server(
    status: int, body: bytes = b"", content_type: str = "text/html"
) -> Iterator[tuple[str, list[str | None]]]:
    """An http.server on 127.0.0.1 that is no CalDAV server; yields (url, Authorization seen)."""
    seen: list[str | None] = []
    handler = type(
        "Handler",
        (_Recorder,),
        {"status": status, "body": body, "content_type": content_type, "seen": seen},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/dav/", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (501, b"<html>Unsupported method</html>", "does not speak CalDAV (HTTP 501)"),
        (405, b"", "does not speak CalDAV (HTTP 405)"),
        (404, b"", "There is no CalDAV service at"),
        (200, b"<html><body>Welcome</body></html>", "answers, but not as a CalDAV server"),
    ],
)
def test_a_server_that_is_not_caldav_is_refused(
    memory_keyring: MemoryKeyring, store: Store, status: int, body: bytes, expected: str
) -> None:
    with plain_server(status, body) as (url, _), pytest.raises(AccountError) as caught:
        add_account(store, Account("web", url, "alice"), "pw", timeout=TIMEOUT)
    assert expected in str(caught.value)
    one_sentence(str(caught.value))
    nothing_stored(store, memory_keyring)


def test_basic_credentials_go_with_the_first_request(
    memory_keyring: MemoryKeyring, store: Store
) -> None:
    with plain_server(401) as (url, seen), pytest.raises(AccountError, match="HTTP 401"):
        add_account(store, Account("web", url, "alice"), "pässword", timeout=TIMEOUT)
    expected = base64.b64encode("alice:pässword".encode()).decode()
    assert seen[0] == f"Basic {expected}"
    assert len(seen) == 1  # no second try with the same refused credentials


def test_a_bearer_token_goes_as_authorization_bearer(
    memory_keyring: MemoryKeyring, store: Store
) -> None:
    with plain_server(401) as (url, seen), pytest.raises(AccountError) as caught:
        account = Account("g", url, "me@example.com", auth="bearer")
        add_account(store, account, "tok-123", timeout=TIMEOUT)
    assert seen[0] == "Bearer tok-123"
    assert "refused the access token" in str(caught.value)
    nothing_stored(store, memory_keyring)


def test_without_a_keyring_nothing_is_stored(
    radicale: RadicaleServer, store: Store, data_files: Callable[[], bytes], no_keyring: None
) -> None:
    with pytest.raises(AccountError) as caught:
        add_account(store, account_on(radicale), radicale.password, timeout=TIMEOUT)
    message = str(caught.value)
    assert message.startswith("No system keyring is available")
    assert message.endswith("keeps passwords nowhere else, so nothing was saved.")
    one_sentence(message)
    assert list_accounts(store) == []
    assert radicale.password.encode() not in data_files()


def test_adding_again_replaces_the_secret_and_keeps_the_calendar(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    user, password = dav.new_user()
    add_account(store, account_on(dav, user=user), password, timeout=TIMEOUT)
    use_calendar(store, "home", create="Follow-ups", timeout=TIMEOUT)
    again = add_account(store, account_on(dav, user=user), password, timeout=TIMEOUT)
    assert again.calendar_name == "Follow-ups"
    assert len(memory_keyring.secrets) == 1

    other = Account("home", dav.url, "someone-else")
    with pytest.raises(AccountError, match="An account named 'home' already exists"):
        add_account(store, other, "another-password", timeout=TIMEOUT)


# -- calendars -------------------------------------------------------------------------------


def test_calendars_are_discovered_created_and_chosen(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    user, password = dav.new_user()
    add_account(store, account_on(dav, user=user), password, timeout=TIMEOUT)
    assert discover_calendars(store, "home", timeout=TIMEOUT) == []

    choice = use_calendar(store, "home", create="Interview follow-ups", timeout=TIMEOUT)
    assert choice.created
    assert choice.account.calendar_name == "Interview follow-ups"
    assert choice.account.calendar_path.startswith(dav.calendar_home(user))
    found = discover_calendars(store, "home", timeout=TIMEOUT)
    assert [(c.url, c.name, c.supports_events) for c in found] == [
        (choice.account.calendar_url, "Interview follow-ups", True)
    ]
    assert list_accounts(store)[0].calendar_url == choice.account.calendar_url

    # The same name again is the same calendar, not a second one.
    again = use_calendar(store, "home", create="interview FOLLOW-UPS", timeout=TIMEOUT)
    assert not again.created
    assert len(discover_calendars(store, "home", timeout=TIMEOUT)) == 1

    by_path = use_calendar(store, "home", path=found[0].path, timeout=TIMEOUT)
    by_name = use_calendar(store, "home", path="Interview follow-ups", timeout=TIMEOUT)
    assert by_path.account == by_name.account == choice.account
    with pytest.raises(AccountError, match="has no calendar '/nowhere/'"):
        use_calendar(store, "home", path="/nowhere/", timeout=TIMEOUT)

    calendar = calendars.calendar_for(store, "home", timeout=TIMEOUT)
    try:
        assert calendar.get_display_name() == "Interview follow-ups"
    finally:
        calendar.client.close()


def test_the_sync_tests_start_from_an_account_with_an_empty_calendar(
    caldav_account: Account, store: Store
) -> None:
    calendar = calendars.calendar_for(store, caldav_account, timeout=TIMEOUT)
    try:
        assert calendar.get_display_name() == "Interview follow-ups"
        assert calendar.get_events() == []
    finally:
        calendar.client.close()


def test_remove_deletes_the_row_and_the_secret(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    add_account(store, account_on(dav), dav.password, timeout=TIMEOUT)
    assert remove_account(store, "home") == []
    nothing_stored(store, memory_keyring)
    with pytest.raises(AccountError, match="There is no account named 'home'"):
        remove_account(store, "home")


def test_remove_without_a_keyring_says_what_is_left(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    import keyring
    from keyring.backends import fail

    add_account(store, account_on(dav), dav.password, timeout=TIMEOUT)
    keyring.set_keyring(fail.Keyring())  # the memory_keyring fixture puts the old one back
    notes = remove_account(store, "home")
    assert len(notes) == 1
    assert notes[0].startswith("No system keyring is available")
    assert f"service followthrough-caldav, account {dav.user}@http://127.0.0.1:" in notes[0]
    assert list_accounts(store) == []


def test_a_missing_keyring_secret_is_explained(
    dav: DavServer, memory_keyring: MemoryKeyring, store: Store
) -> None:
    add_account(store, account_on(dav), dav.password, timeout=TIMEOUT)
    memory_keyring.secrets.clear()
    with pytest.raises(AccountError, match="No password of the account home is in the system"):
        client_for(store, "home")
    with pytest.raises(AccountError, match="has no calendar yet"):
        calendars.calendar_for(store, "home")


# -- TLS -------------------------------------------------------------------------------------


def test_a_self_signed_server_needs_its_fingerprint_trusted(
    radicale_tls: tuple[RadicaleServer, str], memory_keyring: MemoryKeyring, store: Store
) -> None:
    server, fingerprint = radicale_tls
    assert server.url.startswith("https://")
    with pytest.raises(AccountError) as caught:
        add_account(store, account_on(server), server.password, timeout=TIMEOUT)
    message = str(caught.value)
    assert "could not be verified (self-signed certificate)" in message
    assert trust.show_fingerprint(fingerprint) in message
    assert f"--trust-fingerprint {fingerprint}." in message
    nothing_stored(store, memory_keyring)

    wrong = Account("home", server.url, server.user, trusted_fingerprint="ab" * 32)
    with pytest.raises(AccountError, match="is not the one you trusted") as caught:
        add_account(store, wrong, server.password, timeout=TIMEOUT)
    assert f"--trust-fingerprint {fingerprint}." in str(caught.value)
    nothing_stored(store, memory_keyring)

    trusted = Account(
        "home", server.url, server.user, trusted_fingerprint=trust.show_fingerprint(fingerprint)
    )
    added = add_account(store, trusted, server.password, timeout=TIMEOUT)
    assert added.trusted_fingerprint == fingerprint
    choice = use_calendar(store, "home", create="Interview follow-ups", timeout=TIMEOUT)
    assert choice.account.calendar_url.startswith(server.url)


# -- checks without a server -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "url", "user", "expected", "auth"),
    [
        (
            "nextcloud",
            "cloud.example.com",
            "ann",
            "https://cloud.example.com/remote.php/dav",
            "password",
        ),
        ("fastmail", "", "ann@fastmail.com", "https://caldav.fastmail.com/dav/", "password"),
        ("icloud", "", "ann@icloud.com", "https://caldav.icloud.com/", "password"),
        ("baikal", "dav.example.org", "ann", "https://dav.example.org/dav.php/", "password"),
        (
            "radicale",
            "https://dav.example.org:5232/",
            "ann",
            "https://dav.example.org:5232/",
            "password",
        ),
        (
            "google",
            "",
            "ann@gmail.com",
            "https://apidata.googleusercontent.com/caldav/v2/ann@gmail.com/user",
            "bearer",
        ),
    ],
)
def test_presets_fill_in_the_address(
    preset: str, url: str, user: str, expected: str, auth: str
) -> None:
    account = new_account("a", username=user, url=url, preset_id=preset)
    assert (account.url, account.auth, account.preset) == (expected, auth, preset)
    assert presets.PRESETS[preset].note


@pytest.mark.parametrize("preset", sorted(presets.PRESETS))
def test_each_preset_makes_a_client(preset: str) -> None:
    """caldav knows each preset's compatibility profile (connect sends nothing)."""
    account = Account("a", "https://dav.example.org/", "ann", preset=preset).validated()
    client = connection.connect(account, "secret", timeout=TIMEOUT)
    try:
        assert client.ssl_verify_cert is True
        assert client.auth is not None  # credentials go with the first request
    finally:
        client.close()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"url": "http://cal.example.com/"}, "Use an https:// address"),
        ({"url": "https://bob:pw@cal.example.com/"}, "Leave the user name and password out"),
        ({"url": "ftp://cal.example.com/"}, "must start with https://"),
        ({"url": ""}, "Give the server's address with --url"),
        ({"url": "", "preset_id": "radicale"}, "Say where the Radicale server is"),
        ({"url": "", "preset_id": "nextcloud"}, "Say which Nextcloud server"),
        ({"url": "", "preset_id": "exchange"}, "There is no preset 'exchange'"),
        ({"url": "", "preset_id": "google", "auth": "password"}, "use --token-stdin"),
        (
            {"url": "https://x.example/", "trusted_fingerprint": "12:34"},
            "64 hexadecimal digits",
        ),
        (
            {"url": "http://127.0.0.1:1/", "trusted_fingerprint": "ab" * 32},
            "only applies to https://",
        ),
    ],
)
def test_account_details_are_checked(kwargs: dict[str, str], expected: str) -> None:
    with pytest.raises(AccountError, match=re.escape(expected)) as caught:
        new_account("a", username="ann", **kwargs)  # type: ignore[arg-type]
    one_sentence(str(caught.value))


def test_fingerprints_are_read_in_the_usual_spellings() -> None:
    hexa = "c4021a007d9a317040d084811fc74a6f1f1d65c0ef29b164173340b36f6d44ac"
    shown = trust.show_fingerprint(hexa)
    assert shown.startswith("C4:02:1A:")
    for spelling in (hexa, hexa.upper(), shown, f"SHA256:{shown}", f"sha256 Fingerprint={shown}"):
        assert trust.normalize_fingerprint(spelling) == hexa


def test_a_bearer_token_keeps_room_for_a_refresh(
    memory_keyring: MemoryKeyring, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    monkeypatch.setattr(connection, "verify", lambda client, account: None)  # no Google here
    account = new_account("g", username="ann@gmail.com", preset_id="google")
    expired = BearerToken("old", refresh_token="r1", expires_at=datetime.now(UTC) - timedelta(1))
    add_account(store, account, expired)
    assert BearerToken.decode(next(iter(memory_keyring.secrets.values()))) == expired
    assert BearerToken.decode("raw-token") == BearerToken("raw-token")

    with pytest.raises(AccountError, match="access token of the account g has expired"):
        client_for(store, "g")
    renewed = BearerToken("new", "r2", datetime.now(UTC) + timedelta(hours=1))
    client = client_for(store, "g", refresher=lambda acc, token: renewed)
    assert client.password == "new"
    assert BearerToken.decode(next(iter(memory_keyring.secrets.values()))) == renewed


# -- the command line ------------------------------------------------------------------------


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_account_commands(
    dav: DavServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    isolated_data_dir: Path,
) -> None:
    user, password = dav.new_user()
    base = ("account", "add", "work", "--url", dav.url, "--username", user)
    outputs: list[str] = []

    code, out, err = run_cli(monkeypatch, capsys, *base, "--password-stdin", stdin="nope\n")
    assert code == 1
    assert out == ""
    assert err.startswith(f"followthrough: The server refused the user name or password for {user}")
    assert err.count("\n") == 1
    outputs += [out, err]

    code, out, err = run_cli(monkeypatch, capsys, *base, "--password-stdin", stdin=password + "\n")
    assert (code, err) == (0, "")
    assert out.startswith(f"Added the account work: {user} at {dav.url}.")
    outputs.append(out)

    code, out, err = run_cli(monkeypatch, capsys, "account", "calendars", "work")
    assert (code, err) == (0, "")
    assert "lists no calendars" in out

    code, out, err = run_cli(
        monkeypatch, capsys, "account", "use", "work", "--create", "Interview follow-ups"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Created the calendar 'Interview follow-ups' (/")

    code, out, err = run_cli(monkeypatch, capsys, "account", "calendars", "work")
    assert code == 0
    home = re.escape(dav.calendar_home(user))
    assert re.fullmatch(rf"\* {home}[^ ]+/  Interview follow-ups\n", out)
    outputs.append(out)

    code, out, err = run_cli(monkeypatch, capsys, "account", "list")
    assert code == 0
    assert out.startswith(f"work  {user} at {dav.url}  calendar 'Interview follow-ups' (/")
    outputs.append(out)
    code, out, err = run_cli(monkeypatch, capsys, "account", "list", "--json")
    assert '"calendar_name": "Interview follow-ups"' in out
    outputs.append(out)

    code, out, err = run_cli(monkeypatch, capsys, "account", "remove", "work")
    assert (code, out, err) == (0, "Removed the account work.\n", "")
    code, out, err = run_cli(monkeypatch, capsys, "account", "list")
    assert out.startswith("No CalDAV accounts yet.")

    assert all(password not in text and "nope" not in text for text in outputs)
    assert memory_keyring.secrets == {}
    store, _ = open_store(isolated_data_dir)
    store.close()
    data = b"".join(p.read_bytes() for p in isolated_data_dir.rglob("*") if p.is_file())
    assert password.encode() not in data


def test_the_password_must_come_from_a_terminal_or_stdin(
    radicale: RadicaleServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        monkeypatch, capsys, "account", "add", "x", "--url", radicale.url, "--username", "a"
    )
    assert (code, out) == (1, "")
    assert err == (
        "followthrough: Standard input is not a terminal, so the password of x cannot be "
        "typed; pipe it in with --password-stdin.\n"
    )
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        *("account", "add", "x", "--url", radicale.url, "--username", "a", "--password-stdin"),
    )
    assert (code, out, err) == (
        1,
        "",
        "followthrough: --password-stdin read no password from standard input.\n",
    )
    assert memory_keyring.secrets == {}


def test_without_a_keyring_the_command_refuses(
    radicale: RadicaleServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_keyring: None,
) -> None:
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        *("account", "add", "w", "--url", radicale.url, "--username", radicale.user),
        "--password-stdin",
        stdin=radicale.password + "\n",
    )
    assert (code, out) == (1, "")
    assert err.startswith("followthrough: No system keyring is available")
    assert radicale.password not in err
    # Said before any password is asked for (here: before complaining that none can be typed).
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        *("account", "add", "w", "--url", radicale.url, "--username", radicale.user),
    )
    assert code == 1
    assert err.startswith("followthrough: No system keyring is available")
    code, out, err = run_cli(monkeypatch, capsys, "account", "list")
    assert out.startswith("No CalDAV accounts yet.")


def test_presets_are_listed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "account", "presets")
    assert code == 0
    for name in ("nextcloud", "fastmail", "icloud", "radicale", "baikal", "google"):
        assert re.search(rf"^{name} ", out, re.MULTILINE)
    assert "https://HOST/remote.php/dav" in out

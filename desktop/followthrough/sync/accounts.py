"""CalDAV accounts: where and as whom Followthrough connects, and which calendar it uses (no Qt).

An account is a row of the store's `accounts` table (name, server address, user, how to
authenticate, the chosen calendar, a trusted certificate fingerprint) plus one secret in the
operating system's keyring, under the service "followthrough-caldav". No password or token
is ever written to the database: where no keyring is available, nothing is stored at all.

`add_account` connects and finds the user's principal and calendar home before it saves
anything, so a wrong password, a wrong address or a server that is not CalDAV is reported
as one sentence and leaves neither a row nor a keyring entry behind.

How the connection is made (`connect`):
- A password goes out with HTTP Basic on the first request (caldav's auth_type="basic"),
  not after a 401 round trip; a bearer token (Google) as `Authorization: Bearer`.
- Certificates are verified against the system's authorities. A self-signed server is
  reached only once the user trusted the SHA-256 fingerprint of its certificate; the
  connection is then accepted when, and only when, the certificate presented has exactly
  that fingerprint (niquests' `verify="sha256_<hex>"`, urllib3's assert_fingerprint: the
  pin replaces the authority and host-name checks, it never adds to what is accepted).
- Plain http:// is refused except to this computer (127.0.0.1, ::1, localhost), for which
  proxy settings from the environment are ignored too.

A bearer account's keyring secret is a `BearerToken` (JSON): today the access token the user
obtained; a browser sign-in can later keep a refresh token and expiry there and renew it
through `client_for(..., refresher=...)` without any change to the table.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import logging
import re
import secrets as random_tokens
import shlex
import socket
import ssl
import urllib.parse
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

from followthrough import __version__
from followthrough.core.model import ValidationError
from followthrough.store import Store
from followthrough.store.secrets import (
    SecretStoreUnavailable,
    delete_secret,
    get_secret,
    set_secret,
)

if TYPE_CHECKING:  # caldav (and niquests) load on first connection: the CLI starts faster
    from caldav.collection import Calendar, Principal
    from caldav.davclient import DAVClient

SERVICE = "followthrough-caldav"  # the keyring service of CalDAV passwords and tokens
DEFAULT_TIMEOUT = 20.0  # seconds for one request
NAME_LIMIT = 60

Auth = Literal["password", "bearer"]
AUTHS: tuple[Auth, ...] = ("password", "bearer")

# caldav logs "deviations" (e.g. HTML where XML was expected) at WARNING and ERROR; without a
# handler Python would print them on stderr next to our one-sentence errors. The app's own
# logging configuration, if any, still receives them.
logging.getLogger("caldav").addHandler(logging.NullHandler())


class AccountError(ValidationError):
    """A CalDAV account problem the user can fix; the message is one sentence."""


class NotCalDAV(Exception):
    """The server answered, but not as a CalDAV server does."""


# -- presets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """What Followthrough knows of a calendar service: its address, and what to log in with."""

    id: str
    name: str
    # The server address: "{host}" stands for the host the user names, "{user}" for the user
    # name; "" when the user gives the whole address.
    url: str
    auth: Auth
    note: str  # shown before asking for the secret, and by `account presets`
    hint: str = ""  # a clause added to "the server refused the password" errors
    features: str = ""  # caldav's compatibility-hint profile of this server, if it has one
    can_create_calendars: bool = True

    def resolve_url(self, given: str, username: str) -> str:
        """The server address for `given` (a URL, a host name, or '' for the preset's own)."""
        given = given.strip()
        if "://" in given:
            return given
        if not self.url:
            if given:
                raise AccountError(
                    f"Give the full address of the {self.name} server, starting with https://."
                )
            raise AccountError(f"Say where the {self.name} server is, with --url https://….")
        if "{host}" in self.url:
            host = given.strip("/")
            if not host:
                raise AccountError(
                    f"Say which {self.name} server to use, with --url and its host name "
                    "(e.g. cloud.example.com)."
                )
            return self.url.format(host=host, user=urllib.parse.quote(username, safe="@"))
        if given:
            raise AccountError(
                f"The {self.name} preset has its own address; leave out --url or give a "
                "full https:// address."
            )
        return self.url.format(user=urllib.parse.quote(username, safe="@"))


PRESETS: dict[str, Preset] = {
    preset.id: preset
    for preset in (
        Preset(
            id="nextcloud",
            name="Nextcloud",
            url="https://{host}/remote.php/dav",
            auth="password",
            note=(
                "Nextcloud: --url is your server's host name (cloud.example.com). Use an app "
                "password: in Nextcloud, Settings > Security > Devices & sessions > Create new "
                "app password; it is required when two-factor sign-in is on."
            ),
            hint="with two-factor sign-in on, Nextcloud needs an app password "
            "(Settings > Security > Devices & sessions)",
            features="nextcloud",
        ),
        Preset(
            id="fastmail",
            name="Fastmail",
            url="https://caldav.fastmail.com/dav/",
            auth="password",
            note=(
                "Fastmail: the user name is your full Fastmail address, and the password an "
                "app password with calendar (CalDAV) access, made in Settings > Privacy & "
                "Security > App passwords; your normal password does not work."
            ),
            hint="Fastmail needs an app password with CalDAV access "
            "(Settings > Privacy & Security), not your normal password",
        ),
        Preset(
            id="icloud",
            name="iCloud",
            url="https://caldav.icloud.com/",
            auth="password",
            note=(
                "iCloud: the user name is your Apple Account email, and the password an "
                "app-specific password made at account.apple.com (formerly appleid.apple.com), "
                "Sign-In and Security > App-Specific Passwords."
            ),
            hint="iCloud needs an app-specific password from account.apple.com "
            "(Sign-In and Security > App-Specific Passwords)",
            features="icloud",
        ),
        Preset(
            id="radicale",
            name="Radicale",
            url="",
            auth="password",
            note=(
                "Radicale: --url is the server's address as your calendar app uses it "
                "(e.g. https://dav.example.com:5232/), with your Radicale user and password."
            ),
            features="radicale",
        ),
        Preset(
            id="baikal",
            name="Baïkal",
            url="https://{host}/dav.php/",
            auth="password",
            note=(
                "Baïkal: --url is the host name (the address becomes https://HOST/dav.php/) or "
                "the full address of dav.php; Followthrough logs in with Basic authentication, "
                "so set WebDAV authentication to Basic in Baïkal's admin settings if the "
                "password is refused."
            ),
            hint="Baïkal must have WebDAV authentication set to Basic in its admin settings",
            features="baikal",
        ),
        Preset(
            id="google",
            name="Google Calendar",
            url="https://apidata.googleusercontent.com/caldav/v2/{user}/user",
            auth="bearer",
            note=(
                "Google Calendar takes no password over CalDAV, only an OAuth 2.0 access token "
                "with the scope https://www.googleapis.com/auth/calendar (e.g. from Google's "
                "OAuth 2.0 Playground); the user name is your Google address, and the token "
                "is piped in with --token-stdin. Such a token expires after about an hour; "
                "add the account again with a new one."
            ),
            hint="",
            can_create_calendars=False,
        ),
    )
}


def preset(preset_id: str) -> Preset:
    """The preset with that id (case-insensitive)."""
    found = PRESETS.get(preset_id.strip().lower())
    if found is None:
        raise AccountError(
            f"There is no preset '{preset_id}'; choose one of {', '.join(sorted(PRESETS))}."
        )
    return found


# -- the account -----------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """A CalDAV server address, normalised: https (http only to this computer), no secrets."""
    text = url.strip()
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise AccountError(f"'{text}' is not a valid address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise AccountError("The address must start with https:// and name a server.")
    if parts.username is not None or parts.password is not None:
        raise AccountError(
            "Leave the user name and password out of the address; give the user with "
            "--username, and Followthrough asks for the password."
        )
    if scheme == "http" and not _loopback(parts.hostname):
        raise AccountError(
            "Use an https:// address: over plain http the password would cross the network "
            "unencrypted."
        )
    return urllib.parse.urlunsplit(
        (scheme, parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def normalize_fingerprint(text: str) -> str:
    """A SHA-256 certificate fingerprint as 64 lower-case hex digits ('' stays '')."""
    cleaned = text.strip()
    for prefix in ("sha256:", "sha256_", "sha256 fingerprint=", "sha256="):
        if cleaned.lower().startswith(prefix):
            cleaned = cleaned[len(prefix) :]
    if not cleaned:
        return ""
    digits = re.sub(r"[\s:\-]", "", cleaned).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise AccountError(
            "A SHA-256 certificate fingerprint is 64 hexadecimal digits (colons allowed), "
            "as `openssl x509 -noout -fingerprint -sha256 -in CERT` prints it."
        )
    return digits


def show_fingerprint(digits: str) -> str:
    """64 hex digits as people compare them: AB:CD:…."""
    upper = digits.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


@dataclass(frozen=True)
class Account:
    """A CalDAV account: a server, a user, how to log in, and the calendar Followthrough uses.

    The secret (password or token) is never part of it: it lives in the keyring only.
    """

    name: str
    url: str
    username: str
    auth: Auth = "password"
    calendar_url: str = ""  # '' until the user chooses one (account use)
    calendar_name: str = ""
    trusted_fingerprint: str = ""  # SHA-256 of the server's certificate, hex; '' for none
    preset: str = ""  # a key of PRESETS, or ''

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the server."""
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.url).hostname or self.url

    @property
    def calendar_path(self) -> str:
        """The chosen calendar's path on the server ('' when none is chosen)."""
        return urllib.parse.urlsplit(self.calendar_url).path if self.calendar_url else ""

    @property
    def secret_word(self) -> str:
        return "access token" if self.auth == "bearer" else "password"

    def validated(self) -> Account:
        """This account with its fields checked and normalised, or AccountError."""
        name = self.name.strip()
        if not name:
            raise AccountError("Give the account a name, e.g. 'work'.")
        if len(name) > NAME_LIMIT or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise AccountError(f"An account name is at most {NAME_LIMIT} characters, on one line.")
        username = self.username.strip()
        if not username:
            raise AccountError("Say which user to log in as, with --username.")
        if self.auth not in AUTHS:
            raise AccountError(f"Unknown way to log in '{self.auth}'; use password or bearer.")
        if self.preset and self.preset not in PRESETS:
            raise AccountError(f"There is no preset '{self.preset}'.")
        url = check_url(self.url)
        fingerprint = normalize_fingerprint(self.trusted_fingerprint)
        if fingerprint and not url.startswith("https://"):
            raise AccountError("A certificate fingerprint only applies to https:// addresses.")
        return replace(self, name=name, username=username, url=url, trusted_fingerprint=fingerprint)


def new_account(
    name: str,
    *,
    username: str,
    url: str = "",
    preset_id: str = "",
    trusted_fingerprint: str = "",
    auth: Auth | None = None,
) -> Account:
    """An account as the user describes it: a preset fills in the address and how to log in.

    `auth` None means the preset's way (a password without a preset).
    """
    chosen = preset(preset_id) if preset_id else None
    preset_key = ""
    if chosen is None:
        if not url.strip():
            raise AccountError("Give the server's address with --url, or choose a --preset.")
        address = url
        auth = auth or "password"
    else:
        address = chosen.resolve_url(url, username.strip())
        if auth is not None and auth != chosen.auth:
            how = (
                "an access token, not a password: use --token-stdin"
                if chosen.auth == "bearer"
                else "a password, not a token: use --password-stdin or type it"
            )
            raise AccountError(f"{chosen.name} logs in with {how}.")
        auth, preset_key = chosen.auth, chosen.id
    return Account(
        name=name,
        url=address,
        username=username,
        auth=auth,
        trusted_fingerprint=trusted_fingerprint,
        preset=preset_key,
    ).validated()


@dataclass(frozen=True)
class BearerToken:
    """What the keyring holds for a bearer account.

    Today: the access token the user obtained. A browser sign-in can add a refresh token
    and an expiry, and renew the access token through a `TokenRefresher`.
    """

    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None

    def encode(self) -> str:
        data: dict[str, str] = {"access_token": self.access_token}
        if self.refresh_token:
            data["refresh_token"] = self.refresh_token
        if self.expires_at is not None:
            data["expires_at"] = self.expires_at.astimezone(UTC).isoformat()
        return json.dumps(data)

    @classmethod
    def decode(cls, text: str) -> BearerToken:
        """The token from its keyring text (a bare token string is taken as is)."""
        try:
            data = json.loads(text)
        except ValueError:
            return cls(access_token=text)
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            return cls(access_token=text)
        expires = data.get("expires_at")
        try:
            expires_at = datetime.fromisoformat(expires) if isinstance(expires, str) else None
        except ValueError:
            expires_at = None
        refresh = data.get("refresh_token")
        return cls(
            access_token=data["access_token"],
            refresh_token=refresh if isinstance(refresh, str) else "",
            expires_at=expires_at,
        )

    def expired(self, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return (now or datetime.now(UTC)) >= self.expires_at


# Renews an expired bearer token (a later browser sign-in provides one); it may raise
# AccountError with a sentence for the user.
TokenRefresher = Callable[[Account, BearerToken], BearerToken]


# -- the table -------------------------------------------------------------------------------

_SCHEMA = """CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    url TEXT NOT NULL,
    username TEXT NOT NULL,
    auth TEXT NOT NULL,
    preset TEXT NOT NULL DEFAULT '',
    calendar_url TEXT NOT NULL DEFAULT '',
    calendar_name TEXT NOT NULL DEFAULT '',
    trusted_fingerprint TEXT NOT NULL DEFAULT '',
    keyring_account TEXT NOT NULL,
    added TEXT NOT NULL
)"""
_COLUMNS = (
    "name, url, username, auth, preset, calendar_url, calendar_name, trusted_fingerprint, "
    "keyring_account"
)
_ready: weakref.WeakSet[Store] = weakref.WeakSet()


def _table(store: Store) -> None:
    if store not in _ready:
        with store.transaction() as conn:
            conn.execute(_SCHEMA)
        _ready.add(store)


def _account(row: tuple[Any, ...]) -> tuple[Account, str]:
    name, url, username, auth, preset_id, cal_url, cal_name, fingerprint, key = row
    account = Account(
        name=name,
        url=url,
        username=username,
        auth=auth if auth in AUTHS else "password",
        calendar_url=cal_url,
        calendar_name=cal_name,
        trusted_fingerprint=fingerprint,
        preset=preset_id,
    )
    return account, str(key)


def _rows(store: Store, name: str | None = None) -> Iterator[tuple[Account, str]]:
    _table(store)
    if name is None:
        cursor = store.conn.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE")
    else:
        cursor = store.conn.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE name = ?", (name.strip(),)
        )
    for row in cursor.fetchall():
        yield _account(row)


def list_accounts(store: Store) -> list[Account]:
    """Every account, by name."""
    return [account for account, _ in _rows(store)]


def get_account(store: Store, name: str) -> Account:
    """The account called `name` (case-insensitive), or AccountError."""
    return _stored(store, name)[0]


def _stored(store: Store, name: str) -> tuple[Account, str]:
    found = next(_rows(store, name), None)
    if found is None:
        raise AccountError(
            f"There is no account named '{name.strip()}'; see followthrough account list."
        )
    return found


# -- connecting ------------------------------------------------------------------------------


def connect(account: Account, secret: str, *, timeout: float = DEFAULT_TIMEOUT) -> DAVClient:
    """A caldav client for `account` with `secret` (password or access token); no traffic yet.

    Basic authentication is sent with the first request; a bearer token as
    `Authorization: Bearer`. TLS is verified, or pinned to the trusted fingerprint.
    """
    from caldav.davclient import get_davclient

    chosen = PRESETS.get(account.preset)
    verify: bool | str = (
        f"sha256_{account.trusted_fingerprint}" if account.trusted_fingerprint else True
    )
    client = get_davclient(
        url=account.url,
        username=account.username,
        password=secret,
        auth_type="bearer" if account.auth == "bearer" else "basic",
        ssl_verify_cert=verify,
        timeout=timeout,
        headers={"User-Agent": f"Followthrough/{__version__} (python-caldav)"},
        features=chosen.features if chosen and chosen.features else None,
        enable_rfc6764=False,  # the address is complete: no DNS-based redirection
        check_config_file=False,
        environment=False,
    )
    if client is None:  # pragma: no cover - only when no URL is given, and we always give one
        raise AccountError(f"Cannot connect to {account.origin}.")
    if _loopback(account.host):
        client.session.trust_env = False  # no proxy, no .netrc for this computer
    return client


def verify(client: DAVClient, account: Account) -> Principal:
    """Log in and find the user's principal and calendar home; raises on any failure."""
    from caldav.elements import cdav

    principal = client.get_principal()
    home = principal.get_property(cdav.CalendarHomeSet())
    if not isinstance(home, str) or not home.strip():
        raise NotCalDAV(account.url)
    return principal


def presented_fingerprint(url: str, timeout: float = 5.0) -> str:
    """The SHA-256 fingerprint (hex) of the certificate the server at `url` presents, or ''.

    Only used to tell the user what to check and trust: nothing is sent over this connection.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return ""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ValueError):
        return ""
    return hashlib.sha256(der).hexdigest() if der else ""


def _causes(error: BaseException) -> list[BaseException]:
    """The error and everything it wraps (causes, contexts, urllib3's reasons)."""
    found: list[BaseException] = []
    pending = [error]
    while pending:
        current = pending.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        for inner in (
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),
            *getattr(current, "args", ()),
        ):
            if isinstance(inner, BaseException):
                pending.append(inner)
    return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__).rstrip(".")


def _trust_command(account: Account, fingerprint: str) -> str:
    name, url, user = (shlex.quote(v) for v in (account.name, account.url, account.username))
    return (
        f"followthrough account add {name} --url {url} --username {user} "
        f"--trust-fingerprint {fingerprint}"
    )


def explain(
    error: BaseException, account: Account, timeout: float = DEFAULT_TIMEOUT
) -> AccountError:
    """One sentence for the user about why talking to the account's server failed."""
    from caldav.lib import error as dav_errors

    if isinstance(error, AccountError):
        return error
    who, where = account.username, account.origin
    chosen = PRESETS.get(account.preset)
    if isinstance(error, NotCalDAV):
        return AccountError(
            f"The server at {account.url} answers, but not as a CalDAV server: it names no "
            f"calendars for {who}; check the address."
        )
    if isinstance(error, dav_errors.DAVError):
        status = error.status
        if isinstance(error, dav_errors.AuthorizationError) and status != 403:
            if account.auth == "bearer":
                return AccountError(
                    f"The server refused the access token for {who} (HTTP 401); it may have "
                    "expired: get a new one and add the account again."
                )
            advice = chosen.hint if chosen and chosen.hint else "check them and try again"
            return AccountError(
                f"The server refused the user name or password for {who} (HTTP 401); {advice}."
            )
        if status == 403:
            return AccountError(
                f"The server at {where} refused {who} access to {account.url} (HTTP 403); "
                "check the address and that this user may use it."
            )
        if status == 404 or isinstance(error, dav_errors.NotFoundError):
            return AccountError(
                f"There is no CalDAV service at {account.url} (HTTP 404); check the address."
            )
        if status in (400, 405, 406, 415, 501):
            return AccountError(
                f"The server at {account.url} does not speak CalDAV (HTTP {status}); "
                "check the address."
            )
        if status in (429, 503):
            return AccountError(
                f"The server at {where} is busy (HTTP {status}); try again in a few minutes."
            )
        if status is not None and status >= 500:
            return AccountError(
                f"The server at {where} had a problem (HTTP {status}); try again later."
            )
        if status is not None:
            return AccountError(
                f"The server at {where} refused the request (HTTP {status}); check the address."
            )
    causes = _causes(error)
    mismatch = next((c for c in causes if "Fingerprints did not match" in str(c)), None)
    if mismatch is not None:
        found = presented_fingerprint(account.url, timeout=min(timeout, 5.0))
        now = f" (it now presents {show_fingerprint(found)})" if found else ""
        return AccountError(
            f"The certificate of {account.host} is not the one you trusted{now}; if the "
            "server's certificate was renewed, check the new fingerprint on the server and "
            f"trust it with: {_trust_command(account, found or 'SHA256')}."
        )
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "not trusted"
            found = presented_fingerprint(account.url, timeout=min(timeout, 5.0))
            if found:
                return AccountError(
                    f"The certificate of {account.host} could not be verified ({detail}); if "
                    f"{show_fingerprint(found)} is the SHA-256 fingerprint your server shows "
                    f"for its certificate, trust it with: {_trust_command(account, found)}."
                )
            return AccountError(
                f"The certificate of {account.host} could not be verified ({detail}); to "
                "trust a self-signed server, add the account with --trust-fingerprint and "
                "the SHA-256 fingerprint of its certificate."
            )
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            return AccountError(
                f"The secure connection to {account.host} failed ({cause.reason or cause}); "
                "check that the server speaks https at that address."
            )
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError):
            return AccountError(
                f"Nothing answers at {where}: the server is down or the address is wrong."
            )
    for cause in causes:
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return AccountError(f"Cannot find the server {account.host}; check the address.")
    for cause in causes:
        if isinstance(cause, TimeoutError) or type(cause).__name__ in (
            "Timeout",
            "ReadTimeout",
            "ConnectTimeout",
        ):
            unit = "second" if timeout == 1 else "seconds"
            return AccountError(f"The server at {where} did not answer within {timeout:g} {unit}.")
    if any(type(c).__name__ == "XMLSyntaxError" for c in causes):
        return AccountError(
            f"The server at {account.url} does not speak CalDAV (its answer is not WebDAV); "
            "check the address."
        )
    if any(isinstance(c, ConnectionError) for c in causes) or isinstance(error, OSError):
        return AccountError(f"The connection to {where} broke off before the server answered.")
    return AccountError(f"Talking to {where} failed: {_first_line(error)}.")


def _secret_text(account: Account, secret: str | BearerToken) -> tuple[str, str]:
    """(what the keyring keeps, what goes over HTTP) for a secret as the user gave it."""
    if account.auth == "bearer":
        token = secret if isinstance(secret, BearerToken) else BearerToken(secret.strip())
        if not token.access_token:
            raise AccountError("No access token was given.")
        return token.encode(), token.access_token
    if isinstance(secret, BearerToken):
        raise AccountError(f"The account {account.name} logs in with a password, not a token.")
    if not secret:
        raise AccountError("No password was given.")
    return secret, secret


def _no_keyring(problem: SecretStoreUnavailable, what: str) -> AccountError:
    return AccountError(
        f"{str(problem).rstrip('.')}; Followthrough keeps {what}s nowhere else, so nothing "
        "was saved."
    )


def require_keyring(auth: Auth = "password") -> None:
    """AccountError unless a keyring can be used: ask it before asking the user for a secret."""
    try:
        get_secret(SERVICE, "followthrough-keyring-check")
    except SecretStoreUnavailable as problem:
        word = "access token" if auth == "bearer" else "password"
        raise _no_keyring(problem, word) from None


# -- the account's life ----------------------------------------------------------------------


def add_account(
    store: Store,
    account: Account,
    secret: str | BearerToken,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Account:
    """Check the credentials against the server, then save the account and its secret.

    Nothing is stored unless the server accepted the login and is CalDAV, and the keyring
    took the secret. Adding again an account of the same name, server and user replaces its
    secret and trusted fingerprint and keeps its calendar; a different one is refused.
    """
    account = account.validated()
    keep, sent = _secret_text(account, secret)
    existing = next(_rows(store, account.name), None)
    if existing is not None:
        old, _ = existing
        if (old.url, old.username) != (account.url, account.username):
            raise AccountError(
                f"An account named '{old.name}' already exists ({old.username} at "
                f"{old.origin}); remove it first or choose another name."
            )
        account = replace(
            account,
            name=old.name,
            calendar_url=old.calendar_url,
            calendar_name=old.calendar_name,
        )
    keyring_account = (
        existing[1]
        if existing is not None
        else f"{account.username}@{account.origin} [{random_tokens.token_hex(4)}]"
    )
    require_keyring(account.auth)  # before logging in: without it nothing could be kept

    client = connect(account, sent, timeout=timeout)
    try:
        verify(client, account)
    except Exception as error:
        raise explain(error, account, timeout) from None
    finally:
        client.close()

    try:
        set_secret(SERVICE, keyring_account, keep)
    except SecretStoreUnavailable as problem:
        raise _no_keyring(problem, account.secret_word) from None
    try:
        with store.transaction() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO accounts ({_COLUMNS}, added) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    account.name,
                    account.url,
                    account.username,
                    account.auth,
                    account.preset,
                    account.calendar_url,
                    account.calendar_name,
                    account.trusted_fingerprint,
                    keyring_account,
                    datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                ),
            )
    except BaseException:
        if existing is None:
            with contextlib.suppress(SecretStoreUnavailable):
                delete_secret(SERVICE, keyring_account)
        raise
    return account


def remove_account(store: Store, name: str) -> list[str]:
    """Forget the account and its keyring secret; returns notes for the user (may be empty).

    The row goes even when the keyring cannot be reached; the note then says what is left.
    """
    account, keyring_account = _stored(store, name)
    notes: list[str] = []
    try:
        delete_secret(SERVICE, keyring_account)
    except SecretStoreUnavailable as problem:
        notes.append(
            f"{str(problem).rstrip('.')}; remove the {account.secret_word} of {account.name} "
            f"yourself if it is still there (service {SERVICE}, account {keyring_account})."
        )
    with store.transaction() as conn:
        conn.execute("DELETE FROM accounts WHERE name = ?", (account.name,))
    return notes


def client_for(
    store: Store,
    account: Account | str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    refresher: TokenRefresher | None = None,
) -> DAVClient:
    """A caldav client for a saved account, with its secret from the keyring; no traffic yet.

    An expired bearer token is renewed with `refresher` when it has a refresh token (the new
    one is saved in the keyring); otherwise AccountError says to add the account again.
    """
    name = account.name if isinstance(account, Account) else account
    stored, keyring_account = _stored(store, name)
    try:
        secret = get_secret(SERVICE, keyring_account)
    except SecretStoreUnavailable as problem:
        raise AccountError(str(problem)) from None
    if not secret:
        raise AccountError(
            f"No {stored.secret_word} of the account {stored.name} is in the system keyring; "
            "add the account again to save it."
        )
    if stored.auth != "bearer":
        return connect(stored, secret, timeout=timeout)
    token = BearerToken.decode(secret)
    if token.expired():
        if refresher is None or not token.refresh_token:
            raise AccountError(
                f"The access token of the account {stored.name} has expired; get a new one "
                "and add the account again."
            )
        token = refresher(stored, token)
        try:
            set_secret(SERVICE, keyring_account, token.encode())
        except SecretStoreUnavailable as problem:
            raise AccountError(str(problem)) from None
    return connect(stored, token.access_token, timeout=timeout)


# -- calendars -------------------------------------------------------------------------------


class DiscoveredCalendar(NamedTuple):
    """A calendar the server lists for the account's user."""

    url: str
    name: str  # its display name (the last part of its path when it has none)
    supports_events: bool  # whether it takes VEVENTs (some only hold tasks)

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path


class CalendarChoice(NamedTuple):
    """The outcome of `use_calendar`: the updated account, and whether a calendar was made."""

    account: Account
    created: bool


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _describe(calendar: Calendar) -> DiscoveredCalendar:
    url = str(calendar.url)
    name = _text(calendar.get_display_name())
    if not name:
        name = urllib.parse.unquote(url.rstrip("/").rsplit("/", 1)[-1])
    components = calendar.get_supported_components()
    kinds = components if isinstance(components, list) else []
    return DiscoveredCalendar(url, name, "VEVENT" in [str(k).upper() for k in kinds])


def _discover(client: DAVClient, account: Account) -> tuple[Principal, list[DiscoveredCalendar]]:
    principal = verify(client, account)
    calendars = cast("list[Calendar]", principal.get_calendars())
    found = [_describe(calendar) for calendar in calendars]
    return principal, sorted(found, key=lambda c: (c.name.casefold(), c.url))


def discover_calendars(
    store: Store, name: str, *, timeout: float = DEFAULT_TIMEOUT
) -> list[DiscoveredCalendar]:
    """The calendars the server lists for the account's user, by name."""
    account = get_account(store, name)
    client = client_for(store, account, timeout=timeout)
    try:
        return _discover(client, account)[1]
    except Exception as error:
        raise explain(error, account, timeout) from None
    finally:
        client.close()


def _same_url(a: str, b: str) -> bool:
    return urllib.parse.unquote(a).rstrip("/") == urllib.parse.unquote(b).rstrip("/")


def _pick(account: Account, wanted: str, found: list[DiscoveredCalendar]) -> DiscoveredCalendar:
    """The calendar `wanted` names: by full URL, by path on the server, or by display name."""
    text = wanted.strip()
    if "://" in text:
        matches = [c for c in found if _same_url(c.url, text)]
    elif text.startswith("/"):
        matches = [c for c in found if _same_url(c.path, text)]
    else:
        matches = [c for c in found if c.name.casefold() == text.casefold()]
        if len(matches) > 1:
            raise AccountError(
                f"{len(matches)} calendars of {account.name} are called '{text}'; choose one "
                "by its path (see followthrough account calendars)."
            )
    if not matches:
        raise AccountError(
            f"The account {account.name} has no calendar '{text}'; see followthrough account "
            f"calendars {account.name}."
        )
    chosen = matches[0]
    if not chosen.supports_events:
        raise AccountError(
            f"The calendar '{chosen.name}' holds no events (only tasks or notes); choose "
            "another, or make one with --create."
        )
    return chosen


def use_calendar(
    store: Store,
    name: str,
    path: str | None = None,
    create: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> CalendarChoice:
    """Make the account sync with an existing calendar (`path`) or a new one (`create`).

    `path` is a calendar's URL, its path on the server, or its display name. `create` is a
    display name; when a calendar of that name already exists it is used, not duplicated.
    """
    if (path is None) == (create is None):
        raise AccountError("Choose a calendar with --calendar PATH, or make one with --create.")
    account, _ = _stored(store, name)
    if create is not None:
        create = create.strip()
        if not create or len(create) > 200 or any(ord(c) < 32 for c in create):
            raise AccountError("A calendar's name is one line of at most 200 characters.")
    client = client_for(store, account, timeout=timeout)
    created = False
    try:
        principal, found = _discover(client, account)
        if path is not None:
            chosen = _pick(account, path, found)
        else:
            assert create is not None
            same = [c for c in found if c.name.casefold() == create.casefold()]
            existing = [c for c in same if c.supports_events]
            if existing:
                chosen = existing[0]
            else:
                chosen = _make_calendar(principal, account, create)
                created = True
    except AccountError:
        raise
    except Exception as error:
        raise explain(error, account, timeout) from None
    finally:
        client.close()
    updated = replace(account, calendar_url=chosen.url, calendar_name=chosen.name)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET calendar_url = ?, calendar_name = ? WHERE name = ?",
            (updated.calendar_url, updated.calendar_name, account.name),
        )
    return CalendarChoice(updated, created)


def _make_calendar(principal: Principal, account: Account, name: str) -> DiscoveredCalendar:
    from caldav.collection import Calendar
    from caldav.lib import error as dav_errors

    chosen = PRESETS.get(account.preset)
    if chosen is not None and not chosen.can_create_calendars:
        raise AccountError(
            f"{chosen.name} does not let apps create calendars over CalDAV; create one in its "
            "web interface, then choose it with --calendar."
        )
    try:
        made = principal.make_calendar(name=name, supported_calendar_component_set=["VEVENT"])
    except dav_errors.DAVError as error:
        if error.status in (401,):
            raise
        status = f" (HTTP {error.status})" if error.status else ""
        raise AccountError(
            f"The server at {account.origin} did not create the calendar{status}; create it "
            "in the server's web interface, then choose it with --calendar."
        ) from None
    if not isinstance(made, Calendar):  # pragma: no cover - only async clients return otherwise
        raise AccountError(f"The server at {account.origin} did not create the calendar.")
    return DiscoveredCalendar(str(made.url), name, True)


def calendar_for(
    store: Store,
    account: Account | str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    refresher: TokenRefresher | None = None,
) -> Calendar:
    """The chosen calendar of a saved account, on a new client; no traffic yet.

    Close it with `calendar.client.close()` when done.
    """
    name = account.name if isinstance(account, Account) else account
    stored = get_account(store, name)
    if not stored.calendar_url:
        raise AccountError(
            f"The account {stored.name} has no calendar yet; choose one with followthrough "
            f"account use {stored.name} --calendar PATH (or --create NAME)."
        )
    from caldav.collection import Calendar

    client = client_for(store, stored, timeout=timeout, refresher=refresher)
    return Calendar(client=client, url=stored.calendar_url)

"""CalDAV accounts and where they are kept: who connects where, and as whom (no Qt).

An account is a row of the store's `accounts` table (name, server address, user, how to
authenticate, the chosen calendar, a trusted certificate fingerprint) plus one secret in the
operating system's keyring, under the service "followthrough-caldav". No password or token
is ever written to the database: where no keyring is available, nothing is stored at all.

This module keeps accounts and never talks to a server. `connection.add_account` connects and
finds the user's principal and calendar home before it saves anything (`save_account`), so a
wrong password, a wrong address or a server that is not CalDAV is reported as one sentence and
leaves neither a row nor a keyring entry behind. Which servers are trusted is `trust`'s; the
calendar an account syncs with is chosen through `calendars`.

A bearer account's keyring secret is a `BearerToken` (JSON): today the access token the user
obtained; a browser sign-in can later keep a refresh token and expiry there and renew it
through `connection.client_for(..., refresher=...)` without any change to the table.
"""

from __future__ import annotations

import contextlib
import json
import secrets as random_tokens
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from followthrough.store import Store, utc_text
from followthrough.store.secrets import (
    SecretStoreUnavailable,
    delete_secret,
    get_secret,
    set_secret,
)
from followthrough.sync.errors import AccountError
from followthrough.sync.presets import AUTHS, PRESETS, Auth, preset
from followthrough.sync.trust import check_url, normalize_fingerprint

SERVICE = "followthrough-caldav"  # the keyring service of CalDAV passwords and tokens
NAME_LIMIT = 60


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


# -- the table (made by store.schema) ---------------------------------------------------------

_COLUMNS = (
    "name, url, username, auth, preset, calendar_url, calendar_name, trusted_fingerprint, "
    "keyring_account"
)


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


def find_account(store: Store, name: str) -> tuple[Account, str] | None:
    """The account called `name` and the keyring entry of its secret, or None."""
    return next(_rows(store, name), None)


def _stored(store: Store, name: str) -> tuple[Account, str]:
    found = find_account(store, name)
    if found is None:
        raise AccountError(
            f"There is no account named '{name.strip()}'; see followthrough account list."
        )
    return found


# -- the secret ------------------------------------------------------------------------------


def secret_text(account: Account, secret: str | BearerToken) -> tuple[str, str]:
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


def new_keyring_account(account: Account) -> str:
    """The keyring entry a new account's secret goes under (unique, and readable)."""
    return f"{account.username}@{account.origin} [{random_tokens.token_hex(4)}]"


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


def stored_secret(store: Store, name: str) -> tuple[Account, str, str]:
    """A saved account, the keyring entry of its secret, and the secret from the keyring."""
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
    return stored, keyring_account, secret


def save_token(keyring_account: str, token: BearerToken) -> None:
    """Keep a renewed bearer token in the keyring, in place of the old one."""
    try:
        set_secret(SERVICE, keyring_account, token.encode())
    except SecretStoreUnavailable as problem:
        raise AccountError(str(problem)) from None


# -- saving and removing -------------------------------------------------------------------


def save_account(
    store: Store, account: Account, keep: str, keyring_account: str, *, new: bool
) -> None:
    """Save the account's secret in the keyring, then its row (replacing one of its name).

    When the row cannot be written, the secret of a `new` account is taken out again.
    """
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
                    utc_text(datetime.now(UTC)),
                ),
            )
    except BaseException:
        if new:
            with contextlib.suppress(SecretStoreUnavailable):
                delete_secret(SERVICE, keyring_account)
        raise


def save_calendar(store: Store, account: Account) -> None:
    """Record the calendar `account` names as the one its saved account syncs with."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET calendar_url = ?, calendar_name = ? WHERE name = ?",
            (account.calendar_url, account.calendar_name, account.name),
        )


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
        conn.execute("DELETE FROM pushed WHERE account = ?", (account.name,))
    return notes

"""IMAP accounts and where they are kept (no Qt).

An account is a row of the store's `mail_accounts` table (name, server, port, security, user,
preset, a trusted certificate fingerprint) plus its password in the operating system's
keyring, under the service "followthrough-imap"; no password is ever written to the database.
This module keeps accounts and never talks to a server: `check.add_mail_account` signs in
before anything is saved.
"""

from __future__ import annotations

import contextlib
import secrets as random_tokens
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from followthrough.core.model import check_text
from followthrough.core.settings import check_host
from followthrough.mail.errors import MailError
from followthrough.mail.presets import DEFAULT_PORTS, SECURITIES, Security, preset
from followthrough.store import Store, utc_text
from followthrough.store.secrets import (
    SecretStoreUnavailable,
    delete_secret,
    get_secret,
    set_secret,
)
from followthrough.sync.trust import normalize_fingerprint

SERVICE = "followthrough-imap"  # the keyring service of IMAP passwords
NAME_LIMIT = 60


@dataclass(frozen=True)
class MailAccount:
    """An IMAP account: a server, a user and how to reach it; never its password."""

    name: str
    host: str
    username: str
    port: int = 0  # 0: the usual port of the security (993, 143)
    security: Security = "ssl"
    preset: str = ""
    trusted_fingerprint: str = ""  # SHA-256 of a self-signed server's certificate, hex

    @property
    def where(self) -> str:
        """'imap.example.com port 993 (SSL)', for sentences."""
        how = "SSL" if self.security == "ssl" else "STARTTLS"
        return f"{self.host} port {self.port} ({how})"

    def validated(self) -> MailAccount:
        """This account with its fields checked and normalised, or MailError."""
        name = self.name.strip()
        if not name:
            raise MailError("Give the mail account a name, e.g. 'inbox'.")
        if len(name) > NAME_LIMIT or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
            raise MailError(f"An account name is at most {NAME_LIMIT} characters, on one line.")
        host = check_host(self.host, "IMAP server")
        if not host:
            raise MailError("Say which IMAP server to use, with --host (such as imap.example.com).")
        username = check_text(self.username, "user name", limit=320)
        if not username:
            raise MailError("Say which user to sign in as, with --username.")
        if self.security not in SECURITIES:
            raise MailError(
                f"'{self.security}' is not a mail security: use ssl (usually port 993) or "
                "starttls (usually port 143); unencrypted mail is not offered."
            )
        port = self.port or DEFAULT_PORTS[self.security]
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise MailError(f"The IMAP port {port} is not a number from 1 to 65535.")
        return replace(
            self,
            name=name,
            host=host,
            username=username,
            port=port,
            trusted_fingerprint=normalize_fingerprint(self.trusted_fingerprint),
        )


def new_mail_account(
    name: str,
    *,
    username: str,
    host: str = "",
    port: int = 0,
    security: str | None = None,
    preset_id: str = "",
    trusted_fingerprint: str = "",
) -> MailAccount:
    """An account as the user describes it: a preset fills in the server, port and security.

    A service that takes no password over IMAP (OAuth only) is refused here, in its own words.
    """
    chosen = preset(preset_id) if preset_id else None
    if chosen is not None and chosen.sign_in == "oauth":
        raise MailError(chosen.note)
    if chosen is not None:
        host = host or chosen.host
        if security is None:
            security = chosen.security
            port = port or chosen.port
    security = (security or "ssl").strip().lower()
    if security not in SECURITIES:
        raise MailError(
            f"'{security}' is not a mail security: use ssl (usually port 993) or starttls "
            "(usually port 143); unencrypted mail is not offered."
        )
    return MailAccount(
        name=name,
        host=host,
        username=username,
        port=port,
        security=security,
        preset=chosen.id if chosen is not None else "",
        trusted_fingerprint=trusted_fingerprint,
    ).validated()


# -- the table (made by store.schema, v6) ------------------------------------------------------

_COLUMNS = "name, host, port, security, username, preset, trusted_fingerprint, keyring_account"


def _account(row: tuple[Any, ...]) -> tuple[MailAccount, str]:
    name, host, port, security, username, preset_id, fingerprint, key = row
    account = MailAccount(
        name=name,
        host=host,
        username=username,
        port=int(port),
        security=security if security in SECURITIES else "ssl",
        preset=preset_id,
        trusted_fingerprint=fingerprint,
    )
    return account, str(key)


def _rows(store: Store, name: str | None = None) -> Iterator[tuple[MailAccount, str]]:
    if name is None:
        cursor = store.conn.execute(
            f"SELECT {_COLUMNS} FROM mail_accounts ORDER BY name COLLATE NOCASE"
        )
    else:
        cursor = store.conn.execute(
            f"SELECT {_COLUMNS} FROM mail_accounts WHERE name = ?", (name.strip(),)
        )
    for row in cursor.fetchall():
        yield _account(row)


def list_mail_accounts(store: Store) -> list[MailAccount]:
    """Every mail account, by name."""
    return [account for account, _ in _rows(store)]


def find_mail_account(store: Store, name: str) -> tuple[MailAccount, str] | None:
    """The account called `name` (case-insensitive) and its keyring entry, or None."""
    return next(_rows(store, name), None)


def _stored(store: Store, name: str) -> tuple[MailAccount, str]:
    found = find_mail_account(store, name)
    if found is None:
        raise MailError(
            f"There is no mail account named '{name.strip()}'; see followthrough mail list."
        )
    return found


def get_mail_account(store: Store, name: str) -> MailAccount:
    """The account called `name`, or MailError."""
    return _stored(store, name)[0]


def mail_password(store: Store, name: str) -> tuple[MailAccount, str]:
    """A saved account and its password from the keyring, or MailError."""
    account, keyring_account = _stored(store, name)
    try:
        password = get_secret(SERVICE, keyring_account)
    except SecretStoreUnavailable as problem:
        raise MailError(str(problem)) from None
    if not password:
        raise MailError(
            f"No password of the mail account {account.name} is in the system keyring; "
            "add the account again to save it."
        )
    return account, password


def keyring_entry(store: Store, account: MailAccount) -> tuple[str, bool]:
    """(the keyring entry the account's password goes under, whether the account is new);
    MailError when another account has this name."""
    existing = find_mail_account(store, account.name)
    if existing is None:
        token = random_tokens.token_hex(4)
        return f"{account.username}@{account.host}:{account.port} [{token}]", True
    old, key = existing
    if (old.host, old.port, old.username) != (account.host, account.port, account.username):
        raise MailError(
            f"A mail account named '{old.name}' already exists ({old.username} at "
            f"{old.host}); remove it first or choose another name."
        )
    return key, False


def save_mail_account(
    store: Store, account: MailAccount, password: str, keyring_account: str, *, new: bool
) -> None:
    """Save the password in the keyring, then the account's row (replacing one of its name);
    when the row cannot be written, a new account's password is taken out again."""
    try:
        set_secret(SERVICE, keyring_account, password)
    except SecretStoreUnavailable as problem:
        raise MailError(
            f"{str(problem).rstrip('.')}; Followthrough keeps passwords nowhere else, so "
            "nothing was saved."
        ) from None
    try:
        with store.transaction() as conn:
            conn.execute(
                f"INSERT OR REPLACE INTO mail_accounts ({_COLUMNS}, added) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    account.name, account.host, account.port, account.security,
                    account.username, account.preset, account.trusted_fingerprint,
                    keyring_account, utc_text(datetime.now(UTC)),
                ),
            )  # fmt: skip
    except BaseException:
        if new:
            with contextlib.suppress(SecretStoreUnavailable):
                delete_secret(SERVICE, keyring_account)
        raise


def remove_mail_account(store: Store, name: str) -> list[str]:
    """Forget the account, its password and how far its folders were read; returns notes for
    the user (the row goes even when the keyring cannot be reached). What it found stays
    logged."""
    account, keyring_account = _stored(store, name)
    notes: list[str] = []
    try:
        delete_secret(SERVICE, keyring_account)
    except SecretStoreUnavailable as problem:
        notes.append(
            f"{str(problem).rstrip('.')}; remove the password of {account.name} yourself if it "
            f"is still there (service {SERVICE}, account {keyring_account})."
        )
    with store.transaction() as conn:
        conn.execute("DELETE FROM mail_accounts WHERE name = ?", (account.name,))
        conn.execute("DELETE FROM mail_folders WHERE account = ?", (account.name,))
    return notes

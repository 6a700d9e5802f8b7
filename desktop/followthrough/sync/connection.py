"""Connecting an account to its CalDAV server, and saying in one sentence why it failed (no Qt).

`add_account` saves an account only once its server accepted the login and is CalDAV;
`client_for` gives a client for a saved account, its secret read from the keyring (and a
bearer token renewed when it has expired and can be). How the connection is made:

- A password goes out with HTTP Basic on the first request (caldav's auth_type="basic"),
  not after a 401 round trip; a bearer token (Google) as `Authorization: Bearer`.
- TLS is verified, or pinned to the fingerprint the user trusted (see `trust`); to this
  computer no proxy settings from the environment apply.
- `verify` logs in and finds the user's principal and calendar home: what proves that the
  address, the user and the secret are right and the server is CalDAV.
"""

from __future__ import annotations

import logging
import shlex
import socket
import ssl
from dataclasses import replace
from typing import TYPE_CHECKING

from followthrough import __version__
from followthrough.store import Store
from followthrough.sync.accounts import (
    Account,
    BearerToken,
    TokenRefresher,
    find_account,
    new_keyring_account,
    require_keyring,
    save_account,
    save_token,
    secret_text,
    stored_secret,
)
from followthrough.sync.errors import AccountError
from followthrough.sync.presets import PRESETS
from followthrough.sync.trust import loopback, presented_fingerprint, show_fingerprint

if TYPE_CHECKING:  # caldav (and niquests) load on first connection: the CLI starts faster
    from caldav.collection import Principal
    from caldav.davclient import DAVClient

DEFAULT_TIMEOUT = 20.0  # seconds for one request

# caldav logs "deviations" (e.g. HTML where XML was expected) at WARNING and ERROR; without a
# handler Python would print them on stderr next to our one-sentence errors. The app's own
# logging configuration, if any, still receives them.
logging.getLogger("caldav").addHandler(logging.NullHandler())


class NotCalDAV(Exception):
    """The server answered, but not as a CalDAV server does."""


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
    if loopback(account.host):
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


# -- adding an account, and connecting a saved one ---------------------------------------------


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
    keep, sent = secret_text(account, secret)
    existing = find_account(store, account.name)
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
    keyring_account = existing[1] if existing is not None else new_keyring_account(account)
    require_keyring(account.auth)  # before logging in: without it nothing could be kept

    client = connect(account, sent, timeout=timeout)
    try:
        verify(client, account)
    except Exception as error:
        raise explain(error, account, timeout) from None
    finally:
        client.close()

    save_account(store, account, keep, keyring_account, new=existing is None)
    return account


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
    stored, keyring_account, secret = stored_secret(store, name)
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
        save_token(keyring_account, token)
    return connect(stored, token.access_token, timeout=timeout)

"""Publishing the feed to a WebDAV folder: `publish()` and `followthrough feed publish`.

`publish()` uploads the feed with an HTTP PUT to any WebDAV location (a Nextcloud folder, say),
with the password from the system keyring, saved there only after an upload succeeded.

`publish_command()` is what `followthrough feed publish` runs.
"""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from getpass import getpass
from typing import TextIO

from followthrough import __version__
from followthrough.ical.export import Exporter
from followthrough.ical.feed.content import CONTENT_TYPE, FeedError
from followthrough.ical.feed.hosts import is_loopback
from followthrough.store.secrets import (
    SecretStoreUnavailable,
    delete_secret,
    get_secret,
    set_secret,
)

WEBDAV_SERVICE = "followthrough-webdav"  # the keyring service of WebDAV passwords
DEFAULT_FILE_NAME = "followthrough.ics"  # the file's name when the URL names a folder
PUBLISH_TIMEOUT = 30.0  # seconds


@dataclass(frozen=True)
class WebDavTarget:
    """Where to upload, and as whom."""

    url: str  # without user info or fragment
    origin: str  # scheme://host[:port], lower case, default port left out
    username: str

    @property
    def account(self) -> str:
        """The keyring account of this target's password."""
        return f"{self.username}@{self.origin}"

    @classmethod
    def parse(cls, url: str, username: str | None = None) -> WebDavTarget:
        """Check a WebDAV URL; a URL ending in / names a folder, holding followthrough.ics."""
        try:
            parts = urllib.parse.urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise FeedError(f"'{_shown(url)}' is not a valid URL.") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise FeedError("The URL must start with https:// and name a server.")
        if parts.password is not None:
            raise FeedError(
                "Leave the password out of the URL; Followthrough asks for it and keeps it "
                "in the system keyring."
            )
        user = username if username is not None else urllib.parse.unquote(parts.username or "")
        if not user:
            raise FeedError("Say which user to log in as, with --username.")
        host = parts.hostname.lower()
        if scheme == "http" and not is_loopback(host):
            raise FeedError(
                "Use an https:// URL: over plain http the password would cross the network "
                "unencrypted."
            )
        shown_host = f"[{host}]" if ":" in host else host
        default_port = 443 if scheme == "https" else 80
        netloc = shown_host if port in (None, default_port) else f"{shown_host}:{port}"
        path = parts.path or "/"
        if path.endswith("/"):
            path += DEFAULT_FILE_NAME
        clean = urllib.parse.urlunsplit((scheme, netloc, path, parts.query, ""))
        return cls(clean, f"{scheme}://{netloc}", user)


class PublishError(FeedError):
    """The upload failed; `status` is the HTTP status when the server answered."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _shown(text: str) -> str:
    """A URL as it may be printed: any password in it left out."""
    try:
        parts = urllib.parse.urlsplit(text)
        if parts.password is not None:
            host = parts.netloc.rpartition("@")[2]
            return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:…@{host}"))
    except ValueError:
        return "…"
    return text


def upload(
    target: WebDavTarget,
    data: bytes,
    password: str,
    *,
    timeout: float = PUBLISH_TIMEOUT,
    context: ssl.SSLContext | None = None,
) -> int:
    """PUT `data` at the target with basic auth sent up front; the HTTP status on success.

    Certificates are always verified (against the system's CAs, or `context`'s).
    """
    credentials = base64.b64encode(f"{target.username}:{password}".encode()).decode("ascii")
    request = urllib.request.Request(
        target.url,
        data=data,
        method="PUT",
        headers={
            "Content-Type": CONTENT_TYPE,
            "Authorization": f"Basic {credentials}",
            "User-Agent": f"Followthrough/{__version__}",
        },
    )
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.HTTPSHandler(context=context or ssl.create_default_context())
    ]
    host = urllib.parse.urlsplit(target.url).hostname or ""
    if is_loopback(host):
        handlers.append(urllib.request.ProxyHandler({}))  # never send a local upload away
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        raise PublishError(
            _refusal(target, error.code, error.reason, error.headers), error.code
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        raise PublishError(
            _unreachable(
                target, reason if isinstance(reason, BaseException) else None, str(reason), timeout
            )
        ) from None
    except (OSError, http.client.HTTPException) as error:
        raise PublishError(_unreachable(target, error, str(error), timeout)) from None
    return status


def _refusal(target: WebDavTarget, code: int, reason: object, headers: object) -> str:
    if code == 401:
        return f"The server refused the user name or password for {target.username} (HTTP 401)."
    if code == 403:
        return (
            f"The server refused the upload (HTTP 403): {target.username} may not write "
            "there, or the password is wrong."
        )
    if code in (404, 409):
        return (
            f"The folder for {target.url} does not exist on the server (HTTP {code}); "
            "create it first or correct the URL."
        )
    if code == 405:
        return (
            f"The server does not accept an upload at {target.url} (HTTP 405): the URL "
            "may name a folder, or not be a WebDAV location."
        )
    if code in (301, 302, 303, 307, 308):
        location = ""
        if hasattr(headers, "get"):
            location = str(headers.get("Location") or "")
        where = f" to {_shown(location)}" if location else ""
        return f"The server moved that address{where} (HTTP {code}); publish to the new one."
    if code == 507:
        return "The server has no room left for the file (HTTP 507)."
    return f"The server refused the upload (HTTP {code} {reason})."


def _unreachable(
    target: WebDavTarget, error: BaseException | None, text: str, timeout: float
) -> str:
    host = urllib.parse.urlsplit(target.url).hostname or target.origin
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = error.verify_message or error.reason or "not trusted"
        return (
            f"The certificate of {host} could not be verified ({detail}); Followthrough only "
            "uploads to servers whose certificate checks out."
        )
    if isinstance(error, ssl.SSLError):
        return f"The secure connection to {host} failed ({error.reason or error})."
    if isinstance(error, ConnectionRefusedError):
        return f"Nothing answers at {target.origin}: the server is down or the address is wrong."
    if isinstance(error, TimeoutError):
        return f"The server at {target.origin} did not answer within {timeout:g} seconds."
    if isinstance(error, socket.gaierror):
        return f"Cannot find the server {host}; check the address."
    if isinstance(error, ConnectionError | http.client.HTTPException):
        return f"The connection to {target.origin} broke off before the server answered."
    if isinstance(error, OSError) and error.strerror:
        return f"Cannot reach {target.origin}: {error.strerror}."
    return f"Cannot reach {target.origin}: {text.rstrip('.')}."


def publish(
    target: WebDavTarget,
    data: bytes,
    *,
    password: str | None = None,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    timeout: float = PUBLISH_TIMEOUT,
    context: ssl.SSLContext | None = None,
) -> int:
    """Upload `data`, with `password`, else the keyring's, else what `ask(prompt)` returns.

    A password not from the keyring is saved there after the upload succeeds, never before
    and never elsewhere. A saved password the server refuses (401) is removed from it, so the
    next run asks again. `say` gets notes for the user (one sentence each).
    """
    saved = False
    keyring_ok = True
    if password is None:
        try:
            password = get_secret(WEBDAV_SERVICE, target.account)
            saved = password is not None
        except SecretStoreUnavailable as problem:
            keyring_ok = False
            say(f"{str(problem).rstrip('.')}; it is used for this upload only.")
    if password is None:
        password = ask(f"Password for {target.username} at {target.origin}: ")
    if not password:
        raise FeedError("No password was given.")
    try:
        status = upload(target, data, password, timeout=timeout, context=context)
    except PublishError as error:
        if saved and error.status == 401:
            try:
                delete_secret(WEBDAV_SERVICE, target.account)
            except SecretStoreUnavailable:
                pass
            else:
                raise PublishError(
                    f"{str(error).rstrip('.')}; the saved password was removed from the "
                    "keyring, so the next run asks for it.",
                    401,
                ) from None
        raise
    if not saved and keyring_ok:
        try:
            set_secret(WEBDAV_SERVICE, target.account, password)
        except SecretStoreUnavailable as problem:
            say(str(problem))
    return status


def publish_command(
    exporter: Exporter,
    url: str,
    *,
    username: str | None = None,
    password_stdin: bool = False,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    timeout: float = PUBLISH_TIMEOUT,
) -> int:
    """`followthrough feed publish`: upload the feed, exit 0, or raise FeedError (exit 1)."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    err = err or sys.stderr
    target = WebDavTarget.parse(url, username)
    password: str | None = None
    if password_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise FeedError("--password-stdin read no password from standard input.")

    def ask(prompt: str) -> str:
        if not stdin.isatty():
            raise FeedError(
                f"No password is saved for {target.account}; run the command at a terminal "
                "to type it, or pipe it in with --password-stdin."
            )
        try:
            return getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            raise FeedError("No password was given.") from None

    def say(line: str) -> None:
        err.write(f"followthrough: {line}\n")
        err.flush()

    feed = exporter.build_feed()
    publish(target, feed.data, password=password, ask=ask, say=say, timeout=timeout)
    out.write(f"Published the feed ({len(feed.data):,} bytes) to {target.url}\n")
    if feed.left_out:
        out.write(feed.left_out + "\n")
    out.flush()
    return 0

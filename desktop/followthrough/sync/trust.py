"""Which servers Followthrough trusts with a password or token (no Qt).

- Certificates are verified against the system's authorities. A self-signed server is
  reached only once the user trusted the SHA-256 fingerprint of its certificate; the
  connection is then accepted when, and only when, the certificate presented has exactly
  that fingerprint (niquests' `verify="sha256_<hex>"`, urllib3's assert_fingerprint: the
  pin replaces the authority and host-name checks, it never adds to what is accepted).
- Plain http:// is refused except to this computer (127.0.0.1, ::1, localhost), for which
  proxy settings from the environment are ignored too.

This module checks addresses, reads and shows fingerprints, and looks up the fingerprint a
server presents (to tell the user what to check); `connection` applies the pin.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import ssl
import urllib.parse

from followthrough.sync.errors import AccountError


def loopback(host: str) -> bool:
    """Whether `host` names this computer."""
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
    if scheme == "http" and not loopback(parts.hostname):
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

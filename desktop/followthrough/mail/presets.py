"""Mail services Followthrough knows: their IMAP server and what signing in needs (no Qt).

The presets are data, in resources/mail/presets.toml: each says where the server is and
whether the service takes the account's password, an app password only, or no password at
all (a browser sign-in, OAuth, which Followthrough does not do yet: it says so up front).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Literal

from followthrough.mail.errors import MailError
from followthrough.resources import resource_path

Security = Literal["ssl", "starttls"]
SECURITIES: tuple[Security, ...] = ("ssl", "starttls")
SignIn = Literal["password", "app-password", "oauth"]
DEFAULT_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143}


@dataclass(frozen=True)
class MailPreset:
    """A mail service: its IMAP server, and what to sign in with."""

    id: str
    name: str
    host: str  # '' when the user names the server
    port: int
    security: Security
    sign_in: SignIn
    note: str  # shown before asking for the password, and by `mail presets`


@cache
def presets() -> dict[str, MailPreset]:
    """Every preset, by id, in the file's order."""
    with resource_path("mail", "presets.toml").open("rb") as handle:
        data = tomllib.load(handle)
    found: dict[str, MailPreset] = {}
    for key, entry in data.items():
        security = entry["security"]
        sign_in = entry["sign_in"]
        if security not in SECURITIES or sign_in not in ("password", "app-password", "oauth"):
            raise MailError(f"The mail preset {key} in presets.toml is not valid.")
        found[key] = MailPreset(
            id=key,
            name=str(entry["name"]),
            host=str(entry["host"]),
            port=int(entry["port"]),
            security=security,
            sign_in=sign_in,
            note=str(entry["note"]),
        )
    return found


def preset(preset_id: str) -> MailPreset:
    """The preset with that id (case-insensitive), or MailError naming the known ones."""
    found = presets().get(preset_id.strip().lower())
    if found is None:
        raise MailError(
            f"There is no mail preset '{preset_id.strip()}'; choose one of "
            f"{', '.join(presets())}."
        )
    return found

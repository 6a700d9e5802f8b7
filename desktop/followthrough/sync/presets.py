"""Calendar service presets: what Followthrough knows of Nextcloud, iCloud, Google and others.

A preset fills in a service's server address (from the host or user the user names) and says
how it logs in (a password, or a bearer token for Google), what to tell the user before
asking for the secret, and a hint when the server refuses it.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Literal

from followthrough.sync.errors import AccountError

Auth = Literal["password", "bearer"]  # how an account logs in
AUTHS: tuple[Auth, ...] = ("password", "bearer")


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

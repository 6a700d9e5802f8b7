"""The user's settings: where they live, when they work, who they are."""

from __future__ import annotations

import contextlib
import ipaddress
import locale
import os
import re
from dataclasses import dataclass, fields, replace
from datetime import time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from followthrough.core.model import ValidationError, check_email, check_phone, check_text, zone


@cache
def country_codes(include_aliases: bool = True) -> frozenset[str]:
    """The country codes the `holidays` package knows (with aliases such as USA for US), read
    from its registry: no country's own module is loaded, which would take most of a second."""
    from holidays.registry import EntityLoader

    return frozenset(EntityLoader.get_country_codes(include_aliases=include_aliases))


@cache
def subdivisions(code: str) -> tuple[str, ...]:
    """The subdivision (region) codes of one country: only its module is loaded."""
    if code not in country_codes():
        return ()
    import holidays

    return tuple(getattr(holidays, code).subdivisions)


@cache
def country_names() -> dict[str, str]:
    """Country code -> the country's name in English ("US": "United States"), for every code
    `country_codes` knows, read from the `holidays` registry (no country's module is loaded)."""
    from holidays.registry import COUNTRIES

    names: dict[str, str] = {}
    for class_name, *codes in COUNTRIES.values():
        name = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", class_name)
        for code in codes:
            if re.fullmatch(r"[A-Z]{2,3}", code):
                names[code] = name
    return names


@cache
def subdivision_names(code: str) -> dict[str, str]:
    """Subdivision code -> its name ("CA": "California"), for one country's regions; a
    region the `holidays` package names only by its code keeps the code."""
    codes = subdivisions(code)
    if not codes:
        return {}
    import holidays

    aliases: dict[str, str] = getattr(getattr(holidays, code), "subdivisions_aliases", {}) or {}
    names: dict[str, str] = {}
    for sub in codes:
        known = [alias for alias, target in aliases.items() if target == sub and alias != sub]
        # The longest alias is the name; the others are short forms ("GUA" for Guadeloupe).
        names[sub] = max(known, key=len) if known else sub
    return names


def supported_countries() -> dict[str, list[str]]:
    """Country code -> subdivision codes, as the `holidays` package knows them (slow: every
    country's module is loaded; for a list of every country with its regions)."""
    return {code: list(subdivisions(code)) for code in country_codes()}


def system_country() -> str:
    """The country of the system locale (en_ZA -> ZA), or '' when the locale names none."""
    candidates = [os.environ.get(var, "") for var in ("LC_ALL", "LC_TIME", "LANG")]
    with contextlib.suppress(ValueError):
        candidates.append(locale.getlocale()[0] or "")
    for name in candidates:
        match = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", name)
        if match and match.group(1).upper() in country_codes():
            return match.group(1).upper()
    return ""


def system_timezone() -> str:
    """The system's IANA zone name, 'UTC' when it cannot be told."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises several kinds on odd systems; UTC is a safe answer
        name = None
    if not name:
        return "UTC"
    try:
        zone(name)
    except ValidationError:
        return "UTC"
    return name


def parse_clock(text: str, what: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValidationError(f"The {what} '{text}' is not a time like 09:00.")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Settings:
    """Validated settings; `names()` lists the names the CLI and the store use."""

    country: str = ""
    subdivision: str = ""
    timezone: str = "UTC"
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    # The working day of the people the user writes to, on the clock where the interview is.
    recipient_start: time = time(9, 0)
    recipient_end: time = time(17, 0)
    # Spread a day's steps through the morning (no: all at the start of the working day).
    spread_steps: bool = True
    playbook: str = "standard"
    my_name: str = ""
    my_email: str = ""
    my_phone: str = ""
    # The user's other addresses (work, old ones): in an invitation, they are not interviewers.
    aliases: tuple[str, ...] = ()
    optional_steps: bool = True
    # Sending by SMTP (compose.smtp): the sender is my_name <my_email>; the password is only
    # ever in the keyring. Port 0 means the usual port for the security (465 or 587).
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_security: str = "starttls"
    smtp_username: str = ""
    # Minutes between automatic CalDAV syncs while the window is open (0: only on request).
    sync_interval: int = 15
    # Minutes between mail checks while the window is open (followthrough.mail; 0: on request).
    mail_interval: int = 10

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone (validated when the setting was stored)."""
        return ZoneInfo(self.timezone)

    @property
    def my_addresses(self) -> frozenset[str]:
        """The user's own email addresses (my-email and the aliases), in lower case."""
        return frozenset(a.lower() for a in (self.my_email, *self.aliases) if a)

    @staticmethod
    def names() -> list[str]:
        return [f.name.replace("_", "-") for f in fields(Settings)]

    @classmethod
    def system_defaults(cls, *, country: bool = True, timezone: bool = True) -> Settings:
        """The system's time zone and its locale's country; each only when asked for (when
        the store has none): asking the holidays package which countries it knows costs a
        tenth of a second, asking the system for its zone a fiftieth."""
        return cls(
            country=system_country() if country else "",
            timezone=system_timezone() if timezone else "UTC",
        )

    def get(self, key: str) -> str:
        attr = _attr(key)
        value = getattr(self, attr)
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, tuple):
            return ", ".join(value)
        if attr == "smtp_port" and value == 0:
            return ""
        return str(value)

    def with_value(self, key: str, text: str, *, stored: bool = False) -> Settings:
        """A copy with `key` set from its text form, validated.

        `stored`: the value was read back from the store, where it was checked when written;
        a country and a region are then checked for their form only, so that start-up does
        not load the holidays package (a code it no longer knows means no public holidays).
        """
        attr = _attr(key)
        value: object
        if attr == "country" and stored:
            value = text.strip().upper()
            if value and not re.fullmatch(r"[A-Z]{2,3}", value):
                raise ValidationError(f"'{text}' is not a country code.")
            return replace(self, country=str(value))
        if attr == "subdivision" and stored:
            value = text.strip().upper()
            if value and not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,9}", value):
                raise ValidationError(f"'{text}' is not a region code.")
            return replace(self, subdivision=str(value))
        if attr == "country":
            value = text.strip().upper()
            if value and value not in country_codes():
                raise ValidationError(
                    f"'{text}' is not a country code the holiday calendar knows (like US, ZA, DE)."
                )
            updated = replace(self, country=str(value))
            if updated.subdivision and updated.subdivision not in subdivisions(str(value)):
                updated = replace(updated, subdivision="")
            return updated
        if attr == "subdivision":
            value = text.strip().upper()
            if value:
                if not self.country:
                    raise ValidationError("Set the country before its region (subdivision).")
                known = list(subdivisions(self.country))
                if not known:
                    raise ValidationError(
                        f"The holiday calendar has no regions for {self.country}; "
                        "leave the region empty."
                    )
                if value not in known:
                    raise ValidationError(
                        f"'{text}' is not a region of {self.country}; known: {', '.join(known)}."
                    )
        elif attr == "timezone":
            value = zone(text.strip()).key
        elif attr in ("work_start", "work_end", "recipient_start", "recipient_end"):
            value = parse_clock(text, key)
        elif attr == "my_email":
            value = check_email(text)
        elif attr == "my_phone":
            value = check_phone(text)
        elif attr == "aliases":
            value = check_aliases(text)
        elif attr in ("optional_steps", "spread_steps"):
            lowered = text.strip().lower()
            if lowered not in ("yes", "no", "true", "false", "on", "off", "1", "0"):
                raise ValidationError(f"'{text}' is not yes or no.")
            value = lowered in ("yes", "true", "on", "1")
        elif attr == "smtp_host":
            value = check_host(text)
        elif attr == "smtp_port":
            value = parse_port(text)
        elif attr == "smtp_security":
            value = text.strip().lower()
            if value not in SMTP_SECURITIES:
                raise ValidationError(
                    f"'{text}' is not an SMTP security: use ssl (usually port 465) or starttls "
                    "(usually port 587); unencrypted sending is not offered."
                )
        elif attr == "smtp_username":
            value = check_text(text, "SMTP user name", limit=320)
        elif attr in ("sync_interval", "mail_interval"):
            words = text.strip().lower()
            if words in ("off", "no", "never"):
                words = "0"
            if not words.isdigit() or int(words) > 24 * 60:
                what = "sync" if attr == "sync_interval" else "mail check"
                raise ValidationError(
                    f"'{text}' is not a {what} interval: give minutes from 0 (off) to 1440."
                )
            value = int(words)
        elif attr == "playbook":
            value = check_text(text, "playbook name", required=True, limit=100).lower()
        else:
            value = check_text(text, key.replace("-", " "), limit=200)
        changes: dict[str, Any] = {attr: value}
        return replace(self, **changes).validated()

    def validated(self) -> Settings:
        zone(self.timezone)
        for whose, start, end in (
            ("The", self.work_start, self.work_end),
            ("The recipients'", self.recipient_start, self.recipient_end),
        ):
            if end <= start:
                raise ValidationError(f"{whose} working day must end after it starts.")
            if (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < 60:
                raise ValidationError(f"{whose} working day must be at least one hour long.")
        return self


SMTP_SECURITIES = ("ssl", "starttls")  # implicit TLS, or STARTTLS; never plaintext

_HOST_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def check_host(text: str, what: str = "SMTP server") -> str:
    """A server's host name or IP address, lower case ('' stays ''), or a ValidationError."""
    value = check_text(text, f"{what} name", limit=300).lower()
    if not value:
        return ""
    if value.endswith(".") and not value.endswith(".."):
        value = value[:-1]  # the root's dot of a fully qualified name
    if "://" in value or "/" in value or "@" in value:
        raise ValidationError(
            f"Give the {what}'s name only, like smtp.example.com (no scheme, user or path)."
        )
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(value.removeprefix("[").removesuffix("]")))
    if ":" in value:
        raise ValidationError(
            f"Give the {what}'s name without a port, like smtp.example.com; "
            "the port is a setting of its own."
        )
    try:
        ascii_name = value.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_name = ""
    labels = ascii_name.split(".")
    if not ascii_name or len(ascii_name) > 253 or not all(map(_HOST_LABEL_RE.match, labels)):
        raise ValidationError(f"'{text.strip()}' is not a valid {what} name.")
    return ascii_name


MAX_ALIASES = 20


def check_aliases(text: str) -> tuple[str, ...]:
    """Email addresses separated by commas, semicolons or spaces, each checked, each once."""
    found: dict[str, str] = {}
    for word in check_text(text, "other addresses", limit=6000).replace(";", ",").split(","):
        for address in word.split():
            found.setdefault(address.lower(), check_email(address))
    if len(found) > MAX_ALIASES:
        raise ValidationError(f"Give at most {MAX_ALIASES} other addresses.")
    return tuple(found.values())


def parse_port(text: str, what: str = "SMTP port") -> int:
    """A TCP port from 1 to 65535; '' gives 0 (the usual port)."""
    value = text.strip()
    if not value:
        return 0
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 65535:
        raise ValidationError(f"The {what} '{value}' is not a number from 1 to 65535.")
    return int(value)


def _attr(key: str) -> str:
    attr = key.strip().lower().replace("-", "_")
    if attr not in {f.name for f in fields(Settings)}:
        raise ValidationError(
            f"'{key}' is not a setting; the settings are: {', '.join(Settings.names())}."
        )
    return attr

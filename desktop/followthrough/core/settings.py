"""The user's settings: where they live, when they work, who they are."""

from __future__ import annotations

import contextlib
import locale
import os
import re
from dataclasses import dataclass, fields, replace
from datetime import time
from functools import cache
from typing import Any

from followthrough.core.model import ValidationError, check_email, check_phone, check_text, zone


@cache
def supported_countries() -> dict[str, list[str]]:
    """Country code -> subdivision codes, as the `holidays` package knows them."""
    import holidays

    return {code: list(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


def system_country() -> str:
    """The country of the system locale (en_ZA -> ZA), or '' when the locale names none."""
    candidates = [os.environ.get(var, "") for var in ("LC_ALL", "LC_TIME", "LANG")]
    with contextlib.suppress(ValueError):
        candidates.append(locale.getlocale()[0] or "")
    for name in candidates:
        match = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", name)
        if match and match.group(1).upper() in supported_countries():
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
    playbook: str = "standard"
    my_name: str = ""
    my_email: str = ""
    my_phone: str = ""
    optional_steps: bool = True

    @staticmethod
    def names() -> list[str]:
        return [f.name.replace("_", "-") for f in fields(Settings)]

    @classmethod
    def system_defaults(cls) -> Settings:
        return cls(country=system_country(), timezone=system_timezone())

    def get(self, key: str) -> str:
        value = getattr(self, _attr(key))
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    def with_value(self, key: str, text: str) -> Settings:
        """A copy with `key` set from its text form, validated."""
        attr = _attr(key)
        value: object
        if attr == "country":
            value = text.strip().upper()
            if value and value not in supported_countries():
                raise ValidationError(
                    f"'{text}' is not a country code the holiday calendar knows (like US, ZA, DE)."
                )
            updated = replace(self, country=str(value))
            if updated.subdivision and updated.subdivision not in supported_countries().get(
                str(value), []
            ):
                updated = replace(updated, subdivision="")
            return updated
        if attr == "subdivision":
            value = text.strip().upper()
            if value:
                if not self.country:
                    raise ValidationError("Set the country before its region (subdivision).")
                known = supported_countries()[self.country]
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
        elif attr in ("work_start", "work_end"):
            value = parse_clock(text, key)
        elif attr == "my_email":
            value = check_email(text)
        elif attr == "my_phone":
            value = check_phone(text)
        elif attr == "optional_steps":
            lowered = text.strip().lower()
            if lowered not in ("yes", "no", "true", "false", "on", "off", "1", "0"):
                raise ValidationError(f"'{text}' is not yes or no.")
            value = lowered in ("yes", "true", "on", "1")
        elif attr == "playbook":
            value = check_text(text, "playbook name", required=True, limit=100).lower()
        else:
            value = check_text(text, key.replace("-", " "), limit=200)
        changes: dict[str, Any] = {attr: value}
        return replace(self, **changes).validated()

    def validated(self) -> Settings:
        zone(self.timezone)
        if self.work_end <= self.work_start:
            raise ValidationError("The working day must end after it starts.")
        if (self.work_end.hour * 60 + self.work_end.minute) - (
            self.work_start.hour * 60 + self.work_start.minute
        ) < 60:
            raise ValidationError("The working day must be at least one hour long.")
        return self


def _attr(key: str) -> str:
    attr = key.strip().lower().replace("-", "_")
    if attr not in {f.name for f in fields(Settings)}:
        raise ValidationError(
            f"'{key}' is not a setting; the settings are: {', '.join(Settings.names())}."
        )
    return attr

"""What the app is asked to open from outside: a `followthrough://` link or an `.ics` file.

A second launch (`followthrough LINK-OR-FILE`, a calendar's link, a file manager's "open with")
hands its arguments to the running window, which reads each one here. No Qt: every rule is
testable without a window. Reading a link only says what it asks for; a link never sends
anything by itself, it can at most open the editor of a step or import a file the user chose.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from followthrough.core.text import is_control, shown
from followthrough.ical.mapping import COMPOSE_SCHEME, parse_uid

MAX_LENGTH = 2000
SCHEME = COMPOSE_SCHEME.split(":", 1)[0]  # "followthrough"
COMPOSE_ACTION = COMPOSE_SCHEME.split("://", 1)[1].strip("/")  # "compose"
# A URL scheme has two or more characters; "C:" is a Windows drive, not a scheme.
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")


class LinkError(ValueError):
    """A link or path the app cannot open; the message is one sentence for the user."""


@dataclass(frozen=True)
class ComposeRequest:
    """Open the message editor for one follow-up step."""

    uid: str

    @property
    def step_id(self) -> str:
        """The store's id of the step: "<interview id>.<key>"."""
        parsed = parse_uid(self.uid)
        if parsed is None:  # pragma: no cover - parse_link only makes valid ones
            raise LinkError(f"{self.uid} is not a Followthrough follow-up.")
        return f"{parsed[0]}.{parsed[1]}"


@dataclass(frozen=True)
class ImportRequest:
    """Import one iCalendar file (an invitation or a Followthrough export)."""

    path: Path


Request = ComposeRequest | ImportRequest




def _check_text(text: str, what: str) -> None:
    if any(is_control(c) for c in text):
        raise LinkError(f"{what} contains control characters, so it was not opened.")


def parse_link(text: str) -> Request:
    """What a link or path asks the app to open; LinkError for anything else.

    Accepted: `followthrough://compose/<UID>` for one of our step UIDs (an `@` may come
    percent-encoded as `%40`; a trailing slash is tolerated), a local `.ics` path, or a
    `file://` URL to one.
    """
    if not isinstance(text, str):
        raise LinkError("The app was asked to open something that is not text.")
    if len(text) > MAX_LENGTH:
        raise LinkError(
            f"The link is {len(text)} characters long; the app opens links and paths of at most "
            f"{MAX_LENGTH}."
        )
    text = text.strip(" \t\r\n")
    if not text:
        raise LinkError("The app was asked to open an empty link.")
    _check_text(text, "The link or path")
    scheme = _SCHEME_RE.match(text)
    if scheme is None:
        return _import_request(text, Path(text).expanduser())
    name = scheme.group(1).lower()
    if name == SCHEME:
        return _compose_request(text)
    if name == "file":
        return _file_request(text)
    raise LinkError(
        f"The app cannot open {name}: links; it opens {COMPOSE_SCHEME}... links and .ics files."
    )


def _split(text: str) -> SplitResult:
    try:
        return urlsplit(text)
    except ValueError:
        raise LinkError(f"“{shown(text)}” is not a well-formed link.") from None


def _compose_request(text: str) -> ComposeRequest:
    parts = _split(text)
    if not text[len(SCHEME) + 1 :].startswith("//"):
        raise LinkError(f"“{shown(text)}” is not a Followthrough link ({COMPOSE_SCHEME}...).")
    action = parts.netloc.lower()
    if action != COMPOSE_ACTION:
        what = f"“{shown(parts.netloc)}”" if parts.netloc else "nothing"
        raise LinkError(
            f"This Followthrough link asks for {what}, which the app does not do; "
            f"it only opens follow-ups ({COMPOSE_SCHEME}...)."
        )
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise LinkError(
            "This Followthrough link carries extra parts after the follow-up (? or #), "
            "so it was not opened."
        )
    raw = parts.path[1:] if parts.path.startswith("/") else parts.path
    if raw.endswith("/"):
        raw = raw[:-1]
    if not raw:
        raise LinkError("This Followthrough link names no follow-up.")
    try:
        uid = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise LinkError("This Followthrough link is not readable text (bad %-encoding).") from None
    _check_text(uid, "This Followthrough link")
    if uid != uid.strip() or "/" in uid or not uid.isascii():
        raise LinkError(f"“{shown(uid)}” is not a Followthrough follow-up.")
    parsed = parse_uid(uid)
    if parsed is None:
        raise LinkError(f"“{shown(uid)}” is not a Followthrough follow-up.")
    if not parsed[1]:
        raise LinkError(
            "This link points to an interview, not to one of its follow-ups, so there is no "
            "message to write."
        )
    return ComposeRequest(uid)


def _file_request(text: str) -> ImportRequest:
    parts = _split(text)
    if parts.query or parts.fragment:
        raise LinkError("This file link carries extra parts (? or #), so it was not opened.")
    if parts.netloc.lower() not in ("", "localhost"):
        raise LinkError(
            f"This file link points to another computer ({shown(parts.netloc)}); "
            "copy the file here first."
        )
    try:
        decoded = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        raise LinkError("This file link is not readable text (bad %-encoding).") from None
    _check_text(decoded, "This file link")
    if not decoded.startswith("/"):
        raise LinkError("This file link has no full path (file:///folder/file.ics).")
    if sys.platform == "win32":  # pragma: no cover - Windows only
        from urllib.request import url2pathname

        decoded = url2pathname(parts.path)
    return _import_request(text, Path(decoded))


def _import_request(text: str, path: Path) -> ImportRequest:
    if path.suffix.lower() != ".ics":
        raise LinkError(
            f"“{shown(text)}” is neither a Followthrough link nor an .ics file; "
            "the app only opens those."
        )
    return ImportRequest(path)


def absolute_item(text: str, cwd: str | None = None) -> str:
    """The text with a relative `.ics` path made absolute; anything else unchanged.

    A second launch hands its arguments to a window that runs in another folder, so a path
    like `invitation.ics` must be resolved where the user typed it.
    """
    try:
        request = parse_link(text)
    except LinkError:
        return text
    if isinstance(request, ImportRequest) and not request.path.is_absolute():
        if _SCHEME_RE.match(text.strip()):
            return text
        return os.path.join(cwd if cwd is not None else os.getcwd(), str(request.path))
    return text

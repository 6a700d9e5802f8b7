"""Writing the user's files: whole or not at all.

Used by every layer that writes a file the user named (exports, the feed, .eml drafts), so it
sits below them all and imports nothing of the app but the error type.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from followthrough.core.model import ValidationError


class FileWriteError(ValidationError):
    """The file could not be written; nothing was replaced."""


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new, never half."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise FileWriteError(f"Cannot write {path}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise FileWriteError(f"Cannot write {path}: {error.strerror}.") from None
    if hasattr(os, "O_DIRECTORY"):
        directory = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

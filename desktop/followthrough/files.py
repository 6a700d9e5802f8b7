"""Reading and writing the user's files: bounded reads, and writes that are whole or nothing.

Used by every layer that reads or writes a file the user named (imports, exports, the feed,
.eml drafts), so it sits below them all and imports nothing of the app but the error type.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from glob import escape as glob_escape
from pathlib import Path

from followthrough.core.model import ValidationError


class FileWriteError(ValidationError):
    """The file could not be written; nothing was replaced."""


class FileReadError(ValidationError):
    """The file cannot be read, is not a regular file, or is too large; the message says which."""


STALE_AFTER = 600.0  # seconds after which a leftover temporary file of ours is swept away
_READ_CHUNK = 1 << 20


def megabytes(size: int) -> str:
    """A size for a message, in whole MB of 1,048,576 bytes: "12 MB"."""
    return f"{size / 1_048_576:.0f} MB"


def size_over(size: int, limit: int) -> str:
    """How big `size` (over `limit`) is, for a message: "12 MB", or "over 10 MB" when it would
    read as the limit itself ("is 10 MB; ... must be under 10 MB" says nothing)."""
    shown = megabytes(size)
    return f"over {shown}" if shown == megabytes(limit) else shown


def read_capped(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    Devices, pipes, sockets and folders are refused without reading (a link to /dev/zero would
    never end, a pipe would block), and the limit holds for the bytes actually read, whatever
    size the file claims. `what` names the file for the message: "an iCalendar file to import".
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        raise FileReadError(f"{path} cannot be read: {error.strerror}.") from None
    too_large = f"{what} must be under {megabytes(limit)}"
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(
                f"{path} is not a regular file (a folder, device or pipe); choose {what}."
            )
        if info.st_size > limit:
            raise FileReadError(f"{path} is {size_over(info.st_size, limit)}; {too_large}.")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(handle, min(_READ_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileReadError(f"{path} is over {megabytes(limit)}; {too_large}.")
    except OSError as error:
        raise FileReadError(f"{path} cannot be read: {error.strerror}.") from None
    finally:
        os.close(handle)
    return b"".join(chunks)


def _sweep(folder: Path, name: str) -> None:
    """Remove temporary files an interrupted write of `name` left behind (kill -9, power loss)."""
    now = time.time()
    for leftover in folder.glob(f".{glob_escape(name)}.*.tmp"):
        try:
            info = leftover.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER:
                leftover.unlink()
        except OSError:
            continue  # gone already, or not ours to remove


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new, never half.

    The new file is readable by its owner only (0600). Something there that is not a regular
    file (a device, a pipe, a folder) is never replaced; temporary files that an interrupted
    write left beside `path` are removed.
    """
    path = path.expanduser()
    if path.is_symlink():  # write where the link points, and keep the link
        path = path.resolve()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if path.exists() and not path.is_file():
            raise FileWriteError(
                f"Cannot write {path}: it is not a regular file (a folder, device or pipe); "
                "choose a file name."
            )
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder, path.name)
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

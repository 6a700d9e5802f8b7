"""Reading and writing the user's files: bounded, regular files only, whole or nothing."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from followthrough.files import (
    STALE_AFTER,
    FileReadError,
    FileWriteError,
    read_capped,
    write_atomically,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.ics"
    path.write_bytes(b"x" * 1000)
    assert read_capped(path, 1000, "a file") == b"x" * 1000
    with pytest.raises(FileReadError, match="a file must be under"):
        read_capped(path, 999, "a file")


@posix_only
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FileReadError, match="not a regular file"):
        read_capped(fifo, 1000, "an iCalendar file to import")
    assert time.monotonic() - started < 5


@posix_only
def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.ics"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileReadError, match="not a regular file"):
        read_capped(link, 1000, "an iCalendar file to import")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileReadError, match=r"not a regular file|cannot be read"):
        read_capped(tmp_path, 1000, "an iCalendar file to import")


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs Linux's /proc")
def test_the_limit_counts_the_bytes_read_not_the_size_claimed() -> None:
    # /proc files claim a size of 0 and hold much more.
    assert Path("/proc/self/maps").stat().st_size == 0
    with pytest.raises(FileReadError, match="is over"):
        read_capped(Path("/proc/self/maps"), 16, "a file")


def test_a_write_is_private_and_whole(tmp_path: Path) -> None:
    target = tmp_path / "out" / "export.ics"
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["export.ics"]


@posix_only
def test_a_fifo_or_folder_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    with pytest.raises(FileWriteError, match="not a regular file"):
        write_atomically(fifo, b"data")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    with pytest.raises(FileWriteError, match="not a regular file"):
        write_atomically(folder, b"data")
    assert folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.ics", "pipe.ics"]


@posix_only
def test_a_link_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.ics"
    real.write_bytes(b"old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_leftovers_of_an_interrupted_write_are_swept(tmp_path: Path) -> None:
    target = tmp_path / "export.ics"
    stale = tmp_path / ".export.ics.abc123xy.tmp"
    stale.write_bytes(b"half")
    old = time.time() - STALE_AFTER - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / ".export.ics.zzz999zz.tmp"  # another writer's, still at work
    fresh.write_bytes(b"busy")
    other = tmp_path / ".other.ics.abc123xy.tmp"
    other.write_bytes(b"not ours to judge")
    os.utime(other, (old, old))
    write_atomically(target, b"whole")
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    assert target.read_bytes() == b"whole"

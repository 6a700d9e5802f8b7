"""A damaged store: one sentence and an offer to put the backup copy back; never a traceback,
never a silently empty store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from old_store import downgrade

import followthrough.store.schema as schema
from followthrough.core.model import Interview, Interviewer
from followthrough.store import DB_NAME, StoreError, open_store
from followthrough.store.backups import StoreDamaged, newest_backup, restore_backup


def _interview(company: str) -> Interview:
    start = datetime(2026, 11, 23, 12, tzinfo=UTC)
    return Interview(
        id="", company=company, role="Engineer", interviewers=(Interviewer(name="Ana"),),
        start=start, end=start + timedelta(hours=1), tz="Europe/Paris",
    )


@pytest.fixture
def with_backup(tmp_path: Path) -> Path:
    """A data folder whose store was upgraded once (so a backup copy is beside it), holding
    Acme (in the copy and the store) and Globex (in the store only)."""
    folder = tmp_path / "data"
    old, _warnings = open_store(folder)
    old.add_interview(_interview("Acme"))
    downgrade(old.conn, len(schema.MIGRATIONS) - 1)  # as the release before left it
    old.close()
    store, _warnings = open_store(folder)
    store.add_interview(_interview("Globex"))
    store.close()
    assert newest_backup(folder / DB_NAME) is not None
    return folder


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FOLLOWTHROUGH_DATA_DIR": str(folder)}
    return subprocess.run([sys.executable, "-m", "followthrough", *args], env=env, text=True,
                          capture_output=True, timeout=60, check=False)


def test_an_emptied_store_with_a_backup_is_damage_not_a_new_store(with_backup: Path) -> None:
    (with_backup / DB_NAME).write_bytes(b"")
    with pytest.raises(StoreDamaged) as caught:
        open_store(with_backup)
    assert "is empty (0 bytes)" in str(caught.value)
    assert "'followthrough restore-backup' puts it back" in str(caught.value)
    assert (with_backup / DB_NAME).stat().st_size == 0  # nothing was made in its place


def test_a_missing_table_is_named(with_backup: Path) -> None:
    raw = sqlite3.connect(with_backup / DB_NAME)
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("DROP TABLE steps")
    raw.commit()
    raw.close()
    with pytest.raises(StoreDamaged, match="has lost its table steps; a backup copy from"):
        open_store(with_backup)


def test_no_backup_says_what_to_do_instead(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(StoreDamaged, match="there is no backup copy beside it") as caught:
        open_store(tmp_path)
    assert caught.value.backup is None
    with pytest.raises(StoreError, match="no backup copy"):
        restore_backup(tmp_path)


def test_the_command_line_offers_the_backup_and_puts_it_back(with_backup: Path) -> None:
    damaged_bytes = b"not a database at all " * 200
    (with_backup / DB_NAME).write_bytes(damaged_bytes)
    refused = _cli(with_backup, "interview", "list")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "cannot be opened" in refused.stderr and "restore-backup" in refused.stderr
    restored = _cli(with_backup, "restore-backup")
    assert restored.returncode == 0, restored.stderr
    assert "the file it replaced is kept as" in restored.stdout
    listing = _cli(with_backup, "interview", "list")
    assert listing.returncode == 0 and "Acme" in listing.stdout  # the copy's data is back
    kept = list(with_backup.glob(f"{DB_NAME}.damaged-*"))
    assert [p.read_bytes() for p in kept] == [damaged_bytes]  # and nothing was lost


def test_a_page_damaged_while_in_use_is_a_sentence(with_backup: Path) -> None:
    store, _ = open_store(with_backup)
    for n in range(300):
        store.add_interview(_interview(f"Company {n}"))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = with_backup / DB_NAME
    raw = sqlite3.connect(path)
    try:  # the pages of the schema itself (opening reads them), which the damage spares
        schema_pages = {n for (n,) in raw.execute(
            "SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'"
        )}  # fmt: skip
    finally:
        raw.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(3 * page, len(data) - page, 7 * page):
        if start // page + 1 not in schema_pages:
            data[start : start + page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    result = _cli(with_backup, "plan", "--all")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert "is damaged (database disk image is malformed)" in result.stderr
    assert "restore-backup" in result.stderr


def test_the_window_offers_the_backup(with_backup: Path, monkeypatch: pytest.MonkeyPatch,
                                      qapp: object) -> None:
    from PySide6.QtWidgets import QMessageBox

    from followthrough.ui.app import _offer_backup

    (with_backup / DB_NAME).write_bytes(b"")
    with pytest.raises(StoreDamaged) as caught:
        open_store(with_backup)
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def question(*args: object) -> QMessageBox.StandardButton:
            asked.append(str(args[2]))
            return button
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert _offer_backup(caught.value, with_backup) is None
    assert (with_backup / DB_NAME).stat().st_size == 0  # no: nothing touched
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    opened = _offer_backup(caught.value, with_backup)
    assert opened is not None
    store, _warnings = opened
    try:
        assert [iv.company for iv in store.interviews()] == ["Acme"]
    finally:
        store.close()
    assert "Put the backup copy back now?" in asked[0] and "is empty" in asked[0]


@pytest.mark.parametrize("data", ['{"company": 1}', '[]', '{"id": "x", "tz": "Nowhere/Else"}'])
def test_a_row_that_cannot_be_read_is_a_sentence(with_backup: Path, data: str) -> None:
    raw = sqlite3.connect(with_backup / DB_NAME)
    raw.execute("UPDATE interviews SET data = ?", (data,))
    raw.commit()
    raw.close()
    store, _ = open_store(with_backup)
    try:
        with pytest.raises(StoreDamaged, match="holds an interview that cannot be read"):
            store.interviews()
    finally:
        store.close()
    result = _cli(with_backup, "interview", "list")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "holds an interview that cannot be read" in result.stderr
    assert "restore-backup" in result.stderr
    export = _cli(with_backup, "export", str(with_backup / "out.ics"))
    assert export.returncode == 1 and "Traceback" not in export.stderr, export.stderr

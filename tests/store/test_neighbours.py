"""Several processes on one data folder, and other users of the computer.

Commands, windows and syncs may save at the same moment: each waits for the other's short
transaction, and a wait that runs out is one sentence with nothing changed. The folder and the
database are the user's alone.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar, Event

import followthrough.store.waiting as waiting
from followthrough.core.model import Interview, Interviewer
from followthrough.store import DB_NAME, open_store
from followthrough.store.records import BUSY_MESSAGE, StoreBusy

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
WRITERS = 20
INVITATIONS = 2000


def _interview(company: str) -> Interview:
    start = datetime(2026, 11, 23, 12, tzinfo=UTC)
    return Interview(
        id="", company=company, role="Engineer",
        interviewers=(Interviewer(name="Ana Diaz", email="ana@acme.example"),),
        start=start, end=start + timedelta(hours=1), tz="Africa/Johannesburg",
    )


def _invitations(path: Path, count: int) -> None:
    calendar = Calendar()
    calendar.add("PRODID", "-//Test//Invitations//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "REQUEST")
    for i in range(count):
        event = Event()
        event.add("UID", f"invitation-{i}@example.com")
        event.add("SUMMARY", f"Interview with Company{i} - Engineer")
        start = datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(hours=i)
        event.add("DTSTART", start)
        event.add("DTEND", start + timedelta(hours=1))
        event.add("ORGANIZER", f"mailto:hr@company{i}.example", parameters={"CN": "Hiring"})
        calendar.add_component(event)
    path.write_bytes(calendar.to_ical())


def _command(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "FOLLOWTHROUGH_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "followthrough", *args], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def test_twenty_writers_and_an_import_all_succeed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store, _ = open_store(data_dir)
    try:
        store.set_setting("timezone", "Africa/Johannesburg")
        ids = [store.add_interview(_interview(f"Company {n}")).id for n in range(WRITERS)]
        first_steps = [store.steps(i)[0].step.id for i in ids]
    finally:
        store.close()
    invitations = tmp_path / "many.ics"
    _invitations(invitations, INVITATIONS)

    importer = _command(data_dir, "import", str(invitations))
    writers = [_command(data_dir, "step", "done", step, "--how", "email") for step in first_steps]
    for process in [importer, *writers]:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "Traceback" not in err, err

    store, _ = open_store(data_dir)
    try:
        assert all(store.step(step).step.status.value == "done" for step in first_steps)
        assert len(store.interviews()) == WRITERS + INVITATIONS
    finally:
        store.close()


def test_a_wait_that_runs_out_is_one_sentence_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "BUSY_WAIT", 0.2)
    store, _ = open_store(tmp_path)
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process in the middle of saving
        with pytest.raises(StoreBusy) as caught:
            store.add_interview(_interview("Acme"))
        assert str(caught.value) == BUSY_MESSAGE
        holder.execute("ROLLBACK")
        assert store.interviews() == []
        store.add_interview(_interview("Acme"))  # and once it is done, saving works again
        assert len(store.interviews()) == 1
    finally:
        holder.close()
        store.close()


def _keep_saving(
    path: Path, seconds: float, each: float, stop: threading.Event, saved: list[int]
) -> None:
    """Another process saving in a run of transactions of `each` seconds, back to back."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)")
        holder.execute("BEGIN IMMEDIATE")
        end, n = time.monotonic() + seconds, 0
        while time.monotonic() < end and not stop.is_set():
            holder.execute("INSERT INTO scratch VALUES (?)", (n,))
            time.sleep(each)
            n += 1
            holder.executescript("BEGIN IMMEDIATE")  # commits first: no pause between the two
            saved.append(n)
        holder.execute("COMMIT")
    finally:
        holder.close()


def test_a_change_waits_as_long_as_another_process_keeps_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slow computers: an import's batches may add up to more than BUSY_WAIT; a change beside
    them waits for its turn instead of failing, since each batch shows the other is working."""
    monkeypatch.setattr(waiting, "BUSY_WAIT", 0.5)
    store, _ = open_store(tmp_path)
    stop, saved = threading.Event(), list[int]()
    saver = threading.Thread(
        target=_keep_saving, args=(tmp_path / DB_NAME, 2.0, 0.05, stop, saved)
    )
    try:
        saver.start()
        time.sleep(0.2)
        started = time.monotonic()
        store.add_interview(_interview("Acme"))  # StoreBusy after 0.5 s before the fix
        assert len(store.interviews()) == 1
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        saver.join()
        store.close()
    assert len(saved) > 10  # the other process did save all along


def test_a_wait_gives_up_after_the_longest_wait_however_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "BUSY_WAIT", 30.0)
    monkeypatch.setattr(waiting, "BUSY_LONGEST", 0.3)
    store, _ = open_store(tmp_path)
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(StoreBusy):
            store.add_interview(_interview("Acme"))
        assert 0.3 <= time.monotonic() - started < 10
        holder.execute("ROLLBACK")
        assert store.interviews() == []
    finally:
        holder.close()
        store.close()


def test_the_command_line_says_the_sentence(tmp_path: Path) -> None:
    open_store(tmp_path)[0].close()
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    env = {**os.environ, "FOLLOWTHROUGH_DATA_DIR": str(tmp_path)}
    script = (
        "import followthrough.store.waiting as waiting, sys\n"
        "waiting.BUSY_WAIT = 0.2\n"
        "from followthrough.cli import main\n"
        "sys.exit(main(['config', 'set', 'timezone', 'Europe/Paris']))\n"
    )
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                text=True, timeout=60, check=False)
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.stderr == f"followthrough: {BUSY_MESSAGE}\n"


@posix_only
def test_the_data_is_the_users_alone(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"
    store, _ = open_store(data_dir)
    try:
        store.add_interview(_interview("Acme"))
        files = [p for p in data_dir.iterdir() if p.name.startswith(DB_NAME)]
        assert {p.name for p in files} >= {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"}
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        store.close()


@posix_only
def test_an_open_folder_from_an_earlier_version_is_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    open_store(data_dir)[0].close()
    data_dir.chmod(0o755)
    (data_dir / DB_NAME).chmod(0o644)
    open_store(data_dir)[0].close()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / DB_NAME).stat().st_mode) == 0o600


def test_a_large_import_saves_in_short_transactions(tmp_path: Path) -> None:
    """Each transaction of an import holds at most MERGE_BATCH interviews, so other writers
    wait a fraction of a second however large the file; a small file stays one transaction."""
    from followthrough.ical.ics_import import import_file
    from followthrough.store.merge import MERGE_BATCH

    store, _ = open_store(tmp_path / "data")
    begun: list[str] = []
    store.conn.set_trace_callback(
        lambda statement: begun.append(statement) if statement == "BEGIN IMMEDIATE" else None
    )
    try:
        small = tmp_path / "small.ics"
        _invitations(small, MERGE_BATCH)
        import_file(store, small)
        assert len(begun) == 1  # all or nothing
        begun.clear()
        large = tmp_path / "large.ics"
        _invitations(large, 2 * MERGE_BATCH + 10)
        report = import_file(store, large)
        assert len(begun) == 3
        assert len(report.added) == MERGE_BATCH + 10 and len(report.unchanged) == MERGE_BATCH
        begun.clear()
        again = import_file(store, large)  # importing it again (after a crash, say) is harmless
        assert len(again.unchanged) == 2 * MERGE_BATCH + 10
        assert len(store.interviews()) == 2 * MERGE_BATCH + 10
    finally:
        store.close()

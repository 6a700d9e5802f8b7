"""A seeded mutation loop over one of our own exports: whatever a file becomes, importing it
gives no traceback (only IcsImportError or ValidationError, one short line), leaves the store
as it was when refused, and, when accepted, leaves a store that exports and re-imports.

The seed and the number of cases can be changed with FOLLOWTHROUGH_FUZZ_SEED and
FOLLOWTHROUGH_FUZZ_CASES; a failure names the seed, the case and the mutations, and writes
the file it was given next to the test's temporary folder.
"""

from __future__ import annotations

import os
import random
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer, ValidationError
from followthrough.core.text import is_control
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import IcsImportError, import_file
from followthrough.store import Store

SEED = int(os.environ.get("FOLLOWTHROUGH_FUZZ_SEED", "20261202"))
CASES = int(os.environ.get("FOLLOWTHROUGH_FUZZ_CASES", "300"))
AWKWARD = [
    b"00000101T000000Z", b"00010101T000000", b"99991231T235959Z", b"99991231", b"P99999999D",
    b"-P1D", b"PT0S", b"9" * 30, b"-1", b"0", b"2147483648", b'{"name": 5}', b"[1, 2]", b"null",
    b'{"', b'{"id": 12, "kind": "reply", "at": "9999-12-31T23:59:59+00:00"}', b"[" * 3000,
    b"\x1b]0;pwned\x07", b"\x00", b"\x07", b"\r", b"\n", b"\n ", b"\xe2\x80\xae", b"\xff\xfe",
    b"\xed\xa0\x80", b'"', b";", b":", b",", b"\\", b"", b"x" * 2000, b"TZID=Mars/Base:",
    b"Europe/Paris", b"UTC", b"VALUE=DATE:", b"BEGIN:VEVENT", b"END:VCALENDAR",
]
Opener = Callable[[Path], Store]


def _source(open_at: Opener, folder: Path, sample: Callable[..., Interview]) -> bytes:
    """An export of three interviews in three zones, with histories and a decision date."""
    store = open_at(folder)
    first = store.add_interview(sample(notes="Asked about: streaming, SLAs; next\\steps"))
    store.record(first.id, Activity(ActivityKind.REPLY, first.end + timedelta(days=2),
                                    note="They will call"))
    ny = ZoneInfo("America/New_York")
    second = store.add_interview(sample(
        company="Globex", role="SRE", tz="America/New_York",
        start=first.start.astimezone(ny) + timedelta(days=3),
        end=first.end.astimezone(ny) + timedelta(days=3),
        interviewers=(Interviewer(name="Cy Young", email="cy@globex.example", key="p1"),),
        decision_date=(first.end + timedelta(days=20)).date(),
    ))
    steps = store.steps(second.id)
    store.record(second.id, Activity(ActivityKind.DONE, second.end + timedelta(days=1),
                                     step=steps[0].step.key, how="email"))
    store.add_interview(sample(company="Initech", role="Analyst", tz="Asia/Kolkata",
                               start=first.start.astimezone(ZoneInfo("Asia/Kolkata")),
                               end=first.end.astimezone(ZoneInfo("Asia/Kolkata"))))
    return Exporter(store).ics()


def _mutated(lines: list[bytes], rng: random.Random) -> tuple[bytes, list[str]]:
    """The file with one to three mutations, and what they were (for a failure's message)."""
    out = list(lines)
    done: list[str] = []
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(out))
        other = rng.randrange(len(out))
        value = rng.choice(AWKWARD)
        op = rng.choice(("delete", "double", "copy", "swap", "truncate", "value", "insert",
                         "byte"))
        line = out[at]
        colon = line.find(b":")
        if op == "delete":
            del out[at]
        elif op == "double":  # the same property twice in a row
            out.insert(at, line)
        elif op == "copy":  # a line of another event (or of the calendar) here
            out.insert(at, out[other])
        elif op == "swap":
            out[at], out[other] = out[other], line
        elif op == "truncate":
            out = [*out[:at], line[: rng.randrange(len(line) + 1)]]
        elif op == "value" and colon >= 0:
            out[at] = line[: colon + 1] + value
        elif op == "insert":
            cut = rng.randrange(len(line) + 1)
            out[at] = line[:cut] + value + line[cut:]
        else:
            flipped = bytearray(line or b"x")
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            out[at] = bytes(flipped)
            op = "byte"
        done.append(f"{op} at line {at + 1}" + (f" with {value[:20]!r}" if op in (
            "value", "insert") else ""))
        if not out:
            out = [b""]
    return b"\r\n".join(out), done


def _reimports(open_at: Opener, folder: Path, store: Store, path: Path) -> None:
    """The store an accepted file left exports, and the export imports into a new store and
    into the same store again."""
    folder.mkdir()
    exported = folder / "again.ics"
    exported.write_bytes(Exporter(store).ics())
    import_file(open_at(folder / "fresh"), exported)
    import_file(store, exported)


def test_mutated_exports_never_escape_as_tracebacks(  # type: ignore[no-untyped-def]
    open_at: Opener, tmp_path: Path, sample
) -> None:
    lines = _source(open_at, tmp_path / "source", sample).split(b"\r\n")
    rng = random.Random(SEED)
    target: Store | None = None
    before: list[str] = []
    accepted = refused = 0
    for case in range(CASES):
        if target is None:
            target = open_at(tmp_path / f"target{case}")
            before = list(target.conn.iterdump())
        data, mutations = _mutated(lines, rng)
        path = tmp_path / "case.ics"
        path.write_bytes(data)
        where = f"seed {SEED}, case {case}: {'; '.join(mutations)}"
        try:
            try:
                import_file(target, path)
            except (IcsImportError, ValidationError) as error:
                refused += 1
                message = str(error)
                assert not any(is_control(c) for c in message), message
                assert len(message) < len(str(path)) + 400, message
                assert list(target.conn.iterdump()) == before, "the store changed"
                continue
            accepted += 1
            _reimports(open_at, tmp_path / f"accepted{case}", target, path)
            target = None  # it holds what the file added: the next case starts afresh
        except BaseException:
            kept = tmp_path.parent / f"fuzz-seed{SEED}-case{case}.ics"
            kept.write_bytes(data)
            pytest.fail(f"{where} (the file is {kept}):\n{traceback.format_exc()}")
    # The loop tries both ways: many mutations are refused, and many still import.
    assert accepted > CASES // 10 and refused > CASES // 10, (accepted, refused)

"""Files that used to escape as tracebacks, or be read wrongly: each is one sentence naming the
file and the line, and nothing is stored; or, where the file is fine, it is read as meant.

Year 9999 and huge durations (OverflowError), X-FOLLOWTHROUGH- JSON of the wrong types
(AttributeError, TypeError, RecursionError), a property an event has once given twice (a list
where one value was expected), a TZID too long to look up (OSError), CR-only line endings, one
physical line past the limit, and Ctrl-C in the middle of `followthrough import`.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from followthrough.core.model import Interview
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import MAX_LINE, IcsImportError, import_file
from followthrough.store import Store
from followthrough.store.merge import MERGE_BATCH

Opener = Callable[[Path], Store]

INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Employer//EN\r\nBEGIN:VEVENT\r\n"
    "UID:inv@example.com\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Interview with Acme\r\n"
    "DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\n{extra}END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def _exported(open_at: Opener, tmp_path: Path, sample: Callable[..., Interview]) -> str:
    source = open_at(tmp_path / "source")
    source.add_interview(sample())
    return Exporter(source).ics().decode()


def _refused(open_at: Opener, tmp_path: Path, text: str | bytes) -> str:
    """The one sentence a file gets, having checked that nothing was stored."""
    target = open_at(tmp_path / "target")
    path = tmp_path / "hostile.ics"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    before = list(target.conn.iterdump())
    with pytest.raises(IcsImportError) as caught:
        import_file(target, path)
    assert list(target.conn.iterdump()) == before
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "\n" not in message and "\r" not in message and "Traceback" not in message
    assert "[" not in message.replace(str(path), "")  # no Python list (or its repr) as data
    return message.replace(str(path), "FILE")


def _in_interview_event(text: str, line: str) -> str:
    """`text` with `line` added to the interview's own event (the first VEVENT)."""
    at = text.index("\r\nX-FOLLOWTHROUGH-KIND:interview\r\n") + 2
    return text[:at] + line + "\r\n" + text[at:]


def _line_number(text: str, needle: str, nth: int = 1) -> int:
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


# -- a property given twice ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["SEQUENCE", "DTEND", "DTSTART", "SUMMARY", "UID"])
def test_a_property_given_twice_in_an_invitation_is_one_sentence(
    open_at: Opener, tmp_path: Path, name: str
) -> None:
    values = {
        "SEQUENCE": "SEQUENCE:1\r\nSEQUENCE:3",
        "DTEND": "DTEND:20261201T110000Z",
        "DTSTART": "DTSTART:20261201T080000Z",
        "SUMMARY": "SUMMARY:Interview with Globex",
        "UID": "UID:other@example.com",
    }
    text = INVITATION.format(extra=values[name] + "\r\n")
    expected_line = _line_number(text, f"\n{name}", 2) + 1
    assert _refused(open_at, tmp_path, text) == (
        f"FILE, line {expected_line}: the event inv@example.com gives {name} more than once; "
        "an event has one."
    )


@pytest.mark.parametrize("name", ["SEQUENCE", "DTEND", "DTSTART", "SUMMARY", "UID"])
def test_a_property_given_twice_in_our_own_event_is_one_sentence(  # type: ignore[no-untyped-def]
    open_at: Opener, tmp_path: Path, sample, name: str
) -> None:
    text = _exported(open_at, tmp_path, sample)
    event = text.index("BEGIN:VEVENT")
    own = re.compile(rf"\r\n({name}[;:][^\r]*)\r\n")
    match = own.search(text, event)
    assert match is not None
    doubled = text[: match.end()] + match.group(1) + "\r\n" + text[match.end() :]
    message = _refused(open_at, tmp_path, doubled)
    assert re.fullmatch(
        rf"FILE, line \d+: the event followthrough-[0-9a-f]+@followthrough gives {name} more "
        r"than once; an event has one\.",
        message,
    )
    assert message.startswith(f"FILE, line {_line_number(doubled, match.group(1), 2)}:")


# -- numbers past what a date can hold --------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "replace", "words"),
    [
        ("", ("DTEND:20261201T100000Z", "DTEND:99991231T235959Z"), "end must be between the years"),
        ("", ("20261201T", "99991231T"), "start must be between the years"),
        ("DURATION:P99999999D\r\n", ("DTEND:20261201T100000Z\r\n", ""), "end time cannot be read"),
        ("DURATION:P9999999W\r\n", ("DTEND:20261201T100000Z\r\n", ""), "end time cannot be read"),
        ("", ("DTEND:20261201T100000Z", "DTEND;VALUE=DATE:20261202"), "ends on a day"),
    ],
    ids=["end-9999", "start-9999", "duration-days", "duration-weeks", "end-a-day"],
)
def test_an_invitation_out_of_range_is_one_sentence(
    open_at: Opener, tmp_path: Path, extra: str, replace: tuple[str, str], words: str
) -> None:
    text = INVITATION.format(extra=extra).replace(*replace)
    message = _refused(open_at, tmp_path, text)
    assert message.startswith("FILE has nothing to import: the event 'Interview with Acme': ")
    assert words in message and message.endswith(".") and not message.endswith("..")


def test_our_event_ending_in_year_9999_is_one_sentence(  # type: ignore[no-untyped-def]
    open_at: Opener, tmp_path: Path, sample
) -> None:
    text = re.sub(r"DTEND;TZID=Europe/Paris:\d{8}T\d{6}", "DTEND:99991231T235959Z",
                  _exported(open_at, tmp_path, sample), count=1)
    message = _refused(open_at, tmp_path, text)
    assert re.fullmatch(r"FILE, line \d+: The interview event \S+ cannot be read: .+\.", message)


def test_a_tzid_too_long_to_look_up_is_one_sentence(open_at: Opener, tmp_path: Path) -> None:
    text = INVITATION.format(extra="").replace(
        "DTSTART:20261201T090000Z", "DTSTART;TZID=" + "A" * 5000 + ":20261201T090000"
    )
    assert _refused(open_at, tmp_path, text) == (
        "FILE, line 8: the name of a time zone (TZID) is too long to look up."
    )


# -- JSON of the wrong types in our X- properties ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("5", "an interviewer is not a JSON object"),
        ("[1, 2]", "an interviewer is not a JSON object"),
        ("null", "an interviewer is not a JSON object"),
        ('"Ana"', "an interviewer is not a JSON object"),
        ('{"name": 5}', "an interviewer's name is not text"),
        ('{"name": "Ana", "email": 3}', "an interviewer's email is not text"),
        ('{"name": "Ana", "phone": [1]}', "an interviewer's phone is not text"),
        ('{"name": "Ana", "title": {}}', "an interviewer's title is not text"),
        ('{"name": "Ana", "key": 7}', "an interviewer's key is not text"),
        ('{"name": "Ana", "key": "P 1/.."}', "is not the key of an interviewer"),
        ("{}", "name cannot be empty"),
        ('{"name', "is not JSON"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_an_interviewer_of_the_wrong_type_is_one_sentence(  # type: ignore[no-untyped-def]
    open_at: Opener, tmp_path: Path, sample, value: str, words: str
) -> None:
    text = _exported(open_at, tmp_path, sample)
    text = re.sub(r"X-FOLLOWTHROUGH-INTERVIEWER:[^\r]*(?:\r\n [^\r]*)*",
                  lambda _: "X-FOLLOWTHROUGH-INTERVIEWER:" + value, text)
    message = _refused(open_at, tmp_path, text)
    assert re.fullmatch(r"FILE, line \d+: The interview event \S+ cannot be read: .+\.", message)
    assert words in message


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("X-FOLLOWTHROUGH-ROUND:" + "9" * 5000, "is not a whole number"),
        ("X-FOLLOWTHROUGH-ROUND:two", "is not a whole number"),
        ("X-FOLLOWTHROUGH-CHANNEL:" + "x" * 5000, "is not a channel"),
        ("X-FOLLOWTHROUGH-PACE:\\n\\nfaster", "is not a pace"),
        ("X-FOLLOWTHROUGH-DECISION-DATE:9999-12-31", "decision date must be between the years"),
        ("X-FOLLOWTHROUGH-DECISION-DATE:tomorrow", "is not a date"),
        ("X-FOLLOWTHROUGH-COUNTRY:Narnia", "is not an ISO 3166 country code"),
        ("X-FOLLOWTHROUGH-APPLICATION:" + "a" * 5000, "is not the id of an application"),
        ("X-FOLLOWTHROUGH-APPLICATION:../Acme Ltd", "is not the id of an application"),
    ],
    ids=[
        "round-huge", "round-word", "channel-long", "pace-lines", "decision-9999", "decision",
        "country", "application-long", "application-shape",
    ],
)
def test_another_x_property_out_of_shape_is_one_short_sentence(  # type: ignore[no-untyped-def]
    open_at: Opener, tmp_path: Path, sample, line: str, words: str
) -> None:
    text = _exported(open_at, tmp_path, sample)
    name = line.split(":")[0]
    text = re.sub(rf"\r\n{name}:[^\r]*", "", text)  # ours first: the file's own stays out
    message = _refused(open_at, tmp_path, _in_interview_event(text, line))
    assert words in message
    assert len(message) < 300


# -- line endings and lengths -----------------------------------------------------------------


def test_cr_only_line_endings_read_like_crlf(  # type: ignore[no-untyped-def]
    open_at: Opener, tmp_path: Path, sample
) -> None:
    text = _exported(open_at, tmp_path, sample)
    results = []
    for name, ending in (("crlf", "\r\n"), ("lf", "\n"), ("cr", "\r")):
        store = open_at(tmp_path / name)
        path = tmp_path / f"{name}.ics"
        path.write_bytes(text.replace("\r\n", ending).encode())
        (added,) = import_file(store, path).added
        results.append((added, [s.step for s in store.steps(added.id)]))
    assert results[0] == results[1] == results[2]


def test_a_cr_only_invitation_is_read(open_at: Opener, tmp_path: Path) -> None:
    store = open_at(tmp_path / "data")
    path = tmp_path / "cr.ics"
    path.write_bytes(INVITATION.format(extra="").replace("\r\n", "\r").encode())
    (added,) = import_file(store, path).added
    assert added.company == "Acme"


def test_a_cr_only_file_names_the_right_line(open_at: Opener, tmp_path: Path) -> None:
    text = INVITATION.format(extra="SUMMARY:again\r\n").replace("\r\n", "\r")
    assert _refused(open_at, tmp_path, text).startswith("FILE, line 10: ")


def test_one_physical_line_past_the_limit_is_refused(open_at: Opener, tmp_path: Path) -> None:
    text = INVITATION.format(extra="DESCRIPTION:" + "x" * MAX_LINE + "\r\n")
    assert _refused(open_at, tmp_path, text) == "FILE, line 10: a line is too long."


def test_a_line_at_the_limit_is_read(open_at: Opener, tmp_path: Path) -> None:
    store = open_at(tmp_path / "data")
    path = tmp_path / "long.ics"
    path.write_bytes(INVITATION.format(extra="LOCATION:" + "x" * (MAX_LINE - 9) + "\r\n").encode())
    (added,) = import_file(store, path).added
    assert added.company == "Acme"


# -- Ctrl-C ------------------------------------------------------------------------------------


def _many_invitations(count: int) -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:inv{n}@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
        f"SUMMARY:Interview with Company{n} - Engineer\r\n"
        f"DTSTART:202612{1 + n % 28:02d}T{8 + n % 9:02d}0000Z\r\n"
        f"DTEND:202612{1 + n % 28:02d}T{8 + n % 9:02d}4500Z\r\n"
        f"ORGANIZER;CN=Ana:mailto:ana@company{n}.example\r\nEND:VEVENT\r\n"
        for n in range(count)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Employer//EN\r\n{events}END:VCALENDAR\r\n"


def _writing(database: Path) -> bool:
    """Whether another connection holds the store's write lock (an import's transaction)."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_ctrl_c_during_import_stores_nothing_and_exits_130(
    open_at: Opener, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    store = open_at(data)
    database = store.path
    before = list(store.conn.iterdump())
    store.close()
    path = tmp_path / "many.ics"
    path.write_text(_many_invitations(MERGE_BATCH))  # one transaction: all or nothing
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "followthrough", "--data-dir", str(data), "import", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _writing(database):
            assert child.poll() is None, "the import ended before it was interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130
    assert out == ""
    assert err == (
        "followthrough: Interrupted (Ctrl-C); the change under way was not saved, so run the "
        "command again to finish it.\n"
    )
    after = sqlite3.connect(database)
    try:
        assert list(after.iterdump()) == before
    finally:
        after.close()

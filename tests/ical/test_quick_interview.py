"""The quick reader of interview events reads what the full reader reads, or leaves it to it
(a second computer's first sync reads every interview event: a third of its time was
icalendar parsing them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_quick import full as full_read
from test_roundtrip import ZONES, histories, interviews

from followthrough.core.model import Interview
from followthrough.ical.export import Exporter
from followthrough.ical.mapping import read_interview
from followthrough.ical.quick import quick_interview
from followthrough.store import Store, open_store


def full(body: bytes) -> object:
    return full_read(body, read_interview)


def interview_files(store: Store) -> list[bytes]:
    files = Exporter(store).event_files().items()
    return [data for uid, (_digest, data) in files if "." not in uid]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_interview_we_write_is_read_quickly_as_the_full_reader_reads_it(
    data: st.DataObject,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store, _ = open_store(Path(folder))
        try:
            store.set_setting("timezone", data.draw(st.sampled_from(ZONES), "user zone"))
            interview = store.add_interview(data.draw(interviews()))
            keys = [s.step.key for s in store.steps(interview.id)]
            for activity in data.draw(histories(interview, keys)):
                store.record(interview.id, activity)
            (body,) = interview_files(store)
            quick = quick_interview(body)
            assert quick is not None
            assert quick == full(body)
        finally:
            store.close()


@pytest.fixture
def written(open_at, sample, tmp_path: Path) -> bytes:  # type: ignore[no-untyped-def]
    store = open_at(tmp_path)
    interview: Interview = sample(company="Globex; Inc, \\ \"x\"", tz="Asia/Kolkata")
    store.add_interview(interview)
    (body,) = interview_files(store)
    return body


def test_a_written_interview_agrees(written: bytes) -> None:
    quick = quick_interview(written)
    assert quick is not None and quick == full(written)
    assert quick.interview.company == "Globex; Inc, \\ \"x\""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"DTSTART;TZID=Asia/Kolkata:", b"DTSTART;VALUE=DATE:"),  # a date
        (b"DTEND;TZID=Asia/Kolkata:", b"DTEND:"),  # floating
        (b"DTSTART;TZID=Asia/Kolkata:", b"DTSTART;TZID=Mars/Olympus:"),
        (b"SEQUENCE:", b"SEQUENCE:x"),
        (b"X-FOLLOWTHROUGH-CHANNEL:", b"X-FOLLOWTHROUGH-CHANNEL:carrier-pigeon"),
        (b"END:VEVENT", b"RRULE:FREQ=DAILY\r\nEND:VEVENT"),
        (b"END:VEVENT", b"SUMMARY:again\r\nEND:VEVENT"),
        (b"END:VEVENT", b"CREATED:20261124T090000\r\nEND:VEVENT"),  # a floating CREATED
        (b"UID:followthrough-", b"UID:someone-else-"),
        (b"END:VEVENT", b"BEGIN:VTODO\r\nEND:VTODO\r\nEND:VEVENT"),
    ],
    ids=["date", "floating", "unknown-zone", "bad-sequence", "bad-channel", "rrule", "twice",
         "floating-created", "not-ours", "other-component"],
)
def test_what_the_quick_reader_is_not_sure_of_goes_the_full_way(
    written: bytes, old: bytes, new: bytes
) -> None:
    assert old in written
    changed = written.replace(old, new, 1)
    assert quick_interview(changed) is None
    full(changed)  # and the full reader reads it, or says why it cannot


def test_a_sequence_that_is_not_a_number_is_refused_in_a_sentence(written: bytes) -> None:
    changed = written.replace(b"SEQUENCE:", b"SEQUENCE:x", 1)
    assert full(changed) == (
        "refused: The event followthrough-" + changed.split(b"UID:followthrough-")[1]
        .split(b"\r\n")[0].decode() + " has a SEQUENCE that is not a number."
    )

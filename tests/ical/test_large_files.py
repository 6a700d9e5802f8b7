"""Large files: an export of a thousand interviews imports back whole and its feed stays under
1 MB; a file past the import's guard gets one clear sentence.

The thousand interviews are those bench/plan.py makes (what the benchmarks measure), in one
store shared by the tests of this module.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from libical_check import LIBICAL, libical_errors

import followthrough.ical.ics_import as ics_import
from followthrough.ical.export import FEED_LIMIT, Exporter
from followthrough.ical.ics_import import (
    MAX_BYTES,
    IcsImportError,
    check_ics,
    import_file,
    read_ics_file,
)
from followthrough.store import Store

BENCH_PLAN = Path(__file__).parents[2] / "bench" / "plan.py"


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    spec = importlib.util.spec_from_file_location("bench_plan", BENCH_PLAN)
    assert spec is not None and spec.loader is not None
    plan = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plan)
    store = plan.bench_store(tmp_path_factory.mktemp("thousand"))
    plan.fill(store, 1000, 2026)
    yield store
    store.close()


@pytest.mark.slow
def test_an_export_of_a_thousand_interviews_imports_back(
    thousand: Store, open_at: Callable[[Path], Store], tmp_path: Path
) -> None:
    path = tmp_path / "everything.ics"
    path.write_bytes(Exporter(thousand).ics())
    assert path.stat().st_size > 10 * 1024 * 1024  # past the guard this import once had
    other = open_at(tmp_path / "other")
    for name in ("timezone", "country", "subdivision"):  # the same working days, to plan alike
        other.set_setting(name, thousand.settings().get(name))
    report = import_file(other, path)
    assert (len(report.added), report.updated, report.skipped) == (1000, [], [])
    assert other.interviews() == thousand.interviews()
    assert {(s.step.id, s.step.status) for s in other.steps()} == {
        (s.step.id, s.step.status) for s in thousand.steps()
    }


@pytest.mark.slow
def test_the_feed_of_a_thousand_interviews_stays_under_a_megabyte(thousand: Store) -> None:
    feed = Exporter(thousand).build_feed(datetime(2026, 12, 1, tzinfo=UTC))
    assert FEED_LIMIT - 50_000 < len(feed.data) <= FEED_LIMIT
    assert feed.interviews + feed.old_interviews + feed.over_interviews == 1000
    follow_ups = feed.old_follow_ups + feed.stale_follow_ups + feed.over_follow_ups
    assert feed.follow_ups + follow_ups == len(thousand.steps())
    assert feed.left_out.startswith(
        f"The feed leaves out {1000 - feed.interviews:,} interviews and {follow_ups:,} "
        "follow-ups: "
    )
    assert feed.left_out.endswith("to stay under the 1 MB Google Calendar reads.")
    if LIBICAL is not None:
        assert libical_errors(feed.data) == []


def test_a_file_just_over_the_guard_is_one_clear_sentence(tmp_path: Path) -> None:
    megabytes = MAX_BYTES // 1_048_576
    assert megabytes >= 60  # 5,000 interviews' export (12 KB each) fits
    path = tmp_path / "big.ics"
    with path.open("wb") as file:
        file.truncate(MAX_BYTES + 1)
    sentence = (
        f"is over {megabytes} MB; an iCalendar file to import must be under {megabytes} MB."
    )
    with pytest.raises(IcsImportError) as raised:
        read_ics_file(path, "UTC")
    assert str(raised.value) == f"{path} {sentence}"
    with pytest.raises(IcsImportError) as raised:
        check_ics(b"x" * (MAX_BYTES + 1), "big.ics")
    assert str(raised.value) == f"big.ics {sentence}"


def test_more_content_lines_than_an_export_has_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = [b"BEGIN:VCALENDAR", b"VERSION:2.0", b"PRODID:-//x//y//EN"]
    lines += [b"X-A:1"] * 40 + [b"END:VCALENDAR", b""]
    data = b"\r\n".join(lines)
    assert check_ics(data, "many.ics")  # read whole under the cap
    monkeypatch.setattr(ics_import, "MAX_CONTENT_LINES", 40)
    with pytest.raises(IcsImportError) as raised:
        check_ics(data, "many.ics")
    assert str(raised.value) == (
        "many.ics has more than 40 lines of content; an iCalendar file to import has at most "
        "that many."
    )


def _event(n: int) -> str:
    return (
        f"BEGIN:VEVENT\nUID:e{n}@example.com\nDTSTAMP:20261201T090000Z\n"
        f"DTSTART;TZID=Europe/Paris:20261203T{9 + n % 8:02d}0000\n"
        f"SUMMARY:Event {n} with a long summary folded over two\n  lines\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:soon\nEND:VALARM\n"
        "END:VEVENT\n"
    )


_PARIS = (
    "BEGIN:VTIMEZONE\nTZID:Europe/Paris\nBEGIN:STANDARD\nDTSTART:19701025T030000\n"
    "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
    "END:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:19700329T020000\nTZOFFSETFROM:+0100\n"
    "TZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
)


def test_a_file_read_a_piece_at_a_time_reads_as_it_does_whole() -> None:
    """icalendar is given a few components at a time (ics_import.Layout); what it reads is
    what it reads of the whole file: the calendars, their properties, time zones (here after
    the events that name them) and every component in order, a folded BEGIN line included."""
    size = ics_import.PIECE
    first = "".join(_event(n) for n in range(size * 2 + 7))
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + first + _PARIS
        + "BEG\n IN:VTODO\nUID:t1\nDTSTAMP:20261201T090000Z\nEND:VTODO\n"
        + "X-WR-CALNAME:After the events\nEND:VCALENDAR\n"
        + "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//other//EN\nMETHOD:REQUEST\n"
        + _PARIS + _event(999) + "END:VCALENDAR"  # no line end at the end of the file
    )
    layout = ics_import.Layout()
    checked = check_ics(text.encode(), "test.ics", layout)
    assert [len(pieces) for pieces in layout.pieces(checked)] == [3, 1]
    whole = ics_import.parse(checked)
    pieced = ics_import.parse_checked(checked, layout)
    assert len(whole) == len(pieced) == 2
    for one, other in zip(whole, pieced, strict=True):
        assert dict(one.items()) == dict(other.items())
        assert [c.to_ical() for c in one.subcomponents if c.name != "VTIMEZONE"] == [
            c.to_ical() for c in other.subcomponents if c.name != "VTIMEZONE"
        ]
        assert [c.to_ical() for c in one.walk("VTIMEZONE")] == [
            c.to_ical() for c in other.walk("VTIMEZONE")
        ]
    starts = [e.decoded("DTSTART") for e in pieced[0].walk("VEVENT")]
    assert len(starts) == size * 2 + 7 and all(str(s.tzinfo) == "Europe/Paris" for s in starts)

"""Export then import rebuilds exactly the interviews, histories, steps, statuses and moves.

Every text field gets non-ASCII letters, emoji, commas, semicolons, colons, quotes and
backslashes; newlines go into the fields that hold several lines (notes). One-line fields
(names, company, role, topics) refuse line breaks where they are typed in, because a line
break there could forge an email header (model.check_text), so no file can carry one back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
)
from followthrough.core.text import reorders
from followthrough.files import write_atomically
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import import_file
from followthrough.store import Store, open_store

# Text users type: any printable character, commas, semicolons, backslashes, quotes, colons,
# non-ASCII letters and emoji; newlines only where the field allows several lines.
_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029")
LINE = st.text(alphabet=st.one_of(_CHARS, st.sampled_from(",;:\\\"'")), min_size=1,
               max_size=80).map(str.strip).filter(lambda text: bool(text) and not reorders(text))
LONG = st.text(alphabet=st.one_of(_CHARS, st.sampled_from(",;:\\\n")), max_size=3000).map(
    str.strip
)  # notes may hold direction marks: only single-line names refuse them
ZONES = ("Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "America/St_Johns")


@st.composite
def interviews(draw: st.DrawFn) -> Interview:
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    start = datetime(2026, 1, 5, 9, 0, tzinfo=tz) + timedelta(
        minutes=15 * draw(st.integers(0, 4 * 24 * 365 * 15))
    )
    people = tuple(
        Interviewer(
            name=draw(LINE), title=draw(st.one_of(st.just(""), LINE)),
            email=draw(st.sampled_from(("", "ana@acme.example", "bo.li+jobs@mail.example.org"))),
            phone=draw(st.sampled_from(("", "+33 1 23 45 67 89"))), key=f"p{n}",
            topics=tuple(draw(st.lists(LINE, max_size=2))),
            clarify=tuple(draw(st.lists(LINE, max_size=2))),
        )
        for n in range(1, draw(st.integers(1, 3)) + 1)
    )
    decision = draw(st.one_of(st.none(), st.integers(0, 40)))
    return Interview(
        id="", company=draw(LINE), role=draw(LINE), interviewers=people, start=start,
        end=start + timedelta(minutes=draw(st.integers(15, 240))), tz=tz.key,
        channel=draw(st.sampled_from(list(Channel))), pace=draw(st.sampled_from(list(Pace))),
        decision_date=None if decision is None else start.date() + timedelta(days=decision),
        playbook=draw(st.sampled_from(("", "standard", "single-nudge", "call-first",
                                       "corporate"))),
        round=draw(st.integers(1, 4)), topics=tuple(draw(st.lists(LINE, max_size=3))),
        clarify=tuple(draw(st.lists(LINE, max_size=2))), notes=draw(LONG),
        location=draw(st.one_of(st.just(""), LINE, st.just("https://meet.example/abc?x=1;y=2"))),
        country=draw(st.sampled_from(("", "", "US", "DE", "JP"))),
        postal_address="\n".join(draw(st.lists(LINE, max_size=4))),
    ).validated()


@st.composite
def histories(draw: st.DrawFn, interview: Interview, keys: list[str]) -> list[Activity]:
    acts: list[Activity] = []
    moment = interview.end
    for _ in range(draw(st.integers(0, 5))):
        moment += timedelta(minutes=draw(st.integers(1, 60 * 24 * 10)))
        kind = draw(st.sampled_from(list(ActivityKind)))
        step = draw(st.sampled_from(keys)) if keys else ""
        if kind in (ActivityKind.DONE, ActivityKind.SKIP, ActivityKind.REOPEN,
                    ActivityKind.MOVE) and not step:
            continue
        acts.append(Activity(
            kind, moment, step=step if kind in (ActivityKind.DONE, ActivityKind.SKIP,
                                                ActivityKind.REOPEN, ActivityKind.MOVE) else "",
            until=moment.date() + timedelta(days=draw(st.integers(1, 30)))
            if kind is ActivityKind.DELAY else None,
            to=moment + timedelta(days=draw(st.integers(0, 20)), minutes=draw(st.integers(0, 59)))
            if kind is ActivityKind.MOVE else None,
            outcome=draw(st.sampled_from(list(Outcome))) if kind is ActivityKind.OUTCOME else None,
            how=draw(st.one_of(st.just(""), LINE)) if kind is ActivityKind.DONE else "",
            note=draw(st.one_of(st.just(""), LINE)) if kind is ActivityKind.REPLY else "",
        ))
    return acts


def _state(store: Store) -> tuple[object, ...]:
    stored = store.stored_interviews()
    return (
        [s.interview for s in stored],
        [[replace(a, seq=0) for a in s.activities] for s in stored],
        [s.step for s in store.steps()],
    )


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_export_then_import_rebuilds_the_same_state(tmp_path_factory: object,
                                                    data: st.DataObject) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source, _ = open_store(root / "a")
        target, _ = open_store(root / "b")
        try:
            for store in (source, target):
                store.set_setting("timezone", data.draw(st.sampled_from(ZONES), "user zone"))
            target.set_setting("timezone", source.settings().timezone)
            for _ in range(data.draw(st.integers(1, 3), "interviews")):
                interview = source.add_interview(data.draw(interviews()))
                keys = [s.step.key for s in source.steps(interview.id)]
                for activity in data.draw(histories(interview, keys)):
                    source.record(interview.id, activity)
            path = root / "export.ics"
            write_atomically(path, Exporter(source).ics())
            report = import_file(target, path)
            assert len(report.added) == len(source.interviews())
            assert _state(target) == _state(source)
            # Importing the same file again changes nothing.
            again = import_file(target, path)
            assert not again.added and not again.updated
            assert _state(target) == _state(source)
        finally:
            source.close()
            target.close()


def test_a_typed_backslash_n_comes_back_as_typed(
    tmp_path: Path, sample: Callable[..., Interview]
) -> None:
    """icalendar 7 writes the two characters \\N as a line break: ours are escaped by the RFC."""
    source, _ = open_store(tmp_path / "a")
    target, _ = open_store(tmp_path / "b")
    try:
        typed = "C:\\New\\Notes, a; b"
        interview = sample(role=typed, company="Acme\\N", notes=typed + "\nsecond line")
        person = replace(interview.interviewers[0], name="Ana \\N Lee")
        source.add_interview(replace(interview, interviewers=(person,)))
        path = tmp_path / "export.ics"
        write_atomically(path, Exporter(source).ics())
        import_file(target, path)
        (back,) = target.interviews()
        assert (back.role, back.company, back.notes) == (typed, "Acme\\N", typed + "\nsecond line")
        assert back.interviewers[0].name == "Ana \\N Lee"
        assert _state(target) == _state(source)
    finally:
        source.close()
        target.close()


def test_moves_and_dones_made_in_a_calendar_come_back(
    tmp_path: Path, sample: Callable[..., Interview]
) -> None:
    """A calendar app moved one step and cancelled another in the exported file."""
    source, _ = open_store(tmp_path / "a")
    target, _ = open_store(tmp_path / "b")
    try:
        source.set_setting("timezone", "Europe/Paris")
        target.set_setting("timezone", "Europe/Paris")
        interview = source.add_interview(sample(decision_date=date(2026, 12, 4)))
        text = Exporter(source).ics().decode()
        check_in = next(s.step for s in source.steps(interview.id)
                        if s.step.key == "decision-check-in")
        old = check_in.start.strftime("%Y%m%dT%H%M%S")
        uid = f"UID:followthrough-{check_in.id}@followthrough"
        blocks = text.split("BEGIN:VEVENT")
        for number, block in enumerate(blocks):
            if uid in block:
                blocks[number] = block.replace(f"DTSTART;TZID=Europe/Paris:{old}",
                                               "DTSTART;TZID=Europe/Paris:20261209T143000")
                assert blocks[number] != block
        path = tmp_path / "edited.ics"
        path.write_text("BEGIN:VEVENT".join(blocks), encoding="utf-8", newline="")
        report = import_file(target, path)
        assert [iv.id for iv in report.added] == [interview.id]
        moved = target.step(check_in.id).step
        assert moved.start == datetime(2026, 12, 9, 14, 30, tzinfo=ZoneInfo("Europe/Paris"))
        assert moved.manual
    finally:
        source.close()
        target.close()


def test_the_rounds_of_an_application_stay_together_on_another_computer(
    tmp_path: Path, sample: Callable[..., Interview]
) -> None:
    """X-FOLLOWTHROUGH-APPLICATION carries the application: the second computer groups the
    same rounds, even with the company renamed on one round."""
    source, _ = open_store(tmp_path / "a")
    target, _ = open_store(tmp_path / "b")
    try:
        first = source.add_interview(sample())
        week = timedelta(days=7)
        second = source.add_interview(
            replace(sample(company="Acme Group"), start=first.start + week, end=first.end + week),
            first.id,
        )
        other = source.add_interview(sample(company="Globex"))
        text = Exporter(source).ics().decode()
        assert text.count(f"X-FOLLOWTHROUGH-APPLICATION:{first.id}\r\n") == 2
        assert f"X-FOLLOWTHROUGH-APPLICATION:{other.id}\r\n" in text
        path = tmp_path / "export.ics"
        path.write_text(text, encoding="utf-8", newline="")
        import_file(target, path)
        grouped = {app.id: [iv.id for iv in app.rounds] for app in target.applications()}
        assert grouped == {first.id: [first.id, second.id], other.id: [other.id]}
        assert target.interview(second.id).round == 2
    finally:
        source.close()
        target.close()

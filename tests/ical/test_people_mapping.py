"""What to mention to each interviewer, and where the note is posted, through a calendar file:
written, read back the same, and checked as the app checks them when they come from outside."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from test_hostile_input import Opener, _exported, _in_interview_event, _refused

from followthrough.core.model import Interview
from followthrough.files import write_atomically
from followthrough.ical.export import Exporter
from followthrough.ical.ics_import import import_file


def _panel(sample: Callable[..., Interview]) -> Interview:
    interview = sample(postal_address="Acme Analytics\n12 rue de la Paix\n75002 Paris")
    ana, bo = interview.interviewers
    bo = replace(bo, topics=("on-call; rotas, \\N", "Zoë's team"),
                 clarify=("I led the batch migration",))  # fmt: skip
    return replace(interview, interviewers=(ana, bo))


def test_per_person_topics_points_and_the_postal_address_come_back(
    open_at: Opener, tmp_path: Path, sample: Callable[..., Interview]
) -> None:
    source, target = open_at(tmp_path / "a"), open_at(tmp_path / "b")
    source.add_interview(_panel(sample))
    text = Exporter(source).ics()
    assert b"X-FOLLOWTHROUGH-POSTAL-ADDRESS:Acme Analytics\\n12 rue de la Paix\\n75002 Pa" in text
    path = tmp_path / "export.ics"
    write_atomically(path, text)
    import_file(target, path)
    (back,) = target.interviews()
    (sent,) = source.interviews()
    assert back.postal_address == sent.postal_address == _panel(sample).postal_address
    assert back.interviewers == sent.interviewers
    assert back.interviewers[1].topics == ("on-call; rotas, \\N", "Zoë's team")
    assert back.interviewers[1].clarify == ("I led the batch migration",)


def test_a_person_without_them_is_written_as_before(
    open_at: Opener, tmp_path: Path, sample: Callable[..., Interview]
) -> None:
    text = _exported(open_at, tmp_path, sample)
    assert '"topics"' not in text and '"clarify"' not in text
    assert "POSTAL-ADDRESS" not in text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('{"name": "Ana", "topics": "pipelines"}', "an interviewer's topics is not a list"),
        ('{"name": "Ana", "topics": [1]}', "an interviewer's topics is not a list of texts"),
        ('{"name": "Ana", "clarify": {"a": 1}}', "an interviewer's clarify is not a list"),
        ('{"name": "Ana", "clarify": ["a\\u001b[2J"]}', "point to clarify contains a control"),
        ('{"name": "Ana", "topics": ["' + "x" * 501 + '"]}', "topic is longer than 500"),
    ],
    ids=["topics-text", "topics-number", "clarify-object", "clarify-control", "topic-long"],
)
def test_what_to_mention_out_of_shape_is_one_sentence(
    open_at: Opener, tmp_path: Path, sample: Callable[..., Interview], value: str, words: str
) -> None:
    text = _exported(open_at, tmp_path, sample)
    text = re.sub(r"X-FOLLOWTHROUGH-INTERVIEWER:[^\r]*(?:\r\n [^\r]*)*",
                  lambda _: "X-FOLLOWTHROUGH-INTERVIEWER:" + value, text)  # fmt: skip
    message = _refused(open_at, tmp_path, text)
    assert re.fullmatch(r"FILE, line \d+: The interview event \S+ cannot be read: .+\.", message)
    assert words in message


@pytest.mark.parametrize(
    ("line", "words"),
    [
        # (a raw control character stops the file at its line, before any property is read)
        ("X-FOLLOWTHROUGH-POSTAL-ADDRESS:1 Loop St\\n\u202eParis", "reverses the direction"),
        ("X-FOLLOWTHROUGH-POSTAL-ADDRESS:" + "x" * 600, "postal address is longer than 500"),
        ("X-FOLLOWTHROUGH-POSTAL-ADDRESS:" + "\\na" * 9, "postal address has more than 8 lines"),
    ],
    ids=["direction", "long", "lines"],
)
def test_a_postal_address_out_of_shape_is_one_sentence(
    open_at: Opener, tmp_path: Path, sample: Callable[..., Interview], line: str, words: str
) -> None:
    text = _exported(open_at, tmp_path, sample)
    message = _refused(open_at, tmp_path, _in_interview_event(text, line))
    assert words in message
    assert len(message) < 300

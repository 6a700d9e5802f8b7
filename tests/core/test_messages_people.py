"""The message follows the person: each interviewer's topics and points to clarify, and the
postal address a handwritten note is posted to (issue 15)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_messages import FULL_SETTINGS, full_interview, make_step

from followthrough.core.codec import (
    interview_from_dict,
    interview_to_dict,
    interviewer_from_dict,
    interviewer_to_dict,
)
from followthrough.core.messages import TemplateLibrary, render
from followthrough.core.model import (
    Interview,
    Interviewer,
    StepChannel,
    ValidationError,
    check_postal_address,
)
from followthrough.resources import resource_path


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary.load(resource_path("templates"))


def _panel(**fields: object) -> Interview:
    """Ana (the main contact) and Bo on one panel; Bo talked about other things with us."""
    ana, bo = full_interview().interviewers
    bo = replace(bo, topics=("the on-call rotation",), clarify=("I led the batch migration",))
    return replace(full_interview(), interviewers=(ana, bo), **fields).validated()


def _thank_you(interview: Interview, key: str, library: TemplateLibrary) -> str:
    step = make_step("thank-you", StepChannel.EMAIL, key=f"thank-you.{key}")
    return render(step, interview, FULL_SETTINGS, library).body


def test_thank_yous_on_one_panel_mention_each_persons_topics(library: TemplateLibrary) -> None:
    interview = _panel()
    to_ana, to_bo = (_thank_you(interview, key, library) for key in ("p1", "p2"))
    assert "Our discussion of the streaming pipeline" in to_ana  # the interview's, by default
    assert "Our discussion of the on-call rotation" in to_bo  # Bo's own
    assert "streaming pipeline" not in to_bo
    assert to_ana != to_bo


def test_a_point_to_clarify_goes_only_to_the_person_it_concerns(
    library: TemplateLibrary,
) -> None:
    interview = _panel()
    to_ana, to_bo = (_thank_you(interview, key, library) for key in ("p1", "p2"))
    # The interview's own points go to the main contact, the first interviewer...
    assert "My notice period is one month, not three." in to_ana
    assert "My notice period" not in to_bo
    # ...and a point addressed to Bo to Bo alone.
    assert "I led the batch migration." in to_bo
    assert "batch migration" not in to_ana


def test_without_points_for_them_a_thank_you_has_no_clarification(
    library: TemplateLibrary,
) -> None:
    interview = _panel(clarify=())
    assert "add to one of my answers" not in _thank_you(interview, "p1", library)
    assert "add to one of my answers" in _thank_you(interview, "p2", library)


def test_per_person_texts_are_checked_like_the_interviews() -> None:
    ana = Interviewer("Ana Diaz", key="p1")
    assert replace(ana, topics=(" a ", "", "b")).validated().topics == ("a", "b")
    with pytest.raises(ValidationError, match="topic contains a control character"):
        replace(ana, topics=("a\x1b[31m",)).validated()
    with pytest.raises(ValidationError, match="point to clarify is longer than 1000"):
        replace(ana, clarify=("x" * 1001,)).validated()


def test_old_data_without_them_reads_and_writes_as_before() -> None:
    old = {"key": "p1", "name": "Ana Diaz", "title": "", "email": "", "phone": ""}
    person = interviewer_from_dict(old)
    assert person.topics == () and person.clarify == ()
    assert interviewer_to_dict(person) == old  # nothing new written for a person without them
    data = interview_to_dict(full_interview())
    del data["postal_address"]
    assert interview_from_dict(data).postal_address == ""
    bo = _panel().interviewers[1]
    assert interviewer_from_dict(interviewer_to_dict(bo)) == bo
    assert interview_from_dict(interview_to_dict(_panel())) == _panel()


def test_a_note_carries_the_postal_address_for_its_envelope(library: TemplateLibrary) -> None:
    note = make_step("note", StepChannel.LETTER)
    draft = render(note, full_interview(), FULL_SETTINGS, library)
    assert draft.postal_address == "Acme Robotics\n1 Loop Street\nCape Town 8001"
    assert not draft.missing
    bare = render(note, full_interview(postal_address=""), FULL_SETTINGS, library)
    assert bare.postal_address == ""
    assert any("No postal address" in sentence for sentence in bare.missing)
    email = render(make_step("status-check", StepChannel.EMAIL), full_interview(),
                   FULL_SETTINGS, library)  # fmt: skip
    assert email.postal_address == ""  # only a letter is posted


def test_a_postal_address_is_bounded_and_free_of_control_characters() -> None:
    assert check_postal_address("  1 Loop St \r\n\n Cape Town  \n") == "1 Loop St\nCape Town"
    with pytest.raises(ValidationError, match="control character"):
        check_postal_address("1 Loop St\x00")
    with pytest.raises(ValidationError, match="control character"):
        check_postal_address("1 Loop St\tCape Town")
    with pytest.raises(ValidationError, match="reverses the direction"):
        check_postal_address("1 Loop St\n\u202eCape Town")
    with pytest.raises(ValidationError, match="longer than 500"):
        check_postal_address("x" * 501)
    with pytest.raises(ValidationError, match="more than 8 lines"):
        check_postal_address("\n".join(f"line {n}" for n in range(9)))
    with pytest.raises(ValidationError, match="postal address"):
        full_interview(postal_address="a\x07b").validated()

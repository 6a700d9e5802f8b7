"""Applications: a company and role whose rounds are interviews (core.applications), and the
application an interview carries (Interview.application)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.applications import applications, next_round, placed, same_job
from followthrough.core.codec import interview_from_dict, interview_to_dict
from followthrough.core.model import Interview, ValidationError

Make = Callable[..., Interview]
JHB = ZoneInfo("Africa/Johannesburg")


def test_an_interview_is_its_own_application_until_it_joins_one(make_interview: Make) -> None:
    interview = make_interview()
    assert interview.application == "iv1" == interview.application_id
    joined = make_interview(application="first1")
    assert joined.application_id == "first1"
    assert replace(interview, id="", application="").validated().application == ""  # not stored
    assert interview_from_dict(interview_to_dict(joined)) == joined


@pytest.mark.parametrize("bad", ["Not An Id", "a" * 65, "x;y", "ab\ncd"])
def test_an_application_id_of_another_shape_is_refused(make_interview: Make, bad: str) -> None:
    with pytest.raises(ValidationError, match="is not the id of an application"):
        make_interview(application=bad)


def test_applications_group_rounds_in_order(make_interview: Make) -> None:
    first = make_interview()
    second = replace(
        first, id="iv2", round=2, start=first.start + timedelta(days=7),
        end=first.end + timedelta(days=7), application="iv1",
    )  # fmt: skip
    other = replace(first, id="iv3", company="Globex", application="iv3")
    found = applications([second, other, first])
    assert [(app.id, [iv.id for iv in app.rounds]) for app in found] == [
        ("iv3", ["iv3"]),
        ("iv1", ["iv1", "iv2"]),
    ]
    assert found[1].latest is second and found[1].company == "Acme"


def test_a_later_round_of_the_same_company_and_role_joins_it(make_interview: Make) -> None:
    first = make_interview()
    new = replace(first, id="", application="", company=" ACME ", round=2)
    assert same_job(first, new)
    assert placed(new, [first]).application == "iv1"
    assert placed(replace(new, round=1), [first]).application == ""  # a first round: its own
    assert placed(replace(new, role="Manager"), [first]).application == ""


def test_joining_by_id_takes_the_next_round_unless_one_is_given(make_interview: Make) -> None:
    first = make_interview()
    new = replace(first, id="", application="", company="Renamed")
    assert (placed(new, [first], application="iv1").round, placed(new, [first],
            application="iv1").application) == (2, "iv1")  # fmt: skip
    given = placed(replace(new, round=3), [first], application="iv1", round_given=True)
    assert given.round == 3
    with pytest.raises(ValidationError, match="There is no application with id 'nope'"):
        placed(new, [first], application="nope")
    with pytest.raises(ValidationError, match="is not the id of an application"):
        placed(new, [first], application="No Such!")


def test_the_next_round_is_prefilled_from_the_last(make_interview: Make) -> None:
    first = make_interview(decision=date(2026, 12, 1), topics=("caching",))
    upcoming = next_round(first, date(2026, 12, 7))
    assert upcoming.id == "" and upcoming.round == 2 and upcoming.application == "iv1"
    assert upcoming.start == datetime(2026, 12, 7, 14, 0, tzinfo=JHB)
    assert upcoming.end - upcoming.start == first.end - first.start
    assert (upcoming.company, upcoming.role, upcoming.interviewers) == (
        first.company, first.role, first.interviewers)  # fmt: skip
    assert upcoming.decision_date is None and upcoming.topics == ()
    # What was said with one person stays with the round it was said in; the people stay.
    ana = replace(first.interviewers[0], topics=("on-call",), clarify=("the team's size",))
    upcoming = next_round(replace(first, interviewers=(ana,)), date(2026, 12, 7))
    (person,) = upcoming.interviewers
    assert (person.name, person.email) == (ana.name, ana.email)
    assert (person.topics, person.clarify) == ((), ())
    with pytest.raises(ValidationError, match="before the interview"):
        next_round(first, date(2026, 11, 1))
    with pytest.raises(ValidationError, match="from 1 to 20"):
        next_round(replace(first, round=20), date(2026, 12, 7))

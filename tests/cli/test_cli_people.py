"""`interview add/edit`: what to mention to each interviewer (--topic-for, --clarify-for) and
where the handwritten note goes (--postal-address), checked as the window checks them."""

from __future__ import annotations

import pytest
import test_cli
from test_cli import ADD, Run

# test_cli's fixtures: the data folder, the CLI run in-process, the user in Johannesburg.
data_dir, run, ok, user = test_cli.data_dir, test_cli.run, test_cli.ok, test_cli.user

BO = ("--interviewer", "Bo Li <bo@acme.example>")


def _people(ok: Run, ident: str) -> list[dict[str, object]]:
    return ok("interview", "show", ident, "--json").json()["interviewers"]  # type: ignore[no-any-return]


def test_topics_and_points_go_to_the_interviewer_named(ok: Run, user: None) -> None:
    ident = ok(
        *ADD, *BO, "--topic", "streaming pipelines", "--clarify", "notice: one month",
        "--topic-for", "2=the on-call rotation", "--topic-for", "bo li=Zoë's team",
        "--clarify-for", "Bo=I led the batch migration",
    ).out.strip()  # fmt: skip
    ana, bo = _people(ok, ident)
    assert "topics" not in ana and "clarify" not in ana  # Ana has none of her own
    assert bo["topics"] == ["the on-call rotation", "Zoë's team"]
    assert bo["clarify"] == ["I led the batch migration"]
    data = ok("interview", "show", ident, "--json").json()
    assert data["topics"] == ["streaming pipelines"] and data["clarify"] == ["notice: one month"]
    text = ok("interview", "show", ident).out
    assert "    topics: the on-call rotation; Zoë's team" in text
    assert "    to clarify: I led the batch migration" in text
    # Each thank-you mentions its person's topic, and only their points to clarify.
    steps = {row["kind"] + row["id"][-3:]: row["id"] for row in ok("plan", "--json").json()}
    to_ana = ok("compose", steps["thank-you.p1"], "--print").out
    to_bo = ok("compose", steps["thank-you.p2"], "--print").out
    assert "streaming pipelines" in to_ana and "notice: one month" in to_ana
    assert "on-call rotation" in to_bo and "batch migration" in to_bo
    assert "notice" not in to_bo and "batch migration" not in to_ana


def test_editing_the_interviewers_keeps_what_to_mention_to_them(ok: Run, user: None) -> None:
    ident = ok(*ADD, *BO, "--topic-for", "2=rotas", "--clarify-for", "2=a point").out.strip()
    ok("interview", "edit", ident, "--company", "Initech")
    ok("interview", "edit", ident, "--interviewer", "Bo Li <bo@acme.example>")
    (bo,) = _people(ok, ident)
    assert (bo["name"], bo["topics"], bo["clarify"]) == ("Bo Li", ["rotas"], ["a point"])
    ok("interview", "edit", ident, "--topic-for", "")  # an empty value clears them
    (bo,) = _people(ok, ident)
    assert "topics" not in bo and bo["clarify"] == ["a point"]


def test_a_postal_address_is_recorded_shown_and_cleared(ok: Run, user: None) -> None:
    ident = ok(*ADD, "--postal-address", "Acme\n 1 Loop Street \n\nCape Town 8001").out.strip()
    data = ok("interview", "show", ident, "--json").json()
    assert data["postal_address"] == "Acme\n1 Loop Street\nCape Town 8001"
    assert "Post to: Acme, 1 Loop Street, Cape Town 8001" in ok("interview", "show", ident).out
    ok("interview", "edit", ident, "--postal-address", "")
    assert ok("interview", "show", ident, "--json").json()["postal_address"] == ""


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--topic-for", "rotas", "--topic-for takes WHO=TEXT"),
        ("--topic-for", "3=rotas", "'3' is not one of the interviewers"),
        ("--clarify-for", "Cy=a point", "'Cy' is not one of the interviewers"),
        ("--clarify-for", "1=a\x1b[2Jpoint", "The point to clarify contains a control character"),
        ("--topic-for", "2=" + "x" * 501, "The topic is longer than 500 characters"),
        ("--postal-address", "1 Loop St\x07", "The postal address contains a control character"),
        ("--postal-address", "x" * 501, "The postal address is longer than 500 characters"),
    ],
)
def test_mistakes_are_one_sentence_and_change_nothing(
    run: Run, ok: Run, user: None, option: str, value: str, words: str
) -> None:
    result = run(*ADD, *BO, option, value)
    assert result.code != 0 and words in result.err
    assert "Traceback" not in result.err
    assert ok("interview", "list", "--json").json() == []

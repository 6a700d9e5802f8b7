"""Playbooks are data: built-in ones load, the user's own override or add, broken ones say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from followthrough.core.model import Outcome, Pace, ValidationError
from followthrough.core.playbooks import (
    STEP_KINDS,
    Offset,
    PlaybookError,
    PlaybookLibrary,
    load_playbook,
)
from followthrough.resources import resource_path

BUILTIN = resource_path("playbooks")

MINIMAL = """\
name = "Mine"
description = "Just a thank-you and one call."
min_gap = "2d"

[[steps]]
kind = "thank-you"
title = "Thanks to {person}"
channel = "preferred"
per_interviewer = true
earliest = "1h"
latest = "12h"

[[steps]]
kind = "call"
title = "Call {person}"
channel = "phone"
chaser = true
earliest = "4bd"
latest = "6bd"
"""


def test_the_four_builtin_playbooks_load() -> None:
    library = PlaybookLibrary.load(BUILTIN)
    assert library.errors == []
    assert set(library.playbooks) >= {"standard", "single-nudge", "call-first", "corporate"}
    assert library.get("Single nudge").max_unanswered == 1
    assert library.get("corporate").min_gap.days > library.get("standard").min_gap.days


def test_standard_matches_the_domain_table() -> None:
    standard = PlaybookLibrary.load(BUILTIN).get("standard")
    windows = {r.key: (str(r.earliest), str(r.latest), r.channel) for r in standard.steps}
    assert windows == {
        "thank-you": ("2h", "24h", "preferred"),
        "note": ("1d", "2d", "letter"),
        "status-check": ("3d", "7d", "email"),
        "call": ("5bd", "7bd", "phone"),
        "decision-check-in": ("1bd", "2bd", "email"),
        "second-follow-up": ("1w", "2w", "email"),
        "final-check-in": ("2w", "4w", "email"),
    }
    thank_you = standard.rule("thank-you")
    assert thank_you is not None
    assert thank_you.window(Pace.FAST) == (Offset(1, "h"), Offset(0, "d"))
    assert thank_you.window(Pace.SLOW)[1] == Offset(48, "h")
    assert standard.rule("second-follow-up").after == "call"  # type: ignore[union-attr]
    networking = standard.rule("networking")
    assert networking is not None and set(networking.on) == set(Outcome)


def test_every_builtin_step_kind_is_known() -> None:
    for book in PlaybookLibrary.load(BUILTIN).playbooks.values():
        for rule in (*book.steps, *book.outcome_steps):
            assert rule.kind in STEP_KINDS


def test_a_user_playbook_adds_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "playbooks"
    user.mkdir()
    (user / "mine.toml").write_text(MINIMAL, encoding="utf-8")
    (user / "standard.toml").write_text(MINIMAL.replace('"Mine"', '"My standard"'), "utf-8")
    library = PlaybookLibrary.load(BUILTIN, user)
    assert library.errors == []
    assert library.get("mine").name == "Mine"
    assert library.get("standard").name == "My standard"
    assert library.get("corporate").name == "Corporate"


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (('latest = "6bd"', 'latest = "6x"'), 19, "latest", "is not a wait"),
        (('kind = "call"', 'kind = "visit"'), 14, "kind", "is not a step kind"),
        (('channel = "phone"', 'channel = "fax"'), 16, "channel", "is not a channel"),
        (('chaser = true', 'chaser = "yes"'), 17, "chaser", "true or false"),
        (('earliest = "4bd"', 'earliest = "9bd"'), 19, "latest", "comes before"),
        (('min_gap = "2d"', 'min_gap = "soon"'), 3, "min_gap", "is not a wait"),
        (('title = "Call {person}"', 'title = "Call {person}"\ncolour = "red"'), 16, "colour",
         "unknown field"),
        (('name = "Mine"', 'name = "Mine'), 1, "(syntax)", ""),
    ],
)
def test_a_broken_playbook_names_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], line: int, field: str, words: str
) -> None:
    user = tmp_path / "playbooks"
    user.mkdir()
    broken = user / "mine.toml"
    broken.write_text(MINIMAL.replace(*change), encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        load_playbook(broken)
    message = str(caught.value)
    assert message.startswith(f"{broken}, line {line}, field '{field}'")
    assert words in message
    library = PlaybookLibrary.load(BUILTIN, user)  # the built-in playbooks keep working
    assert [str(e) for e in library.errors] == [message]
    assert library.get("standard").name == "Standard"
    with pytest.raises(ValidationError, match="cannot be used"):
        library.get("mine")


def test_binary_and_empty_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(PlaybookError, match="not UTF-8"):
        load_playbook(binary)
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PlaybookError, match="field 'name'"):
        load_playbook(empty)


def test_unknown_playbook_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError, match="known: call-first, corporate"):
        PlaybookLibrary.load(BUILTIN).get("nope")

"""Reading what the app is asked to open: our compose links and .ics files, nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from followthrough.cli.entry import split_open_items
from followthrough.ical.mapping import compose_link, step_uid
from followthrough.links import (
    MAX_LENGTH,
    ComposeRequest,
    ImportRequest,
    LinkError,
    absolute_item,
    parse_link,
)

UID = step_uid("k3x9q2.thank-you")
LINK = compose_link(UID)


def test_our_compose_link_names_the_step() -> None:
    request = parse_link(LINK)
    assert request == ComposeRequest(UID)
    assert isinstance(request, ComposeRequest)
    assert request.step_id == "k3x9q2.thank-you"


@pytest.mark.parametrize(
    "text",
    [
        LINK + "/",
        LINK.replace("@", "%40"),
        LINK.replace("@", "%40") + "/",
        "  " + LINK + "\n",
        LINK.replace("followthrough://compose/", "FollowThrough://COMPOSE/"),
    ],
)
def test_compose_link_variants_calendars_produce(text: str) -> None:
    assert parse_link(text) == ComposeRequest(UID)


def test_dotted_step_keys_are_kept() -> None:
    uid = step_uid("abc.status-check.2")
    assert parse_link(compose_link(uid)) == ComposeRequest(uid)


@pytest.mark.parametrize(
    "text",
    [
        "/home/ana/Downloads/invitation.ics",
        "invitation.ics",
        "Invitation.ICS",
        "file:///home/ana/Downloads/invitation.ics",
        "file://localhost/home/ana/invitation.ics",
        "FILE:///tmp/x.ics",
    ],
)
def test_ics_paths_and_file_urls_are_imports(text: str) -> None:
    request = parse_link(text)
    assert isinstance(request, ImportRequest)
    assert request.path.suffix.lower() == ".ics"


def test_file_url_is_percent_decoded() -> None:
    assert parse_link("file:///tmp/my%20invite%C3%A9.ics") == ImportRequest(
        Path("/tmp/my invite\u00e9.ics")
    )


def test_home_is_expanded() -> None:
    request = parse_link("~/invite.ics")
    assert isinstance(request, ImportRequest)
    assert request.path == Path.home() / "invite.ics"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("https://evil.example/x.ics", "https"),
        ("http://evil.example/followthrough://compose/" + UID, "http"),
        ("mailto:ana@acme.example", "mailto"),
        ("javascript:alert(1)", "javascript"),
        ("smb://server/share/x.ics", "smb"),
        ("followthrough://delete/" + UID, "delete"),
        ("followthrough://send/" + UID, "send"),
        ("followthrough://compose@evil/" + UID, "does not do"),
        ("followthrough:///" + UID, "does not do"),
        ("followthrough:compose/" + UID, "not a Followthrough link"),
        ("followthrough://compose/", "names no follow-up"),
        ("followthrough://compose", "names no follow-up"),
        ("followthrough://compose//", "names no follow-up"),
        ("followthrough://compose/" + step_uid("abc"), "interview, not"),
        ("followthrough://compose/someone-else@google.com", "not a Followthrough follow-up"),
        ("followthrough://compose/" + UID + "?send=1", "extra parts"),
        ("followthrough://compose/" + UID + "#x", "extra parts"),
        ("followthrough://compose/" + UID + "/extra", "not a Followthrough follow-up"),
        ("followthrough://compose/" + UID.replace("@", "%2540"), "not a Followthrough"),
        ("followthrough://compose/" + UID.replace("@", "%2F"), "not a Followthrough"),
        ("followthrough://compose/%20" + UID, "not a Followthrough follow-up"),
        ("followthrough://compose/" + UID.upper(), "not a Followthrough follow-up"),
        ("followthrough://compose/" + UID + "%0A", "control characters"),
        ("followthrough://compose/" + UID + "%00", "control characters"),
        ("followthrough://compose/" + UID.replace("k3x9q2", "k3x\u0456q2"), "not a"),
        ("followthrough://compose/%ff%fe", "not readable"),
        ("followthrough://compose/" + UID + "\x00", "control characters"),
        ("followthrough://compose/\u202e" + UID, "control characters"),
        ("followthrough://[::1/" + UID, "not a well-formed link"),
        ("invitation.ics\x1b[2J", "control characters"),
        ("/tmp/evil\n.ics", "control characters"),
        ("/etc/passwd", "neither"),
        ("invitation.ics.exe", "neither"),
        ("report.pdf", "neither"),
        ("file:///etc/passwd", "neither"),
        ("file://fileserver/share/x.ics", "another computer"),
        ("file:///tmp/x.ics?download=1", "extra parts"),
        ("file:///tmp/x%0A.ics", "control characters"),
        ("file:x.ics", "no full path"),
        ("a" * (MAX_LENGTH - 10) + ".ics" + "b", "neither"),
        ("/" + "a" * MAX_LENGTH + ".ics", "at most 2000"),
        (LINK + "/" * MAX_LENGTH, "at most 2000"),
    ],
)
def test_anything_else_is_refused_with_one_sentence(text: str, words: str) -> None:
    with pytest.raises(LinkError) as caught:
        parse_link(text)
    message = str(caught.value)
    assert words in message
    assert message.endswith("."), message
    assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
    assert len(message) < 300
    assert isinstance(caught.value, ValueError)


def test_a_long_link_is_refused_before_it_is_read() -> None:
    with pytest.raises(LinkError, match="characters long"):
        parse_link("followthrough://compose/" + "%41" * 100_000)


def test_not_text_is_refused() -> None:
    with pytest.raises(LinkError):
        parse_link(b"followthrough://compose/x")  # type: ignore[arg-type]


def test_the_longest_accepted_path_is_the_limit() -> None:
    text = "/" + "a" * (MAX_LENGTH - 5) + ".ics"
    assert len(text) == MAX_LENGTH
    assert isinstance(parse_link(text), ImportRequest)


def test_relative_ics_paths_are_made_absolute_where_typed(tmp_path: Path) -> None:
    assert absolute_item("invite.ics", str(tmp_path)) == str(tmp_path / "invite.ics")
    assert absolute_item("/abs/invite.ics", str(tmp_path)) == "/abs/invite.ics"
    assert absolute_item(LINK, str(tmp_path)) == LINK
    assert absolute_item("file:///x/y.ics", str(tmp_path)) == "file:///x/y.ics"
    # Not ours: left for the window to explain.
    assert absolute_item("followthrough://delete/x", str(tmp_path)) == "followthrough://delete/x"


@pytest.mark.parametrize(
    ("argv", "items", "rest"),
    [
        ([], [], []),
        ([LINK], [LINK], []),
        (["invite.ics"], ["invite.ics"], []),
        (["--data-dir", "d.ics", LINK], [LINK], ["--data-dir", "d.ics"]),
        (["--data-dir=d", "a.ics", "b.ICS"], ["a.ics", "b.ICS"], ["--data-dir=d"]),
        (["--exit-when-ready", "file:///x.ics"], ["file:///x.ics"], ["--exit-when-ready"]),
        (["import", "invite.ics"], [], ["import", "invite.ics"]),
        (["plan", "--json"], [], ["plan", "--json"]),
        (["followthrough:garbage"], ["followthrough:garbage"], []),
    ],
)
def test_the_command_line_sends_links_before_a_command_to_the_window(
    argv: list[str], items: list[str], rest: list[str]
) -> None:
    assert split_open_items(argv) == (items, rest)


def test_links_module_imports_no_qt() -> None:
    script = (
        "import sys, followthrough.links\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_link_after_a_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from followthrough.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["invite.ics", "plan"])
    assert caught.value.code == 2
    assert "not with the plan command" in capsys.readouterr().err

"""What the window does with a link or file handed to it: open, import, or explain, never more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from window_helpers import shown_window

from followthrough.core.codec import interview_to_dict, step_to_dict
from followthrough.ical.mapping import compose_link, step_uid
from followthrough.store import Store
from followthrough.ui.banner import Banner
from followthrough.ui.main_window import MainWindow
from followthrough.ui.single_instance import ACTIVATE, SingleInstance
from one_interview import store_with_acme

INVITATION = "\r\n".join([
    "BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
    "METHOD:REQUEST",
    "BEGIN:VEVENT",
    "DTSTART:20261124T150000Z", "DTEND:20261124T160000Z", "DTSTAMP:20261120T100000Z",
    "ORGANIZER;CN=Ben Ng:mailto:ben@globex.example",
    "UID:7kq3n0jv2l8r@google.com",
    "SUMMARY:Interview with Globex - Data engineer",
    "END:VEVENT", "END:VCALENDAR", "",
])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with store_with_acme(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def window(qtbot: QtBot, store: Store) -> MainWindow:
    return shown_window(qtbot, store)


def _snapshot(store: Store) -> tuple[object, ...]:
    return (
        [interview_to_dict(iv) for iv in store.interviews()],
        [step_to_dict(s.step) for s in store.steps()],
        [(s.sequence, s.modified) for s in store.steps()],
    )


def _warnings(window: MainWindow) -> list[Banner]:
    return [box for box in window.findChildren(Banner) if not box.isHidden()]


def _only_warning(window: MainWindow) -> Banner:
    """The one warning the window shows (an error when there is none, or more than one)."""
    (box,) = _warnings(window)
    return box


def _first_step_uid(store: Store) -> tuple[str, str]:
    step = store.steps()[0].step
    return step_uid(step.id), step.title


@pytest.mark.parametrize(
    "text",
    [
        "followthrough://delete/followthrough-abc.thank-you@followthrough",
        "followthrough://compose/not-ours@google.com",
        "followthrough://compose/followthrough-abc.thank-you@followthrough?send=now",
        "https://evil.example/invite.ics",
        "/etc/passwd",
        "followthrough://compose/\x1b[31m",
    ],
)
def test_a_bad_link_shows_a_warning_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, store: Store, text: str
) -> None:
    before = _snapshot(store)
    with qtbot.assertNotEmitted(window.compose_requested):
        window.open_request(text)
    box = _only_warning(window)
    assert box.icon() == QMessageBox.Icon.Warning
    assert not box.isModal()
    assert box.text().endswith(".")
    assert "\x1b" not in box.text()
    assert _snapshot(store) == before


def test_a_link_to_a_step_asks_for_its_editor(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    uid, _ = _first_step_uid(store)
    before = _snapshot(store)
    with qtbot.waitSignal(window.compose_requested, timeout=1000) as blocker:
        window.open_request(compose_link(uid).replace("@", "%40") + "/")
    assert blocker.args == [uid]
    assert not _warnings(window)
    # A link never sends anything by itself: nothing was recorded.
    assert _snapshot(store) == before


def test_until_an_editor_listens_the_step_is_named(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    uid, title = _first_step_uid(store)
    window.open_request(compose_link(uid))
    assert not _warnings(window)
    assert title in window.statusBar().currentMessage()
    assert "Acme" in window.statusBar().currentMessage()


def test_an_editor_connected_to_the_signal_gets_the_step(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    uid, _ = _first_step_uid(store)
    opened: list[str] = []
    window.compose_requested.connect(opened.append)
    window.open_request(compose_link(uid))
    assert opened == [uid]
    assert window.statusBar().currentMessage() == ""


def test_a_link_to_a_step_not_in_the_data_says_so(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    before = _snapshot(store)
    with qtbot.assertNotEmitted(window.compose_requested):
        window.open_request(compose_link(step_uid("zzz999.thank-you")))
    assert "not in your data" in _only_warning(window).text()
    assert _snapshot(store) == before


def test_an_ics_file_is_imported(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    invitation = tmp_path / "invite.ics"
    invitation.write_text(INVITATION, encoding="utf-8")
    window.open_request(invitation.as_uri())
    qtbot.waitUntil(window.imports_idle, timeout=20_000)  # imported off the UI thread
    assert not _warnings(window)
    assert sorted(iv.company for iv in store.interviews()) == ["Acme", "Globex"]
    assert "invite.ics" in window.statusBar().currentMessage()
    assert "1 added" in window.statusBar().currentMessage()
    titles = [window.plan_model.index(r, 2).data() for r in range(window.plan_model.rowCount())]
    assert "Globex" in titles
    # The same file again changes nothing.
    before = _snapshot(store)
    window.open_request(str(invitation))
    qtbot.waitUntil(window.imports_idle, timeout=20_000)
    assert "1 unchanged" in window.statusBar().currentMessage()
    assert _snapshot(store) == before


@pytest.mark.parametrize(
    "content", [None, b"", b"\x00\x01binary", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"]
)
def test_an_ics_file_that_cannot_be_imported_shows_why(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "broken.ics"
    if content is not None:
        path.write_bytes(content)
    before = _snapshot(store)
    window.open_request(str(path))
    qtbot.waitUntil(window.imports_idle, timeout=20_000)
    assert "broken.ics" in _only_warning(window).text()
    assert _snapshot(store) == before


def test_a_hand_over_from_another_launch_reaches_the_window(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    uid, _ = _first_step_uid(store)
    instance = SingleInstance(tmp_path / "data")
    instance.listen()
    instance.received.connect(window.open_handed_over)
    try:
        with qtbot.waitSignal(window.compose_requested, timeout=5000) as blocker:
            assert SingleInstance(tmp_path / "data").try_hand_over([ACTIVATE, compose_link(uid)])
        assert blocker.args == [uid]
        assert window.isVisible()
        assert not _warnings(window)
    finally:
        instance.close()


def test_activate_alone_opens_nothing(qtbot: QtBot, window: MainWindow, store: Store) -> None:
    before = _snapshot(store)
    window.showMinimized()
    with qtbot.assertNotEmitted(window.compose_requested):
        window.open_handed_over([ACTIVATE])
    assert not window.isMinimized()
    assert not _warnings(window)
    assert _snapshot(store) == before

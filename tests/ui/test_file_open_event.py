"""QFileOpenEvent (macOS: a double-clicked .ics, a followthrough:// link) reaches open_request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from window_helpers import shown_window

from followthrough.ical.mapping import compose_link, step_uid
from followthrough.store import Store
from followthrough.ui.file_open import FileOpenRouter
from one_interview import store_with_acme

INVITATION = "\r\n".join([
    "BEGIN:VCALENDAR", "PRODID:-//Example Corp//Calendar//EN", "VERSION:2.0", "METHOD:REQUEST",
    "BEGIN:VEVENT",
    "DTSTART:20261124T150000Z", "DTEND:20261124T160000Z", "DTSTAMP:20261120T100000Z",
    "ORGANIZER;CN=Ben Ng:mailto:ben@globex.example",
    "UID:file-open-event-test@example.org",
    "SUMMARY:Interview with Globex - Data engineer",
    "END:VEVENT", "END:VCALENDAR", "",
])


@pytest.fixture
def router(qapp: QApplication) -> Iterator[FileOpenRouter]:
    installed = FileOpenRouter(qapp)
    qapp.installEventFilter(installed)
    yield installed
    qapp.removeEventFilter(installed)
    installed.deleteLater()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with store_with_acme(tmp_path / "data") as opened:
        yield opened


def _send(app: QApplication, event: QFileOpenEvent) -> bool:
    return bool(QCoreApplication.sendEvent(app, event))


def test_a_file_and_a_link_reach_the_target_in_order(
    qapp: QApplication, router: FileOpenRouter, tmp_path: Path
) -> None:
    seen: list[str] = []
    router.set_target(seen.append)
    invitation = tmp_path / "invite.ics"
    assert _send(qapp, QFileOpenEvent(str(invitation)))
    link = "followthrough://compose/abc.thank-you.p1@followthrough"
    assert _send(qapp, QFileOpenEvent(QUrl(link)))
    assert seen == [str(invitation), link]


def test_events_before_the_window_wait_for_it(
    qapp: QApplication, router: FileOpenRouter, tmp_path: Path
) -> None:
    first = str(tmp_path / "a.ics")
    _send(qapp, QFileOpenEvent(first))
    assert router.pending == [first]
    seen: list[str] = []
    router.set_target(seen.append)
    assert seen == [first] and router.pending == []


def test_other_events_pass_through(qapp: QApplication, router: FileOpenRouter) -> None:
    seen: list[str] = []
    router.set_target(seen.append)
    assert not router.eventFilter(qapp, QEvent(QEvent.Type.User))
    assert seen == []


def test_the_window_imports_an_ics_file_from_a_file_open_event(
    qapp: QApplication, qtbot: QtBot, router: FileOpenRouter, store: Store, tmp_path: Path
) -> None:
    window = shown_window(qtbot, store)
    router.set_target(window.open_request)
    invitation = tmp_path / "invite.ics"
    invitation.write_text(INVITATION, encoding="utf-8", newline="")
    before = len(store.interviews())
    _send(qapp, QFileOpenEvent(str(invitation)))
    qtbot.waitUntil(window.imports_idle, timeout=20_000)
    companies = [iv.company for iv in store.interviews()]
    assert len(companies) == before + 1 and "Globex" in companies


def test_the_window_opens_a_followthrough_link_from_a_file_open_event(
    qapp: QApplication, qtbot: QtBot, router: FileOpenRouter, store: Store
) -> None:
    window = shown_window(qtbot, store)
    router.set_target(window.open_request)
    step = store.steps()[0].step
    uid = step_uid(step.id)
    with qtbot.waitSignal(window.compose_requested, timeout=2000) as blocker:
        _send(qapp, QFileOpenEvent(QUrl(compose_link(uid))))
    assert blocker.args == [uid]

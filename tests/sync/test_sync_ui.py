"""The window's sync: on a worker thread, against real CalDAV servers (Radicale and sabre/dav);
status, errors, confirmation."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

from followthrough.core.model import Interview
from followthrough.ical.export import Exporter
from followthrough.store import Store, open_store
from followthrough.sync.accounts import Account
from followthrough.sync.records import sync_items
from followthrough.ui.sync_controller import SyncController
from one_interview import add_acme

if TYPE_CHECKING:
    from conftest import DavServer


@pytest.fixture
def interview(store: Store) -> Interview:
    return add_acme(store)


@pytest.fixture
def account(caldav_account: Account, interview: Interview) -> Account:
    """The CalDAV account, with an interview in the store to send to it."""
    return caldav_account


@pytest.fixture
def controller(qtbot: QtBot, store: Store) -> SyncController:
    made = SyncController(store)
    yield made
    made.shutdown()


def test_sync_runs_off_the_ui_thread_and_reports(
    qtbot: QtBot,
    store: Store,
    account: Account,
    controller: SyncController,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import followthrough.sync.engine as engine

    threads: list[str] = []
    original = engine.sync

    def watched(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "sync", watched)
    statuses: list[str] = []
    controller.status_changed.connect(statuses.append)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as done:
        assert controller.sync_now()
        assert controller.busy and not controller.sync_now()  # never two at once
    assert threads and threads[0] != threading.main_thread().name
    lines = done.args[0]
    assert any("created" in line for line in lines)
    assert statuses[0] == "Syncing…" and statuses[-1].startswith("Synced at ")
    assert set(sync_items(store, account.name)) == set(Exporter(store).event_files())
    assert not controller.busy


def test_a_long_listing_shows_how_it_is_getting_on(
    qtbot: QtBot, account: Account, controller: SyncController, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followthrough.sync import wire

    monkeypatch.setattr(wire, "PROGRESS_EVERY", 0.2)
    answer = wire.DavSession._bounded

    def slow(
        session: wire.DavSession, forward: object, method: str, url: str, **kw: object
    ) -> object:
        if method == "REPORT":
            time.sleep(0.7)  # a server slow to list the calendar
        return answer(session, forward, method, url, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(wire.DavSession, "_bounded", slow)
    statuses: list[str] = []
    controller.status_changed.connect(statuses.append)
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        assert controller.sync_now()
    assert any(s.startswith("Listing the calendar… (") for s in statuses), statuses
    assert statuses[-1].startswith("Synced at ")


def test_a_failed_sync_is_one_sentence(
    qtbot: QtBot, account: Account, controller: SyncController, dav: DavServer
) -> None:
    dav.stop()
    said: list[str] = []
    controller.status_changed.connect(said.append)
    with qtbot.waitSignal(controller.failed, timeout=30_000) as failed:
        assert controller.sync_now(), said
    message = failed.args[0]
    assert message.startswith("Nothing answers") and "\n" not in message
    assert controller.last_error == message
    dav.start()
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now()


def test_mass_delete_asks_then_goes_on_when_confirmed(
    qtbot: QtBot,
    store: Store,
    account: Account,
    interview: Interview,
    controller: SyncController,
) -> None:
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now()
    store.delete_interview(interview.id)
    with qtbot.waitSignal(controller.confirm_deletes, timeout=30_000) as asked:
        controller.sync_now()
    name, count, total = asked.args
    assert name == account.name and count == total > 0
    qtbot.waitUntil(lambda: not controller.busy)
    assert len(sync_items(store, account.name)) == total  # nothing deleted yet
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now(allow_deletes=True)
    assert sync_items(store, account.name) == {}


def test_no_account_says_what_to_do(qtbot: QtBot, controller: SyncController) -> None:
    with qtbot.waitSignal(controller.status_changed) as said:
        assert not controller.sync_now()
    assert "add a CalDAV account" in said.args[0]


def test_the_interval_follows_the_setting(store: Store, controller: SyncController) -> None:
    assert controller.timer.isActive() and controller.timer.interval() == 15 * 60_000
    store.set_setting("sync-interval", "0")
    controller.apply_interval()
    assert not controller.timer.isActive()
    store.set_setting("sync-interval", "5")
    controller.apply_interval()
    assert controller.timer.interval() == 5 * 60_000


def test_the_timer_starts_a_sync(
    qtbot: QtBot, store: Store, account: Account, controller: SyncController
) -> None:
    controller.timer.start(10)
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        pass
    controller.timer.stop()
    assert sync_items(store, account.name)


def test_the_window_gets_a_sync_action_and_status(
    qtbot: QtBot, account: Account, controller: SyncController
) -> None:
    from PySide6.QtWidgets import QLabel, QMainWindow

    from followthrough.ui.sync_controller import attach

    window = QMainWindow()
    qtbot.addWidget(window)
    reloaded: list[bool] = []
    action = attach(window, controller, lambda: reloaded.append(True))
    assert action.shortcut().toString() == "Ctrl+Shift+S"
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        action.trigger()
        assert not action.isEnabled()
    assert action.isEnabled() and reloaded == [True]
    labels = [w for w in window.statusBar().findChildren(QLabel) if w.accessibleName()]
    assert labels and labels[0].text().startswith("Synced at ")


def test_the_window_does_not_reload_at_each_of_its_own_syncs_writes(
    qtbot: QtBot,
    store: Store,
    account: Account,
    controller: SyncController,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sync writes on its own thread and connection, which the window's watch takes for a
    change saved elsewhere: each reload held the event loop (bench/stall.py: 70 ms stalls,
    every second of a first sync). While the sync runs the watch is held; when it ends the
    window reads again once, when something was saved."""
    from followthrough.ui.main_window import WATCH_MS, MainWindow
    from followthrough.ui.sync_controller import attach

    window = MainWindow(store, [])
    qtbot.addWidget(window)
    window.show()
    attach(window, controller)
    held: list[bool] = []
    controller.started.connect(lambda: held.append(window._watch_held))
    reloads: list[bool] = []
    monkeypatch.setattr(window, "reload", lambda **_kw: reloads.append(True))
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        assert controller.sync_now()
        # What the sync's thread saves meanwhile is not read: the watch is held.
        for _ in range(3):
            window._reload_if_changed_elsewhere()
    assert held == [True] and not window._watch_held
    # The first sync only recorded what it sent: nothing the window shows changed.
    assert reloads == []
    qtbot.wait(2 * WATCH_MS)
    assert reloads == []
    # Something shown saved elsewhere while a sync runs (the command line): read once, at
    # its end, and not again for the same writes.
    other, _ = open_store(store.path.parent)
    try:
        with qtbot.waitSignal(controller.finished, timeout=30_000):
            assert controller.sync_now()
            other.add_interview(replace(store.interviews()[0], id="", company="Initech"))
        assert reloads == [True]
        qtbot.wait(2 * WATCH_MS)
        assert reloads == [True]
    finally:
        other.close()
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        assert controller.sync_now()
    qtbot.wait(2 * WATCH_MS)
    assert reloads == [True]  # a sync with nothing to do: nothing read again

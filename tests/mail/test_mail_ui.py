"""Mail in the window, against a real Dovecot: Calendar > Check mail off the UI thread, the
reply in Today with Undo and "Not a reply", IMAP IDLE, and Settings > Mail."""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from dovecot import PARIS, Deliver, Dovecot
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from followthrough.core.model import ActivityKind, Interview, StepStatus
from followthrough.mail.accounts import MailAccount, list_mail_accounts
from followthrough.store import Store
from followthrough.ui.mail_controller import MailController
from followthrough.ui.mail_found import attach
from followthrough.ui.main_window import MainWindow
from followthrough.ui.settings.dialog import SettingsDialog
from followthrough.ui.settings.mail_accounts import MailAccountForm, NewMailAccount
from smtp_server import MemoryKeyring

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from window_helpers import shown_window

ANA = "Ana Diaz <ana@acme.example>"
WHEN = datetime(2026, 11, 26, 9, 40, tzinfo=PARIS)


@pytest.fixture
def window(qtbot: QtBot, store: Store) -> MainWindow:
    return shown_window(qtbot, store)


@pytest.fixture
def controller(window: MainWindow, store: Store):  # -> Iterator[MailController]
    made = MailController(store, window)
    attach(window, made, store)
    yield made
    made.shutdown()


def planned_chasers(store: Store, interview: Interview) -> list[str]:
    return [s.step.key for s in store.steps(interview.id)
            if s.step.chaser and s.step.status is StepStatus.PLANNED]  # fmt: skip


def buttons(window: MainWindow, text: str) -> list[QPushButton]:
    return [b for b in window.mail_found.findChildren(QPushButton) if b.text() == text]


def test_check_mail_logs_the_reply_off_the_ui_thread_and_today_offers_undo(
    qtbot: QtBot, store: Store, acme: Interview, mail_account: MailAccount,
    deliver: Deliver, window: MainWindow, controller: MailController,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import followthrough.mail.check as check

    threads: list[str] = []
    original = check.check_account

    def watched(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_account", watched)
    before = planned_chasers(store, acme)
    assert before and not window.mail_found.isVisible()
    deliver(ANA, "sam@home.example", "Re: Thank you", WHEN)
    statuses: list[str] = []
    controller.status_changed.connect(statuses.append)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as done:
        window.mail_action.trigger()  # Calendar > Check mail
        assert controller.busy
    assert threads and threads[0] != threading.main_thread().name
    assert done.args[0] == ["inbox: Reply from Ana Diaz: Re: Thank you"]
    assert statuses[0] == "Checking mail…" and statuses[-1].startswith("Mail checked at ")
    assert planned_chasers(store, acme) == []
    texts = [label.text() for label in window.mail_found.findChildren(type(window.counts))]
    assert "Reply from Ana Diaz: Re: Thank you" in texts
    assert window.mail_found.isVisible()
    buttons(window, "Undo")[0].click()
    assert planned_chasers(store, acme) == before
    assert [a for a in store.activities(acme.id) if a.kind is ActivityKind.REPLY] == []
    assert not window.mail_found.isVisible()


def test_not_a_reply_is_never_logged_again(
    qtbot: QtBot, store: Store, acme: Interview, mail_account: MailAccount,
    deliver: Deliver, window: MainWindow, controller: MailController,
) -> None:  # fmt: skip
    deliver(ANA, "sam@home.example", "Lunch on Friday?", WHEN, message_id="lunch@acme.example")
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.check_now()
    buttons(window, "Not a reply")[0].click()
    deliver(ANA, "sam@home.example", "Lunch on Friday?", WHEN, message_id="lunch@acme.example")
    with qtbot.waitSignal(controller.finished, timeout=30_000) as again:
        controller.check_now()
    assert again.args[0] == ["inbox: nothing new for your interviews."]
    assert planned_chasers(store, acme) != []


def test_idle_checks_as_soon_as_a_reply_arrives(
    qtbot: QtBot, store: Store, acme: Interview, mail_account: MailAccount,
    deliver: Deliver, window: MainWindow, controller: MailController,
) -> None:  # fmt: skip
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.check_now()
    qtbot.waitUntil(lambda: "inbox" in controller.watchers, timeout=5_000)
    qtbot.wait(1500)  # the watcher signs in and starts IDLE
    with qtbot.waitSignal(controller.finished, timeout=30_000) as done:
        deliver(ANA, "sam@home.example", "Re: Thank you", WHEN + timedelta(hours=1))
    assert done.args[0] == ["inbox: Reply from Ana Diaz: Re: Thank you"]


def test_a_failed_check_is_one_sentence_in_the_banner(
    qtbot: QtBot, store: Store, acme: Interview, mail_account: MailAccount,
    window: MainWindow, controller: MailController, dovecot: Dovecot,
) -> None:  # fmt: skip
    dovecot.stop()
    try:
        with qtbot.waitSignal(controller.failed, timeout=30_000) as failed:
            controller.check_now()
    finally:
        dovecot.start()
    message = failed.args[0]
    assert message.startswith("inbox: Nothing answers at 127.0.0.1 port")
    assert message.endswith(".") and "\n" not in message
    assert controller.last_error == message


def test_settings_mail_adds_checks_and_removes_an_account(
    qtbot: QtBot, store: Store, dovecot: Dovecot, mailbox: tuple[str, str],
    memory_keyring: MemoryKeyring,
) -> None:  # fmt: skip
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    user, password = mailbox
    new = NewMailAccount("inbox", "imap", "127.0.0.1", dovecot.tls_port, "ssl", user, "wrong",
                         dovecot.fingerprint)  # fmt: skip
    assert dialog.add_mail_account(new)
    qtbot.waitUntil(lambda: not dialog.background.busy, timeout=20_000)
    assert "refused the user name" in dialog.message.text()
    assert list_mail_accounts(store) == [] and memory_keyring.secrets == {}
    right = NewMailAccount("inbox", "imap", "127.0.0.1", dovecot.tls_port, "ssl", user, password,
                           dovecot.fingerprint)  # fmt: skip
    with qtbot.waitSignal(dialog.accounts_changed, timeout=20_000):
        assert dialog.add_mail_account(right)
    assert dialog.mail_accounts.rowCount() == 1
    assert dialog.mail_accounts.item(0, 1).text() == user
    assert list(memory_keyring.secrets.values()) == [password]
    interval = dialog.fields["mail-interval"]
    assert interval.value() == 10
    interval.setValue(3)
    assert dialog.apply() and store.settings().mail_interval == 3
    dialog.mail_accounts.selectRow(0)
    dialog.remove_mail_account(dialog.selected_mail_account())
    assert list_mail_accounts(store) == [] and memory_keyring.secrets == {}


def test_the_form_says_when_a_service_takes_no_password(qtbot: QtBot) -> None:
    form = MailAccountForm()
    qtbot.addWidget(form)
    ok = form.buttons.button(QDialogButtonBox.StandardButton.Ok)
    form.preset.setCurrentIndex(form.preset.findData("outlook"))
    assert "OAuth" in form.note.text() and not ok.isEnabled()
    form.preset.setCurrentIndex(form.preset.findData("gmail"))
    assert form.host.text() == "imap.gmail.com" and "app password" in form.note.text()
    assert ok.isEnabled()

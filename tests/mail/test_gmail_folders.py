"""A mailbox laid out as Gmail's: no Sent folder, but "[Gmail]/All Mail" marked \\All
(SPECIAL-USE), which holds what was sent as well as every message received. What the user sent
from there counts as sent; a reply that is in INBOX and in All Mail is logged once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from dovecot import Deliver, Dovecot
from test_check import ANA, LATER, ME

from followthrough.core.model import ActivityKind, Interview, StepStatus
from followthrough.mail.accounts import MailAccount
from followthrough.mail.check import check_account
from followthrough.store import Store

ALL_MAIL = "[Gmail]/All Mail"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot(gmail=True)
    server.start()
    try:
        yield server
    finally:
        server.remove()


def test_what_was_sent_is_found_in_all_mail_and_a_reply_counts_once(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver
) -> None:
    store.set_setting("my-email", "sam@home.example")  # what the user sends from
    [thanks] = [s.step for s in store.steps(acme.id) if s.step.kind == "thank-you"]
    sent_at = acme.end + timedelta(hours=3)
    deliver(ME, ANA, "Thank you", sent_at, folder=ALL_MAIL)
    deliver(ANA, ME, "Re: Thank you", LATER, message_id="answer@acme.example")
    deliver(ANA, ME, "Re: Thank you", LATER, folder=ALL_MAIL, message_id="answer@acme.example")
    report = check_account(store, "inbox", timeout=10)
    assert sorted(f.kind for f in report.found) == ["reply", "sent"]
    assert store.step(thanks.id).step.status is StepStatus.DONE
    activities = store.activities(acme.id)
    assert [a.at for a in activities if a.kind is ActivityKind.DONE] == [sent_at]
    assert [a.at for a in activities if a.kind is ActivityKind.REPLY] == [LATER]

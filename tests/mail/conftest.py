"""A real Dovecot for the mail tests (tests/mail/dovecot.py), a user and an account on it.

`dovecot` is the module's server; `mailbox` a new user with an empty mailbox (user,
password); `mail_account` the account "inbox" of that user, added as the user would (signing
in first), trusting the server's self-signed certificate by its fingerprint, over STARTTLS;
`acme` the Acme interview of 23 November 2026 with Ana Diaz <ana@acme.example>
(tests/one_interview.py), whose follow-ups are the ones a reply cancels.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from dovecot import Deliver, Dovecot, message

from followthrough.core.model import Interview
from followthrough.mail.accounts import MailAccount
from followthrough.mail.check import add_mail_account
from followthrough.store import Store, open_store
from one_interview import add_acme
from smtp_server import MemoryKeyring


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def mailbox(dovecot: Dovecot) -> tuple[str, str]:
    return dovecot.new_user()


@pytest.fixture
def store(isolated_data_dir: Path) -> Iterator[Store]:
    opened, _ = open_store(isolated_data_dir)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def acme(store: Store) -> Interview:
    return add_acme(store)


@pytest.fixture
def mail_account(
    dovecot: Dovecot, mailbox: tuple[str, str], memory_keyring: MemoryKeyring, store: Store
) -> MailAccount:
    user, password = mailbox
    account = MailAccount(
        "inbox", "127.0.0.1", user, port=dovecot.plain_port, security="starttls",
        trusted_fingerprint=dovecot.fingerprint,
    )  # fmt: skip
    added, _ = add_mail_account(store, account, password, timeout=10)
    return added


@pytest.fixture
def deliver(dovecot: Dovecot, mailbox: tuple[str, str]) -> Deliver:
    """Put a message into the user's INBOX (or `folder`), dated `when` (Paris time)."""

    def put(
        sender: str, to: str, subject: str, when: datetime, folder: str = "INBOX", **options: object
    ) -> None:
        data = message(sender, to, subject, when, **options)  # type: ignore[arg-type]
        dovecot.append(*mailbox, folder, data, when)

    return put

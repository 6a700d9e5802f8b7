"""Checking mail against a real Dovecot: replies stop the chasers, sent thank-yous count,
machines' mail does not, and the mailbox is only ever read (header fields, never a body)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dovecot import PARIS, CuttingProxy, Deliver, Dovecot

from followthrough.core.model import Activity, ActivityKind, Interview, StepStatus
from followthrough.mail import state
from followthrough.mail.accounts import MailAccount, list_mail_accounts
from followthrough.mail.check import add_mail_account, check_account
from followthrough.mail.errors import MailError
from followthrough.store import Store
from smtp_server import MemoryKeyring

ANA = "Ana Diaz <ana@acme.example>"
ME = "Sam Lee <sam@home.example>"
NEXT_DAY = datetime(2026, 11, 24, 10, 30, tzinfo=PARIS)
LATER = datetime(2026, 11, 27, 9, 15, tzinfo=PARIS)


def statuses(store: Store, interview: Interview) -> dict[str, StepStatus]:
    return {s.step.key: s.step.status for s in store.steps(interview.id)}


def by_hand(store: Store, interview: Interview, *activities: Activity) -> dict[str, StepStatus]:
    """The plan the same history logged by hand gives."""
    planned = store.compute_plan(interview, [*store.activities(interview.id)[:0], *activities])
    return {step.key: step.status for step in planned}


def test_a_reply_is_logged_at_its_date_and_cancels_the_chasers(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver, dovecot: Dovecot
) -> None:
    assert StepStatus.PLANNED in statuses(store, acme).values()
    deliver(ANA, ME, "Re: Thank you", LATER)
    report = check_account(store, mail_account.name, timeout=10)
    assert [state_found.kind for state_found in report.found] == ["reply"]
    assert report.lines() == ["inbox: Reply from Ana Diaz: Re: Thank you"]
    [reply] = [a for a in store.activities(acme.id) if a.kind is ActivityKind.REPLY]
    assert reply.at == LATER
    assert statuses(store, acme) == by_hand(store, acme, Activity(ActivityKind.REPLY, LATER))
    chasers = [s.step for s in store.steps(acme.id) if s.step.chaser]
    assert chasers and all(s.status is not StepStatus.PLANNED for s in chasers)
    # Read-only: no body was ever read, and the message is still unread.
    assert dovecot.body_reads() and set(dovecot.body_reads()) == {"0"}
    client = dovecot.client(*_user(store, dovecot))
    client.select_folder("INBOX", readonly=True)
    assert all(b"\\Seen" not in flags for flags in client.get_flags(client.search()).values())
    client.logout()


def _user(store: Store, dovecot: Dovecot) -> tuple[str, str]:
    from followthrough.mail.accounts import mail_password

    account, password = mail_password(store, "inbox")
    return account.username, password


def test_the_same_message_is_never_logged_twice(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver, dovecot: Dovecot
) -> None:
    deliver(ANA, ME, "Re: Thank you", LATER, message_id="same@acme.example")
    assert len(check_account(store, "inbox", timeout=10).found) == 1
    again = check_account(store, "inbox", timeout=10)
    assert again.found == [] and again.read == 0
    deliver(ANA, ME, "Re: Thank you", LATER, message_id="same@acme.example")  # a copy
    assert check_account(store, "inbox", timeout=10).found == []
    replies = [a for a in store.activities(acme.id) if a.kind is ActivityKind.REPLY]
    assert len(replies) == 1


def test_a_thank_you_in_sent_marks_the_step_done(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver
) -> None:
    [thanks] = [s.step for s in store.steps(acme.id) if s.step.kind == "thank-you"]
    before = acme.start - timedelta(days=2)
    deliver(ME, ANA, "Looking forward to Monday", before, folder="Sent")  # before: never
    sent_at = acme.end + timedelta(hours=3)
    deliver(ME, ANA, "Thank you", sent_at, folder="Sent")
    report = check_account(store, "inbox", timeout=10)
    assert [(f.kind, f.step) for f in report.found] == [("sent", thanks.key)]
    step = store.step(thanks.id).step
    assert step.status is StepStatus.DONE
    [done] = [a for a in store.activities(acme.id) if a.kind is ActivityKind.DONE]
    assert done.at == sent_at and done.step == thanks.key


def test_auto_replies_and_newsletters_do_not_count(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver
) -> None:
    before = statuses(store, acme)
    for extra in (
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"List-Unsubscribe": "<mailto:leave@acme.example>", "List-Id": "<news.acme.example>"},
    ):
        deliver(ANA, ME, "Out of office", LATER, extra=extra)
    deliver("Acme News <news@acme.example>", ME, "This month at Acme", LATER,
            extra={"List-Unsubscribe": "<https://acme.example/leave>"})  # fmt: skip
    report = check_account(store, "inbox", timeout=10)
    assert report.found == [] and report.read == 5
    assert statuses(store, acme) == before


def test_the_employer_domain_and_our_thread_count_but_public_domains_do_not(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver
) -> None:
    deliver("Someone <someone@gmail.com>", ME, "Hello", LATER)  # public: never an employer
    deliver("Recruiter <jo@agency.example>", ME, "Hi", LATER)  # unknown, not in a thread
    step = next(s.step for s in store.steps(acme.id) if s.step.kind == "thank-you")
    state.remember_sent(store, "<ours@home.example>", step)
    deliver("Recruiter <jo@agency.example>", ME, "Re: Thank you", LATER + timedelta(hours=1),
            in_reply_to="ours@home.example")  # fmt: skip
    deliver("People Team <people@acme.example>", ME, "Next steps", LATER + timedelta(hours=2))
    report = check_account(store, "inbox", timeout=10)
    assert [(f.sender, f.hint) for f in report.found] == [
        ("Recruiter", ""),
        ("People Team", "next-round"),
    ]


def test_undo_and_not_a_reply_give_back_the_plan_and_stick(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver
) -> None:
    before = statuses(store, acme)
    deliver(ANA, ME, "Re: Thank you", LATER, message_id="one@acme.example")
    deliver(ANA, ME, "Lunch?", LATER + timedelta(days=1), message_id="two@acme.example")
    found = check_account(store, "inbox", timeout=10).found
    assert len(found) == 2
    state.take_back(store, "two@acme.example", state.NOT_A_REPLY)
    state.take_back(store, "one@acme.example", state.UNDONE)
    assert statuses(store, acme) == before
    assert [a for a in store.activities(acme.id) if a.kind is ActivityKind.REPLY] == []
    assert state.recent(store) == []
    deliver(ANA, ME, "Lunch?", LATER + timedelta(days=1), message_id="two@acme.example")
    assert check_account(store, "inbox", timeout=10).found == []


def test_a_new_uidvalidity_reads_again_and_logs_nothing_twice(
    store: Store, acme: Interview, mail_account: MailAccount, deliver: Deliver,
    dovecot: Dovecot, mailbox: tuple[str, str],
) -> None:  # fmt: skip
    deliver(ANA, ME, "Re: Thank you", LATER)
    assert len(check_account(store, "inbox", timeout=10).found) == 1
    old = state.folders(store, "inbox")["INBOX"].uidvalidity
    dovecot.new_uidvalidity(mailbox[0])
    deliver(ANA, ME, "Re: Re: Thank you", LATER + timedelta(days=1))
    report = check_account(store, "inbox", timeout=10)
    assert report.read == 2  # the window again, under the new numbers
    assert [f.subject for f in report.found] == ["Re: Re: Thank you"]
    assert state.folders(store, "inbox")["INBOX"].uidvalidity != old


def test_a_check_with_no_new_mail_costs_three_commands(
    store: Store, acme: Interview, dovecot: Dovecot, mailbox: tuple[str, str],
    memory_keyring: MemoryKeyring, deliver: Deliver,
) -> None:  # fmt: skip
    user, password = mailbox
    account = MailAccount("tls", "127.0.0.1", user, port=dovecot.tls_port, security="ssl",
                          trusted_fingerprint=dovecot.fingerprint)  # fmt: skip
    add_mail_account(store, account, password, timeout=10)
    deliver(ANA, ME, "Re: Thank you", LATER)
    assert len(check_account(store, "tls", timeout=10).found) == 1
    quiet = check_account(store, "tls", timeout=10)
    assert quiet.found == [] and quiet.read == 0
    assert quiet.round_trips <= 3  # CAPABILITY, LOGIN, LIST-STATUS


def test_nothing_to_wait_for_means_no_connection(
    store: Store, mail_account: MailAccount, dovecot: Dovecot
) -> None:
    dovecot.stop()
    try:
        assert check_account(store, "inbox", timeout=5).round_trips == 0  # no interview
    finally:
        dovecot.start()


def test_a_connection_cut_mid_fetch_is_one_sentence_and_the_next_check_resumes(
    store: Store, acme: Interview, dovecot: Dovecot, mailbox: tuple[str, str],
    memory_keyring: MemoryKeyring, deliver: Deliver,
) -> None:  # fmt: skip
    user, password = mailbox
    for n in range(4):
        deliver("Acme News <news@acme.example>", ME, f"News {n}", LATER,
                extra={"List-Id": "<news.acme.example>"})  # fmt: skip
    deliver(ANA, ME, "Re: Thank you", LATER + timedelta(hours=1))
    proxy = CuttingProxy(dovecot, fetches=2)
    try:
        account = MailAccount("cut", "127.0.0.1", user, port=proxy.port, security="ssl",
                              trusted_fingerprint=dovecot.fingerprint)  # fmt: skip
        add_mail_account(store, account, password, timeout=10)
        with pytest.raises(MailError) as stopped:
            check_account(store, "cut", timeout=10, batch=2)
        assert proxy.cut.is_set()
    finally:
        proxy.close()
    text = str(stopped.value)
    assert text.startswith("The connection to the mail server 127.0.0.1 broke off")
    assert text.endswith(".") and "\n" not in text
    assert state.folders(store, "cut")["INBOX"].last_uid == 2  # the first batch is kept
    with store.transaction() as conn:  # the same server, reached directly
        conn.execute("UPDATE mail_accounts SET port = ? WHERE name = 'cut'", (dovecot.tls_port,))
    report = check_account(store, "cut", timeout=10, batch=2)
    assert report.read == 3 and [f.subject for f in report.found] == ["Re: Thank you"]


def test_a_wrong_password_saves_nothing(
    store: Store, dovecot: Dovecot, mailbox: tuple[str, str], memory_keyring: MemoryKeyring
) -> None:
    account = MailAccount("inbox", "127.0.0.1", mailbox[0], port=dovecot.tls_port,
                          trusted_fingerprint=dovecot.fingerprint)  # fmt: skip
    with pytest.raises(MailError) as refused:
        add_mail_account(store, account, "wrong", timeout=10)
    assert str(refused.value) == (
        f"The mail server 127.0.0.1 refused the user name {mailbox[0]} or its password; check "
        "both (some services need an app password)."
    )
    assert list_mail_accounts(store) == [] and memory_keyring.secrets == {}


def test_an_untrusted_certificate_says_what_to_trust(
    store: Store, dovecot: Dovecot, mailbox: tuple[str, str], memory_keyring: MemoryKeyring
) -> None:
    from followthrough.sync.trust import show_fingerprint

    for security, port in (("ssl", dovecot.tls_port), ("starttls", dovecot.plain_port)):
        account = MailAccount("inbox", "127.0.0.1", mailbox[0], port=port, security=security)
        with pytest.raises(MailError) as refused:
            add_mail_account(store, account, mailbox[1], timeout=10)
        text = str(refused.value)
        assert text.startswith("The certificate of 127.0.0.1 could not be verified")
        assert show_fingerprint(dovecot.fingerprint) in text
        assert f"--trust-fingerprint {dovecot.fingerprint}" in text and text.endswith(".")
    wrong = MailAccount("inbox", "127.0.0.1", mailbox[0], port=dovecot.tls_port,
                        trusted_fingerprint="ab" * 32)  # fmt: skip
    with pytest.raises(MailError, match="is not the one you trusted"):
        add_mail_account(store, wrong, mailbox[1], timeout=10)
    assert list_mail_accounts(store) == [] and memory_keyring.secrets == {}


def test_malformed_headers_are_read_safely(
    store: Store, acme: Interview, mail_account: MailAccount, dovecot: Dovecot,
    mailbox: tuple[str, str],
) -> None:  # fmt: skip
    crowd = ", ".join(f"person{n}@crowd.example" for n in range(500))
    raw = (
        "From: =?utf-8?q?Ana_D=C3=ADaz?= <ana@acme.example>\r\n"
        f"To: {crowd}\r\n"
        "Subject: =?utf-8?b?UmU6IFRoYW5rIHlvdSDinIUgG1szMW0=?= =?bogus?q?x?=\r\n"
        "Date: Someday in November, maybe\r\n"
        "Message-ID: <odd@acme.example>\r\n"
        "\r\nbody\r\n"
    ).encode()
    dovecot.append(*mailbox, "INBOX", raw, LATER)
    [found] = check_account(store, "inbox", timeout=10).found
    assert found.sender == "Ana Díaz"
    assert found.subject.startswith("Re: Thank you ✅") and "\x1b" not in found.subject
    assert found.at == LATER  # the broken Date gives way to when the server received it

"""`followthrough mail add|list|remove|check|presets` against a real Dovecot, in-process."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from dovecot import PARIS, Deliver, Dovecot

from followthrough.cli import main
from followthrough.core.model import StepStatus
from followthrough.store import open_store
from smtp_server import MemoryKeyring

ACME = (
    "interview", "add", "--company", "Acme", "--role", "Engineer", "--start",
    "2026-11-23T14:00", "--end", "2026-11-23T15:00", "--tz", "Europe/Paris",
    "--interviewer", "Ana Diaz (CTO) <ana@acme.example>",
)  # fmt: skip


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], isolated_data_dir: Path):  # -> Callable
    def invoke(*args: str, stdin: str | None = None) -> Result:
        capsys.readouterr()
        old = sys.stdin
        sys.stdin = io.StringIO(stdin or "")
        try:
            code = main(["--data-dir", str(isolated_data_dir), *args])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        finally:
            sys.stdin = old
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def add_args(dovecot: Dovecot, user: str, *extra: str) -> tuple[str, ...]:
    return (
        "mail", "add", "inbox", "--host", "127.0.0.1", "--port", str(dovecot.plain_port),
        "--security", "starttls", "--username", user, "--password-stdin",
        "--trust-fingerprint", dovecot.fingerprint, *extra,
    )  # fmt: skip


def test_a_reply_found_by_mail_check_cancels_the_chasers(
    run, dovecot: Dovecot, mailbox: tuple[str, str], memory_keyring: MemoryKeyring,
    deliver: Deliver, isolated_data_dir: Path,
) -> None:  # fmt: skip
    from datetime import datetime

    user, password = mailbox
    assert run(*ACME).code == 0
    added = run(*add_args(dovecot, user), stdin=password + "\n")
    assert added.code == 0, added.err
    assert added.out.startswith(f"Added the mail account inbox: {user} at 127.0.0.1 port")
    assert "INBOX and Sent" in added.out and "never changes anything" in added.out
    listed = run("mail", "list")
    assert listed.out == f"inbox  {user} at 127.0.0.1 port {dovecot.plain_port} (STARTTLS)\n"
    assert password not in listed.out + run("mail", "list", "--json").out
    assert run("mail", "check").out == "inbox: nothing new for your interviews.\n"
    deliver("Ana Diaz <ana@acme.example>", "sam@home.example", "Re: Thank you",
            datetime(2026, 11, 26, 11, 0, tzinfo=PARIS))  # fmt: skip
    checked = run("mail", "check", "inbox")
    assert (checked.code, checked.out) == (0, "inbox: Reply from Ana Diaz: Re: Thank you\n")
    store, _ = open_store(isolated_data_dir)
    try:
        chasers = [s.step for s in store.steps() if s.step.chaser]
        assert chasers and all(s.status is not StepStatus.PLANNED for s in chasers)
    finally:
        store.close()
    assert run("mail", "remove", "inbox").out == "Removed the mail account inbox.\n"
    assert memory_keyring.secrets == {}


def test_mistakes_are_one_sentence_and_save_nothing(
    run, dovecot: Dovecot, mailbox: tuple[str, str], memory_keyring: MemoryKeyring
) -> None:
    user, _ = mailbox
    wrong = run(*add_args(dovecot, user), stdin="not-it\n")
    assert (wrong.code, wrong.out) == (1, "")
    assert wrong.err == (
        f"followthrough: The mail server 127.0.0.1 refused the user name {user} or its "
        "password; check both (some services need an app password).\n"
    )
    oauth = run("mail", "add", "work", "--preset", "outlook", "--username", "sam@outlook.com")
    assert oauth.code == 1 and "OAuth" in oauth.err and oauth.err.count("\n") == 1
    empty = run(*add_args(dovecot, user))
    assert empty.err == "followthrough: --password-stdin read no password from standard input.\n"
    none = run("mail", "check")
    assert none.code == 1 and none.err.startswith("followthrough: No mail account is set up")
    assert run("mail", "list").out.startswith("No mail accounts yet.")
    assert memory_keyring.secrets == {}


def test_presets_say_what_each_service_needs(run) -> None:
    out = run("mail", "presets").out
    for name in ("gmail", "fastmail", "icloud", "yahoo", "outlook", "imap"):
        assert f"\n{name}" in f"\n{out}"
    assert "app password" in out and "OAuth" in out

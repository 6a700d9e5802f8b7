"""Checking a mailbox of 10,000 messages on a real Dovecot on 127.0.0.1.

Run from the repo root (Dovecot comes from Debian's dovecot-imapd, as .ci/run installs it):

    .venv/bin/python bench/mail.py [--messages N] [--runs R] [--security ssl|starttls]

It starts Dovecot as the tests do (tests/mail/dovecot.py), fills one user's INBOX with N
messages received after the interview (so the whole mailbox is in the search window: the
worst case), a few of them replies from the interviewer, and for each of R runs, on a fresh
data folder with the Acme interview and the account added, prints the median over the runs of:

1. a first check: every message's header fields read (target: under 2 s);
2. a check with no new mail (targets: under 0.2 s and at most 3 IMAP commands).

The IMAP commands each check sent are printed with its time (CAPABILITY and LOGIN included).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests" / d) for d in ("mail", "")]
from dovecot import Dovecot, message  # noqa: E402 - the tests' own server

from followthrough.mail.accounts import MailAccount  # noqa: E402
from followthrough.mail.check import add_mail_account, check_account  # noqa: E402
from followthrough.store import open_store  # noqa: E402
from one_interview import add_acme  # noqa: E402
from smtp_server import MemoryKeyring, installed_keyring  # noqa: E402

FIRST_TARGET = 2.0
QUIET_TARGET = 0.2
QUIET_COMMANDS = 3
PARIS = ZoneInfo("Europe/Paris")
CHUNK = 500  # messages per MULTIAPPEND


def fill(server: Dovecot, user: str, password: str, count: int) -> None:
    start = datetime(2026, 11, 24, 8, 0, tzinfo=PARIS)
    client = server.client(user, password)
    try:
        batch: list[dict[str, object]] = []
        for n in range(count):
            when = start + timedelta(minutes=n)
            if n % 1000 == 999:
                data = message("Ana Diaz <ana@acme.example>", "sam@home.example",
                               f"Re: Thank you ({n})", when)  # fmt: skip
            else:
                listed = {"List-Id": f"<list{n % 13}.example>"} if n % 2 else None
                data = message(f"Sender {n % 97} <s{n % 97}@shop{n % 13}.example>",
                               "sam@home.example", f"Offer {n}", when, extra=listed)  # fmt: skip
            batch.append({"msg": data, "date": when})
            if len(batch) == CHUNK:
                client.multiappend("INBOX", batch)
                batch = []
        if batch:
            client.multiappend("INBOX", batch)
    finally:
        client.logout()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--security", choices=("ssl", "starttls"), default="ssl")
    args = parser.parse_args()
    server = Dovecot()
    server.start()
    firsts: list[tuple[float, int, int]] = []
    quiets: list[tuple[float, int]] = []
    try:
        user, password = server.new_user()
        began = time.perf_counter()
        fill(server, user, password, args.messages)
        print(f"filled INBOX with {args.messages} messages in {time.perf_counter() - began:.1f} s")
        port = server.tls_port if args.security == "ssl" else server.plain_port
        with installed_keyring(MemoryKeyring()):
            for run in range(args.runs):
                with tempfile.TemporaryDirectory() as folder:
                    store, _ = open_store(Path(folder))
                    try:
                        add_acme(store)
                        account = MailAccount(f"bench{run}", "127.0.0.1", user, port=port,
                                              security=args.security,
                                              trusted_fingerprint=server.fingerprint)  # fmt: skip
                        add_mail_account(store, account, password)
                        began = time.perf_counter()
                        first = check_account(store, account.name)
                        firsts.append((time.perf_counter() - began, first.round_trips, first.read))
                        began = time.perf_counter()
                        quiet = check_account(store, account.name)
                        quiets.append((time.perf_counter() - began, quiet.round_trips))
                        assert quiet.read == 0 and quiet.found == []
                    finally:
                        store.close()
    finally:
        server.remove()
    first_time = statistics.median(t for t, _, _ in firsts)
    quiet_time = statistics.median(t for t, _ in quiets)
    print(f"first check: {first_time:.3f} s median of {args.runs} "
          f"({firsts[0][2]} messages read, {firsts[0][1]} IMAP commands; "
          f"target < {FIRST_TARGET} s)")  # fmt: skip
    print(f"no new mail: {quiet_time:.3f} s median of {args.runs} "
          f"({max(c for _, c in quiets)} IMAP commands; target < {QUIET_TARGET} s and "
          f"<= {QUIET_COMMANDS} commands, over {args.security})")  # fmt: skip
    ok = first_time < FIRST_TARGET and quiet_time < QUIET_TARGET
    if args.security == "ssl":
        ok = ok and max(c for _, c in quiets) <= QUIET_COMMANDS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

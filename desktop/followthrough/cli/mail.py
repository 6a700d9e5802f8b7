"""`followthrough mail`: IMAP accounts (their passwords go to the system keyring only) and
checking them for replies and sent follow-ups, read-only and headers only."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from followthrough.cli.output import CliError, complain, emit
from followthrough.store import Store


def add_parsers(commands: Any) -> None:
    """`followthrough mail add|list|remove|check|presets`."""
    mail = commands.add_parser(
        "mail",
        help="watch your inbox: replies stop the chasers, sent follow-ups are marked done",
    )
    actions = mail.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="connect an IMAP account: signing in is checked first, and the password is kept "
        "in the system keyring only",
    )
    add.add_argument("name", help="a name for the account, e.g. inbox")
    add.add_argument("--host", default="", help="the IMAP server, e.g. imap.example.com")
    add.add_argument("--port", type=int, default=0, help="default 993 (ssl) or 143 (starttls)")
    add.add_argument("--username", required=True, help="the user to sign in as")
    add.add_argument(
        "--security", choices=("ssl", "starttls"), default=None, help="default ssl"
    )
    add.add_argument(
        "--preset",
        default="",
        help="gmail, fastmail, icloud, yahoo, outlook or imap: fills in the server "
        "(see: followthrough mail presets)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    add.add_argument(
        "--trust-fingerprint",
        default="",
        metavar="SHA256",
        help="trust a self-signed server whose certificate has this SHA-256 fingerprint "
        "(and no other certificate)",
    )
    add.set_defaults(token_stdin=False)
    listing = actions.add_parser("list", help="list the mail accounts (never their passwords)")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="forget a mail account and its saved password")
    remove.add_argument("name")
    check = actions.add_parser(
        "check", help="read what is new (header fields only) and log replies and sent mail"
    )
    check.add_argument("name", nargs="?", help="the account (every one without NAME)")
    actions.add_parser("presets", help="the mail services Followthrough knows, and what each needs")


def run(args: argparse.Namespace, store: Store) -> int:
    """Runs `mail add|list|remove|check|presets`."""
    from followthrough.mail import accounts, check, presets

    if args.action == "presets":
        for known in presets.presets().values():
            where = f"{known.host} port {known.port} ({known.security})" if known.host else ""
            emit(f"{known.id:<9} {where or '(your server)'}")
            emit(f"{'':<9} {known.note}")
        return 0
    if args.action == "add":
        return _add(args, store)
    if args.action == "list":
        listed = accounts.list_mail_accounts(store)
        if args.json:
            from dataclasses import asdict

            emit(json.dumps([asdict(account) for account in listed], indent=2))
        elif not listed:
            emit(
                "No mail accounts yet. Add one with: followthrough mail add NAME --host HOST "
                "--username USER"
            )
        for account in [] if args.json else listed:
            extra = f" [{account.preset}]" if account.preset else ""
            emit(f"{account.name}  {account.username} at {account.where}{extra}")
        return 0
    if args.action == "remove":
        name = accounts.get_mail_account(store, args.name).name
        for note in accounts.remove_mail_account(store, args.name):
            complain(f"followthrough: warning: {note}")
        emit(f"Removed the mail account {name}.")
        return 0
    if args.action == "check":
        reports = (
            [check.check_account(store, args.name)] if args.name else check.check_all(store)
        )
        for report in reports:
            for line in report.lines():
                emit(line)
        return 0
    raise CliError(f"Unknown mail action {args.action}.")  # pragma: no cover - argparse


def _add(args: argparse.Namespace, store: Store) -> int:
    from followthrough.cli.sync import account_secret
    from followthrough.mail.accounts import new_mail_account
    from followthrough.mail.check import add_mail_account
    from followthrough.mail.presets import presets
    from followthrough.sync.accounts import require_keyring

    account = new_mail_account(
        args.name,
        username=args.username,
        host=args.host,
        port=args.port,
        security=args.security,
        preset_id=args.preset,
        trusted_fingerprint=args.trust_fingerprint,
    )
    require_keyring()  # before asking for a password it could not keep
    chosen = presets().get(account.preset)
    if chosen is not None and not args.password_stdin and sys.stdin.isatty():
        complain(f"followthrough: {chosen.note}")
    password = account_secret(args, account.name, account.username, account.where, "password")
    added, folders = add_mail_account(store, account, password)
    names = " and ".join(name for name, _ in folders)
    emit(
        f"Added the mail account {added.name}: {added.username} at {added.where}; "
        f"Followthrough reads the header fields of new messages in {names}, and never changes "
        "anything there."
    )
    return 0

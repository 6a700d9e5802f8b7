"""`followthrough account` and `followthrough sync`: CalDAV accounts (their secrets go to the
system keyring only), the calendar each syncs with, and the two-way sync itself."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from followthrough.cli.output import CliError, complain, emit
from followthrough.core.model import ValidationError
from followthrough.store import Store


def add_account_parser(commands: Any) -> None:
    """`followthrough account ...`: CalDAV accounts; their secrets go to the system keyring only."""
    account = commands.add_parser(
        "account", help="CalDAV accounts: add, list, remove, and the calendar each syncs with"
    )
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="connect an account: the login is checked first, and the password is kept in "
        "the system keyring only",
    )
    add.add_argument("name", help="a name for the account, e.g. work")
    add.add_argument(
        "--url",
        default="",
        help="the server's CalDAV address (https://...); with --preset nextcloud or baikal "
        "its host name is enough, other presets know it",
    )
    add.add_argument("--username", required=True, help="the user to log in as")
    add.add_argument(
        "--preset",
        default="",
        help="nextcloud, fastmail, icloud, radicale, baikal or google: fills in the address "
        "(see: followthrough account presets)",
    )
    secret = add.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    secret.add_argument(
        "--token-stdin",
        action="store_true",
        help="log in with an OAuth 2.0 access token (bearer, e.g. Google) read from the first "
        "line of standard input",
    )
    add.add_argument(
        "--trust-fingerprint",
        default="",
        metavar="SHA256",
        help="trust a self-signed server whose certificate has this SHA-256 fingerprint "
        "(and no other certificate)",
    )
    listing = actions.add_parser("list", help="list the accounts (never their passwords)")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="forget an account and its saved password")
    remove.add_argument("name")
    calendars = actions.add_parser("calendars", help="list the calendars the server has")
    calendars.add_argument("name")
    use = actions.add_parser("use", help="choose the calendar the account syncs with")
    use.add_argument("name")
    which = use.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--calendar", metavar="PATH", help="its path (see account calendars), URL or name"
    )
    which.add_argument(
        "--create",
        metavar="NAME",
        help='make a calendar with this name, e.g. "Interview follow-ups"',
    )
    actions.add_parser("presets", help="the services Followthrough knows, and what each needs")


def add_sync_parser(commands: Any) -> None:
    syncer = commands.add_parser(
        "sync",
        help="two-way sync with an account's CalDAV calendar (every account without NAME)",
    )
    syncer.add_argument("name", nargs="?", help="the account (see: followthrough account list)")
    syncer.add_argument(
        "--allow-deletes",
        action="store_true",
        help="go on when the sync would delete more than half of the events (else it asks)",
    )


def account_secret(args: argparse.Namespace, name: str, user: str, origin: str, auth: str) -> str:
    """The password or token of `account add`: from stdin when asked, else typed unechoed."""
    word = "access token" if auth == "bearer" else "password"
    flag = "--token-stdin" if auth == "bearer" else "--password-stdin"
    if args.password_stdin or args.token_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise ValidationError(f"{flag} read no {word} from standard input.")
        return value
    if not sys.stdin.isatty():
        raise ValidationError(
            f"Standard input is not a terminal, so the {word} of {name} cannot be typed; "
            f"pipe it in with {flag}."
        )
    from getpass import getpass

    try:
        value = getpass(f"{word.capitalize()} for {user} at {origin}: ")
    except (EOFError, KeyboardInterrupt):
        value = ""
    if not value:
        raise ValidationError(f"No {word} was given.")
    return value


def run_sync(args: argparse.Namespace, store: Store) -> int:
    """`followthrough sync [NAME]`: pull, then push, for one account or every one."""
    from followthrough.sync import accounts
    from followthrough.sync.engine import sync
    from followthrough.sync.errors import MassDeleteError

    if args.name:
        chosen = [accounts.get_account(store, args.name)]
    else:
        chosen = [a for a in accounts.list_accounts(store) if a.calendar_url]
        if not chosen:
            raise CliError(
                "No account syncs with a calendar yet: add one with followthrough account add, "
                "then choose its calendar with followthrough account use."
            )
    for account in chosen:
        allow = args.allow_deletes
        while True:
            try:
                report = sync(store, account, allow_deletes=allow, progress=_progress)
            except MassDeleteError as error:
                if allow or not sys.stdin.isatty():
                    raise
                complain(f"followthrough: {error}")
                complain(f"Delete {error.count} events and go on? [y/N] ", end="")
                sys.stderr.flush()
                if sys.stdin.readline().strip().lower() not in ("y", "yes"):
                    raise CliError("Nothing was deleted; the sync stopped.") from None
                allow = True
                continue
            break
        if len(chosen) > 1:
            emit(f"{account.name}:")
        for line in report.lines():
            emit(line)
    return 0


def _progress(text: str) -> None:
    """How a long sync is getting on ("Listing the calendar… (5 s)"), on stderr."""
    complain(f"followthrough: {text}")
    sys.stderr.flush()


def run_account(args: argparse.Namespace, store: Store) -> int:
    """Runs `account add|list|remove|calendars|use|presets`."""
    from dataclasses import asdict

    from followthrough.sync import accounts, calendars, connection, presets, trust

    if args.action == "presets":
        for known in presets.PRESETS.values():
            address = known.url.replace("{host}", "HOST").replace("{user}", "USER")
            emit(f"{known.id:<10} {address or '(your server’s address)'}")
            emit(f"{'':<10} {known.note}")
        return 0
    if args.action == "add":
        account = accounts.new_account(
            args.name,
            username=args.username,
            url=args.url,
            preset_id=args.preset,
            trusted_fingerprint=args.trust_fingerprint,
            auth="bearer" if args.token_stdin else None,
        )
        if args.password_stdin and account.auth == "bearer":
            raise ValidationError(
                f"The account {account.name} logs in with an access token: use --token-stdin."
            )
        accounts.require_keyring(account.auth)  # before asking for a secret it could not keep
        chosen = presets.PRESETS.get(account.preset)
        if chosen and not (args.password_stdin or args.token_stdin) and sys.stdin.isatty():
            complain(f"followthrough: {chosen.note}")
        secret = account_secret(args, account.name, account.username, account.origin, account.auth)
        added = connection.add_account(store, account, secret)
        emit(f"Added the account {added.name}: {added.username} at {added.url}.")
        if not added.calendar_url:
            emit(
                f"Next, choose its calendar: followthrough account calendars {added.name}, then "
                f"followthrough account use {added.name} --calendar PATH "
                '(or --create "Interview follow-ups").'
            )
        return 0
    if args.action == "list":
        listed = accounts.list_accounts(store)
        if args.json:
            emit(json.dumps([asdict(account) for account in listed], indent=2))
            return 0
        if not listed:
            emit(
                "No CalDAV accounts yet. Add one with: followthrough account add NAME --url URL "
                "--username USER"
            )
        for account in listed:
            calendar = (
                f"calendar '{account.calendar_name}' ({account.calendar_path})"
                if account.calendar_url
                else "no calendar chosen yet"
            )
            extras = f" [{account.preset}]" if account.preset else ""
            if account.trusted_fingerprint:
                pinned = trust.show_fingerprint(account.trusted_fingerprint)
                extras += f", trusts the certificate {pinned[:23]}…"
            emit(f"{account.name}  {account.username} at {account.url}{extras}  {calendar}")
        return 0
    if args.action == "remove":
        name = accounts.get_account(store, args.name).name
        for note in accounts.remove_account(store, args.name):
            complain(f"followthrough: warning: {note}")
        emit(f"Removed the account {name}.")
        return 0
    if args.action == "calendars":
        account = accounts.get_account(store, args.name)
        found = calendars.discover_calendars(store, args.name)
        if not found:
            emit(
                f"The server lists no calendars for {account.username}; make one with: "
                f'followthrough account use {account.name} --create "Interview follow-ups"'
            )
        for listed_calendar in found:
            chosen_url = account.calendar_url.rstrip("/")
            url = listed_calendar.url
            mark = "*" if chosen_url and url.rstrip("/") == chosen_url else " "
            where = listed_calendar.path if url.startswith(account.origin) else url
            note = "" if listed_calendar.supports_events else "  (no events: tasks or notes only)"
            emit(f"{mark} {where}  {listed_calendar.name}{note}")
        return 0
    if args.action == "use":
        choice = calendars.use_calendar(store, args.name, path=args.calendar, create=args.create)
        updated = choice.account
        what = "Created the calendar" if choice.created else "Chose the calendar"
        emit(
            f"{what} '{updated.calendar_name}' ({updated.calendar_path}); the account "
            f"{updated.name} syncs with it."
        )
        return 0
    raise CliError(f"Unknown account action {args.action}.")  # pragma: no cover - argparse

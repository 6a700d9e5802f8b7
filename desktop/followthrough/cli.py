"""The command line: the same jobs as the window, headless. A stable interface for scripts.

With no sub-command it opens the window; links (`followthrough://compose/...`) and `.ics` files
given instead of a sub-command open in the window, or in the one already open.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from followthrough import __version__
from followthrough.core.codec import interview_to_dict, step_to_dict
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
    ValidationError,
    check_phone,
    next_interviewer_key,
    parse_date,
    parse_instant,
    zone,
)
from followthrough.core.settings import Settings
from followthrough.store import Store, StoreError, open_store


class CliError(Exception):
    """A problem to report on stderr as one sentence."""


def _choices(enum: Any) -> list[str]:
    return [member.value for member in enum]


def _interview_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--company", required=required)
    parser.add_argument("--role", required=required)
    parser.add_argument("--start", required=required, help="ISO 8601, e.g. 2026-11-23T14:00")
    parser.add_argument("--end", required=required, help="ISO 8601, e.g. 2026-11-23T15:00")
    parser.add_argument("--tz", required=required, help="IANA time zone, e.g. Europe/Paris")
    parser.add_argument(
        "--interviewer",
        action="append",
        required=required,
        help='"Name", "Name <email>" or "Name (Title) <email>"; repeatable',
    )
    parser.add_argument("--phone", help="phone number of the first interviewer")
    parser.add_argument("--channel", choices=_choices(Channel))
    parser.add_argument("--decision-date", help="YYYY-MM-DD (an empty value clears it)")
    parser.add_argument("--pace", choices=_choices(Pace))
    parser.add_argument("--playbook")
    parser.add_argument("--topic", action="append", help="a topic discussed; repeatable")
    parser.add_argument("--clarify", action="append", help="a point to clarify; repeatable")
    parser.add_argument("--round", type=int)
    parser.add_argument("--notes")
    parser.add_argument("--location")


class _Parser(argparse.ArgumentParser):
    """Reports a usage mistake as one sentence on stderr, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message[:1].upper()}{message[1:]} (see --help).\n")


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; with `commands` False only the options that open the window
    (building every command's parser costs a fiftieth of a second of the window's start-up)."""
    parser = _Parser(
        prog="followthrough",
        description="Turn each job interview into a plan of calendar follow-ups.",
        epilog="Without a command the window opens. Links (followthrough://compose/...) and "
        ".ics files given before any command open in it, or in the window already open on the "
        "same data folder.",
    )
    parser.add_argument("--version", action="version", version=f"followthrough {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where the data lives (default: FOLLOWTHROUGH_DATA_DIR or the "
        "platform's user data folder)",
    )
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="open the window, print the milliseconds start-up took, and exit",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check this installation offscreen (window, store, export, editor, resources) "
        "against --data-dir, or a temporary folder; prints a line per check",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_commands(subparsers)
    return parser


def _add_commands(commands: Any) -> None:
    interview = commands.add_parser("interview", help="add, list, show, edit or delete interviews")
    iv_commands = interview.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = iv_commands.add_parser("add", help="record an interview; prints its id")
    _interview_options(add, required=True)
    listing = iv_commands.add_parser("list", help="list interviews")
    listing.add_argument("--json", action="store_true")
    show = iv_commands.add_parser("show", help="show one interview and its plan")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    edit = iv_commands.add_parser("edit", help="change an interview (only the options given)")
    edit.add_argument("id")
    _interview_options(edit, required=False)
    delete = iv_commands.add_parser("delete", help="delete an interview and its plan")
    delete.add_argument("id")

    plan = commands.add_parser("plan", help="the follow-up steps")
    plan.add_argument("--interview")
    plan.add_argument("--json", action="store_true")
    plan.add_argument("--all", action="store_true", help="include cancelled steps")

    reply = commands.add_parser("reply", help="log that the employer replied")
    reply.add_argument("id")
    reply.add_argument("--at", help="when (ISO 8601; default now)")
    reply.add_argument("--note", default="")

    delay = commands.add_parser("delay", help="log a delay: the decision now comes by a date")
    delay.add_argument("id")
    delay.add_argument("--until", required=True, help="the new decision date, YYYY-MM-DD")
    delay.add_argument("--at", help="when they told you (default now)")

    outcome = commands.add_parser("outcome", help="log the outcome: offer, rejected or withdrawn")
    outcome.add_argument("id")
    outcome.add_argument("result", choices=_choices(Outcome))
    outcome.add_argument("--at", help="when (default now)")

    step = commands.add_parser("step", help="mark a step done or skipped, or move it")
    step_commands = step.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("done", "mark a step done"),
        ("skip", "skip a step"),
        ("reopen", "undo done or skip"),
    ):
        sub = step_commands.add_parser(name, help=text)
        sub.add_argument("step")
        sub.add_argument("--at", help="when (default now)")
        if name == "done":
            sub.add_argument("--how", default="", help="how it went, e.g. 'voicemail'")
    move = step_commands.add_parser("move", help="move a step to another time")
    move.add_argument("step")
    move.add_argument("--to", required=True, help="ISO 8601; without an offset, in your zone")

    config = commands.add_parser("config", help="read or change a setting")
    config_commands = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    get = config_commands.add_parser("get", help="print a setting (all without KEY)")
    get.add_argument("key", nargs="?")
    setter = config_commands.add_parser("set", help="change a setting")
    setter.add_argument("key", help=", ".join(Settings.names()))
    setter.add_argument("value")

    export = commands.add_parser("export", help="write interviews and follow-ups to an .ics file")
    export.add_argument("file", type=Path)
    export.add_argument("--interview", help="only this interview")
    export.add_argument("--from", dest="start", help="only events from this date (YYYY-MM-DD)")
    export.add_argument("--to", dest="end", help="only events up to this date (YYYY-MM-DD)")

    importer = commands.add_parser(
        "import", help="import an .ics file: an invitation or a Followthrough export"
    )
    importer.add_argument("file", type=Path)

    feed = commands.add_parser("feed", help="the subscription feed for Google Calendar, Outlook")
    feed_commands = feed.add_subparsers(dest="action", metavar="ACTION", required=True)
    feed_write = feed_commands.add_parser("write", help="write the feed to a file")
    feed_write.add_argument("file", type=Path)
    feed_serve = feed_commands.add_parser(
        "serve", help="serve the feed over HTTP until Ctrl-C; prints its URL"
    )
    feed_serve.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default 8765; 0: any free one)"
    )
    feed_serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this computer only; any other address "
        "lets anyone on the network who has the URL read the feed)",
    )
    feed_serve.add_argument(
        "--new-token",
        action="store_true",
        help="make a new secret URL; the old one stops working",
    )
    feed_publish = feed_commands.add_parser(
        "publish", help="upload the feed to a WebDAV folder (Nextcloud, ...) with HTTP PUT"
    )
    feed_publish.add_argument(
        "url", help="https://... of the file (a URL ending in / gets followthrough.ics)"
    )
    feed_publish.add_argument("--username", help="the WebDAV user (or user@ in the URL)")
    feed_publish.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )

    commands.add_parser("playbooks", help="list the playbooks and any problems with them")
    _account_parser(commands)
    _compose_parsers(commands)
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


def _account_parser(commands: Any) -> None:
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


# -- helpers ---------------------------------------------------------------------------------


def _emit(text: str) -> None:
    sys.stdout.write(text + "\n")


def _moment(store: Store, text: str | None, what: str) -> datetime:
    if not text:
        return datetime.now(UTC).astimezone(store.settings().zone).replace(microsecond=0)
    return parse_instant(text, store.settings().zone, what)


def _people(
    specs: list[str], phone: str | None, previous: tuple[Interviewer, ...] = ()
) -> tuple[Interviewer, ...]:
    """Interviewers from the command line, keeping the keys of people already recorded."""
    people: list[Interviewer] = []
    for spec in specs:
        person = Interviewer.parse(spec)
        match = next(
            (
                p
                for p in previous
                if (person.email and p.email.lower() == person.email.lower())
                or p.name.casefold() == person.name.casefold()
            ),
            None,
        )
        key = (
            match.key
            if match and match.key not in {q.key for q in people}
            else next_interviewer_key([*previous, *people])
        )
        people.append(replace(person, key=key, phone=match.phone if match else ""))
    if phone is not None and people:
        people[0] = replace(people[0], phone=check_phone(phone))
    return tuple(people)


def _interview_from_args(
    args: argparse.Namespace, store: Store, base: Interview | None = None
) -> Interview:
    tz_name = args.tz or (base.tz if base else store.settings().timezone)
    tz = zone(tz_name)
    if base is None:
        start = parse_instant(args.start, tz, "start")
        end = parse_instant(args.end, tz, "end")
        people = _people(args.interviewer, args.phone)
        fields: dict[str, Any] = {}
    else:
        start = parse_instant(args.start, tz, "start") if args.start else base.start.astimezone(tz)
        end = parse_instant(args.end, tz, "end") if args.end else base.end.astimezone(tz)
        people = (
            _people(args.interviewer, args.phone, base.interviewers)
            if args.interviewer
            else base.interviewers
        )
        if args.phone is not None and not args.interviewer:
            people = (replace(people[0], phone=check_phone(args.phone)), *people[1:])
        fields = {}
    for name in ("company", "role", "notes", "location", "playbook"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value
    if args.channel:
        fields["channel"] = Channel(args.channel)
    if args.pace:
        fields["pace"] = Pace(args.pace)
    if args.round is not None:
        fields["round"] = args.round
    if args.topic is not None:
        fields["topics"] = tuple(args.topic)
    if args.clarify is not None:
        fields["clarify"] = tuple(args.clarify)
    if args.decision_date is not None:
        fields["decision_date"] = (
            parse_date(args.decision_date, "decision date") if args.decision_date.strip() else None
        )
    if base is None:
        return Interview(
            id="",
            company=fields.pop("company"),
            role=fields.pop("role"),
            interviewers=people,
            start=start,
            end=end,
            tz=tz.key,
            **fields,
        ).validated()
    return replace(base, interviewers=people, start=start, end=end, tz=tz.key, **fields).validated()


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


def _activity_text(activity: Activity, tz: ZoneInfo) -> str:
    """One line of an interview's history, as `interview show` prints it."""
    kind, step = activity.kind, f" {activity.step}" if activity.step else ""
    if kind is ActivityKind.CONFLICT:
        return f"sync conflict: {activity.note}"
    if kind is ActivityKind.DELAY and activity.until is not None:
        text = f"delay: decision by {activity.until.isoformat()}"
    elif kind is ActivityKind.OUTCOME and activity.outcome is not None:
        text = f"outcome: {activity.outcome.value}"
    elif kind is ActivityKind.MOVE and activity.to is not None:
        text = f"moved{step} to {_local(activity.to, tz)}"
    else:
        text = f"{kind.value}{step}" + (f" ({activity.how})" if activity.how else "")
    return f"{text} — {activity.note}" if activity.note else text


def _plan_rows(store: Store, interview_id: str | None, include_all: bool) -> list[dict[str, Any]]:
    if interview_id:
        store.interview(interview_id)
    rows = [step_to_dict(s.step) for s in store.steps(interview_id)]
    tz = store.settings().zone
    for row, stored in zip(rows, store.steps(interview_id), strict=True):
        row["start"] = stored.step.start.astimezone(tz).isoformat()
        row["end"] = stored.step.end.astimezone(tz).isoformat()
        row["deadline"] = stored.step.deadline.astimezone(tz).isoformat()
        row["sequence"] = stored.sequence
    if not include_all:
        rows = [r for r in rows if r["status"] != "cancelled"]
    return rows


def _print_plan(rows: list[dict[str, Any]], tz: ZoneInfo) -> None:
    if not rows:
        _emit("No follow-up steps.")
        return
    for row in rows:
        start = _local(datetime.fromisoformat(row["start"]), tz)
        _emit(f"{start}  {row['status']:<9}  {row['channel']:<7}  {row['title']}  [{row['id']}]")


# -- commands --------------------------------------------------------------------------------


def _run(args: argparse.Namespace, store: Store) -> int:
    tz = store.settings().zone
    if args.command == "interview":
        if args.action == "add":
            interview = store.add_interview(_interview_from_args(args, store))
            _emit(interview.id)
        elif args.action == "list":
            interviews = store.interviews()
            if args.json:
                _emit(json.dumps([interview_to_dict(iv) for iv in interviews], indent=2))
            elif not interviews:
                _emit("No interviews yet. Add one with: followthrough interview add ...")
            for iv in [] if args.json else interviews:
                _emit(f"{iv.id}  {_local(iv.start, tz)}  {iv.company} — {iv.role}")
        elif args.action == "show":
            iv = store.interview(args.id)
            if args.json:
                data = interview_to_dict(iv)
                data["plan"] = _plan_rows(store, iv.id, include_all=True)
                _emit(json.dumps(data, indent=2))
            else:
                _emit(f"{iv.company} — {iv.role} (round {iv.round})  [{iv.id}]")
                _emit(
                    f"{_local(iv.start, ZoneInfo(iv.tz))} to {iv.end.strftime('%H:%M')} "
                    f"{iv.tz}, {iv.channel.value}, pace {iv.pace.value}, "
                    f"playbook {store.playbook_for(iv).name}"
                )
                for person in iv.interviewers:
                    title = f" ({person.title})" if person.title else ""
                    phone = f", {person.phone}" if person.phone else ""
                    _emit(f"  with {person.address}{title}{phone}")
                if iv.decision_date:
                    _emit(f"Decision expected by {iv.decision_date.isoformat()}")
                _print_plan(_plan_rows(store, iv.id, include_all=False), tz)
                history = store.activities(iv.id)
                if history:
                    _emit("History:")
                for activity in history:
                    _emit(f"  {_local(activity.at, tz)}  {_activity_text(activity, tz)}")
        elif args.action == "edit":
            store.update_interview(_interview_from_args(args, store, store.interview(args.id)))
        elif args.action == "delete":
            store.delete_interview(args.id)
        return 0
    if args.command == "plan":
        rows = _plan_rows(store, args.interview, args.all)
        if args.json:
            _emit(json.dumps(rows, indent=2))
        else:
            _print_plan(rows, tz)
        return 0
    if args.command in ("reply", "delay", "outcome"):
        interview = store.interview(args.id)
        at = _moment(store, args.at, "time")
        if at < interview.start:
            raise ValidationError("That time is before the interview started.")
        if args.command == "reply":
            activity = Activity(ActivityKind.REPLY, at, note=args.note)
        elif args.command == "delay":
            until = parse_date(args.until, "new decision date")
            if until < at.astimezone(tz).date():
                raise ValidationError("The new decision date is before the day they told you.")
            activity = Activity(ActivityKind.DELAY, at, until=until)
        else:
            activity = Activity(ActivityKind.OUTCOME, at, outcome=Outcome(args.result))
        store.record(interview.id, activity)
        return 0
    if args.command == "step":
        stored = store.step(args.step)
        interview = store.interview(stored.step.interview_id)
        if args.action == "move":
            to = parse_instant(args.to, tz, "new time")
            if to < interview.start:
                raise ValidationError("A follow-up cannot move before the interview.")
            activity = Activity(
                ActivityKind.MOVE, _moment(store, None, "time"), step=stored.step.key, to=to
            )
        else:
            at = _moment(store, args.at, "time")
            if at < interview.start:
                raise ValidationError("That time is before the interview started.")
            kind = {
                "done": ActivityKind.DONE,
                "skip": ActivityKind.SKIP,
                "reopen": ActivityKind.REOPEN,
            }[args.action]
            activity = Activity(kind, at, step=stored.step.key, how=getattr(args, "how", ""))
        store.record(interview.id, activity)
        return 0
    if args.command == "config":
        settings = store.settings()
        if args.action == "get":
            keys = [args.key] if args.key else Settings.names()
            for key in keys:
                value = settings.get(key)
                _emit(value if args.key else f"{key} = {value}")
        else:
            store.set_setting(args.key, args.value)
        return 0
    if args.command in ("export", "import", "feed"):
        return _run_ical(args, store)
    if args.command == "account":
        return _run_account(args, store)
    if args.command == "sync":
        return _run_sync(args, store)
    if args.command == "compose":
        return _run_compose(args, store)
    if args.command == "smtp":
        return _run_smtp(args, store)
    if args.command == "playbooks":
        for book in sorted(store.library.playbooks.values(), key=lambda b: b.id):
            marker = "*" if book.id == store.settings().playbook else " "
            _emit(f"{marker} {book.id:<14} {book.name}: {book.description}")
        return 0
    raise CliError(f"Unknown command {args.command}.")  # pragma: no cover - argparse guards it


def _run_ical(args: argparse.Namespace, store: Store) -> int:
    from followthrough.files import write_atomically
    from followthrough.ical.export import Exporter, Selection
    from followthrough.ical.ics_import import import_file

    if args.command == "import":
        for line in import_file(store, args.file.expanduser()).lines():
            _emit(line)
        return 0
    exporter = Exporter(store)
    if args.command == "feed":
        if args.action in ("serve", "publish"):
            from followthrough.ical.feed import publish_command, serve_command

            if args.action == "serve":
                return serve_command(
                    store,
                    host=args.host,
                    port=args.port,
                    renew_token=args.new_token,
                    exporter=exporter,
                )
            return publish_command(
                exporter, args.url, username=args.username, password_stdin=args.password_stdin
            )
        write_atomically(args.file, exporter.feed())
        return 0
    start = parse_date(args.start, "start date") if args.start else None
    end = parse_date(args.end, "end date") if args.end else None
    if start and end and end < start:
        raise ValidationError("The end date is before the start date.")
    selection = Selection(interview_id=args.interview, start=start, end=end)
    write_atomically(args.file, exporter.ics(selection))
    return 0


def _account_secret(args: argparse.Namespace, name: str, user: str, origin: str, auth: str) -> str:
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


def _run_sync(args: argparse.Namespace, store: Store) -> int:
    """`followthrough sync [NAME]`: pull, then push, for one account or every one."""
    from followthrough.sync import accounts
    from followthrough.sync.engine import MassDeleteError, sync

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
                report = sync(store, account, allow_deletes=allow)
            except MassDeleteError as error:
                if allow or not sys.stdin.isatty():
                    raise
                sys.stderr.write(f"followthrough: {error}\n")
                sys.stderr.write(f"Delete {error.count} events and go on? [y/N] ")
                sys.stderr.flush()
                if sys.stdin.readline().strip().lower() not in ("y", "yes"):
                    raise CliError("Nothing was deleted; the sync stopped.") from None
                allow = True
                continue
            break
        if len(chosen) > 1:
            _emit(f"{account.name}:")
        for line in report.lines():
            _emit(line)
    return 0


def _run_account(args: argparse.Namespace, store: Store) -> int:
    from dataclasses import asdict

    from followthrough.sync import accounts

    if args.action == "presets":
        for known in accounts.PRESETS.values():
            address = known.url.replace("{host}", "HOST").replace("{user}", "USER")
            _emit(f"{known.id:<10} {address or '(your server’s address)'}")
            _emit(f"{'':<10} {known.note}")
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
        chosen = accounts.PRESETS.get(account.preset)
        if chosen and not (args.password_stdin or args.token_stdin) and sys.stdin.isatty():
            sys.stderr.write(f"followthrough: {chosen.note}\n")
        secret = _account_secret(args, account.name, account.username, account.origin, account.auth)
        added = accounts.add_account(store, account, secret)
        _emit(f"Added the account {added.name}: {added.username} at {added.url}.")
        if not added.calendar_url:
            _emit(
                f"Next, choose its calendar: followthrough account calendars {added.name}, then "
                f"followthrough account use {added.name} --calendar PATH "
                '(or --create "Interview follow-ups").'
            )
        return 0
    if args.action == "list":
        listed = accounts.list_accounts(store)
        if args.json:
            _emit(json.dumps([asdict(account) for account in listed], indent=2))
            return 0
        if not listed:
            _emit(
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
                pinned = accounts.show_fingerprint(account.trusted_fingerprint)
                extras += f", trusts the certificate {pinned[:23]}…"
            _emit(f"{account.name}  {account.username} at {account.url}{extras}  {calendar}")
        return 0
    if args.action == "remove":
        name = accounts.get_account(store, args.name).name
        for note in accounts.remove_account(store, args.name):
            sys.stderr.write(f"followthrough: warning: {note}\n")
        _emit(f"Removed the account {name}.")
        return 0
    if args.action == "calendars":
        account = accounts.get_account(store, args.name)
        found = accounts.discover_calendars(store, args.name)
        if not found:
            _emit(
                f"The server lists no calendars for {account.username}; make one with: "
                f'followthrough account use {account.name} --create "Interview follow-ups"'
            )
        for listed_calendar in found:
            chosen_url = account.calendar_url.rstrip("/")
            url = listed_calendar.url
            mark = "*" if chosen_url and url.rstrip("/") == chosen_url else " "
            where = listed_calendar.path if url.startswith(account.origin) else url
            note = "" if listed_calendar.supports_events else "  (no events: tasks or notes only)"
            _emit(f"{mark} {where}  {listed_calendar.name}{note}")
        return 0
    if args.action == "use":
        choice = accounts.use_calendar(store, args.name, path=args.calendar, create=args.create)
        updated = choice.account
        what = "Created the calendar" if choice.created else "Chose the calendar"
        _emit(
            f"{what} '{updated.calendar_name}' ({updated.calendar_path}); the account "
            f"{updated.name} syncs with it."
        )
        return 0
    raise CliError(f"Unknown account action {args.action}.")  # pragma: no cover - argparse


# -- the message of a step, and sending by SMTP ----------------------------------------------


def _compose_parsers(commands: Any) -> None:
    """`followthrough compose UID` and `followthrough smtp password|test|forget`."""
    compose = commands.add_parser(
        "compose",
        help="the message of a follow-up: open it in the editor, print it, or save an .eml draft",
    )
    compose.add_argument(
        "uid", metavar="UID", help="the step's UID, its followthrough://compose/ link, or its id"
    )
    how = compose.add_mutually_exclusive_group()
    how.add_argument(
        "--print",
        dest="print_text",
        action="store_true",
        help="write the subject and message to standard output (your saved draft if any)",
    )
    how.add_argument(
        "--eml", type=Path, metavar="FILE", help="save it as an .eml draft your mail program opens"
    )
    smtp = commands.add_parser(
        "smtp", help="sending by SMTP: save the password in the keyring, test it, or forget it"
    )
    actions = smtp.add_subparsers(dest="action", metavar="ACTION", required=True)
    password = actions.add_parser(
        "password",
        help="sign in to the mail server (smtp-host) and keep the password in the system keyring",
    )
    password.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    actions.add_parser("test", help="sign in with the saved password; sends nothing")
    actions.add_parser("forget", help="remove the saved password from the keyring")


def _shown(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:120]


def _compose_step_id(text: str) -> str:
    """The step id a `compose` argument names: a link, a step UID, or the id itself."""
    from followthrough.ical.mapping import parse_uid
    from followthrough.links import ComposeRequest, LinkError, parse_link

    text = text.strip()
    if text.lower().startswith("followthrough:"):
        try:
            request = parse_link(text)
        except LinkError as error:
            raise CliError(str(error)) from None
        if not isinstance(request, ComposeRequest):  # pragma: no cover - parse_link guards it
            raise CliError(f"{_shown(text)} is not a link to a follow-up.")
        return request.step_id
    parsed = parse_uid(text)
    if parsed is not None:
        if not parsed[1]:
            raise CliError(
                "That UID is an interview's, not one of its follow-ups', so there is no message."
            )
        return f"{parsed[0]}.{parsed[1]}"
    return text


def _run_compose(args: argparse.Namespace, store: Store) -> int:
    from followthrough.core.model import StepChannel
    from followthrough.store.drafts import message_text

    step_id = _compose_step_id(args.uid)
    try:
        step = store.step(step_id).step
    except ValidationError:
        raise CliError(
            f"There is no follow-up '{_shown(args.uid)}' in your data; "
            "followthrough plan lists them with their ids."
        ) from None
    if not (args.print_text or args.eml):
        from followthrough.ical.mapping import compose_link, step_uid
        from followthrough.ui.app import run_gui

        # A window already open on this data gets the link; a link only opens the editor.
        return run_gui(args.data_dir, open_items=[compose_link(step_uid(step.id))])
    subject, body, draft = message_text(store, step)
    if args.print_text:
        sys.stdout.write(f"Subject: {subject}\n\n{body}" if subject else body)
        return 0
    if step.channel is not StepChannel.EMAIL:
        raise CliError(
            f"This follow-up is a {step.channel.value} step, not an email: use --print instead."
        )
    from followthrough.compose.eml import email_message, write_eml

    settings = store.settings()
    message = email_message(
        draft.to_name, draft.to_address, subject, body, settings.my_name, settings.my_email,
        unsent=True,
    )  # fmt: skip
    path = args.eml.expanduser()
    write_eml(path, message)
    _emit(f"Saved the draft as {path}; open it in your mail program to send it.")
    return 0


def _smtp_secret(args: argparse.Namespace, user: str, where: str) -> str:
    if args.password_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise ValidationError("--password-stdin read no password from standard input.")
        return value
    if not sys.stdin.isatty():
        raise ValidationError(
            "Standard input is not a terminal, so the password cannot be typed; "
            "pipe it in with --password-stdin."
        )
    from getpass import getpass

    try:
        value = getpass(f"Password of {user} at {where}: ")
    except (EOFError, KeyboardInterrupt):
        value = ""
    if not value:
        raise ValidationError("No password was given.")
    return value


def _run_smtp(args: argparse.Namespace, store: Store) -> int:
    from followthrough.compose.smtp import (
        forget_smtp_password,
        save_smtp_password,
        smtp_config,
        smtp_password,
        verify,
    )
    from followthrough.store.secrets import SecretStoreUnavailable, available

    config = smtp_config(store.settings())
    if config is None:
        raise CliError(
            "No mail server is set up: run followthrough config set smtp-host smtp.example.com "
            "and followthrough config set my-email you@example.com first."
        )
    try:
        if args.action == "password":
            if not available():
                raise CliError(
                    "No system keyring is available to keep the SMTP password, so none was "
                    "asked for; send from your mail program (Open in mail app, .eml) instead."
                )
            password = _smtp_secret(args, config.username, config.describe())
            verify(config, password)
            save_smtp_password(config, password)
            _emit(
                f"Signed in to {config.describe()} as {config.username}; the password is saved "
                "in the system keyring."
            )
        elif args.action == "test":
            saved = smtp_password(config)
            if not saved:
                raise CliError(
                    f"No SMTP password is saved for {config.username} at {config.host}: "
                    "run followthrough smtp password first."
                )
            verify(config, saved)
            _emit(f"Signed in to {config.describe()} as {config.username}: sending works.")
        elif forget_smtp_password(config):
            _emit(f"Forgot the SMTP password of {config.username} at {config.host}.")
        else:
            _emit(f"No SMTP password was saved for {config.username} at {config.host}.")
    except SecretStoreUnavailable as error:
        raise CliError(str(error)) from None
    return 0


def _is_open_item(token: str) -> bool:
    lowered = token.strip().lower()
    return lowered.startswith(("followthrough:", "file:")) or lowered.endswith(".ics")


def split_open_items(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(links and .ics paths for the window, the other arguments) from a command line.

    Only arguments before the sub-command count, so `followthrough import x.ics` still
    imports; a link or a path ending in .ics there goes to the window (see ui.app.run_gui).
    """
    items: list[str] = []
    rest: list[str] = []
    tokens = list(argv)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "--data-dir" and index + 1 < len(tokens):
            rest += tokens[index : index + 2]
            index += 2
            continue
        if token.startswith("-"):
            rest.append(token)
        elif _is_open_item(token):
            items.append(token)
        else:
            rest += tokens[index:]
            break
        index += 1
    return items, rest


def _names_a_command(rest: Sequence[str]) -> bool:
    """Whether the arguments go past the options that open the window: a command, or --help
    (which lists the commands)."""
    skip = False
    for token in rest:
        if skip:
            skip = False
        elif token == "--data-dir":
            skip = True
        elif token in ("-h", "--help") or not token.startswith("-"):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `followthrough` command and of `python -m followthrough`."""
    open_items, rest = split_open_items(sys.argv[1:] if argv is None else argv)
    parser = build_parser(commands=_names_a_command(rest))
    args = parser.parse_args(rest)
    if args.data_dir is not None:
        args.data_dir = args.data_dir.expanduser()
    if open_items and args.command is not None:
        parser.error(
            f"links and .ics files open in the window, not with the {args.command} command"
        )
    if args.smoke_test:
        from followthrough.ui.smoke import run_smoke_test

        return run_smoke_test(args.data_dir)
    if args.command is None:
        from followthrough.ui.app import run_gui

        return run_gui(
            args.data_dir, exit_when_ready=args.exit_when_ready, open_items=open_items
        )
    try:
        store, warnings = open_store(args.data_dir)
    except StoreError as error:
        sys.stderr.write(f"followthrough: {error}\n")
        return 1
    for warning in warnings:
        sys.stderr.write(f"followthrough: warning: {warning}\n")
    try:
        return _run(args, store)
    except BrokenPipeError:
        # The reader went away (`followthrough plan | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (ValidationError, CliError, StoreError) as error:
        sys.stderr.write(f"followthrough: {error}\n")
        return 1
    finally:
        store.close()

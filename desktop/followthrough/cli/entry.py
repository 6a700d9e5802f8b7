"""The entry point: which arguments open the window, the top-level parser, and handing a
command to the module of its group.

Starting the window comes through here, so this module imports no command group: their parsers
are built, and their modules imported, only when a command (only its group's) or --help is
given.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from followthrough import __version__
from followthrough.cli.output import CliError, complain
from followthrough.core.model import ValidationError
from followthrough.store import Store, StoreError, open_store
from followthrough.store.backups import damaged


class _Parser(argparse.ArgumentParser):
    """Reports a usage mistake as one sentence on stderr, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message[:1].upper()}{message[1:]} (see --help).\n")


def build_parser(*, commands: bool = True, only: str = "") -> argparse.ArgumentParser:
    """The command line's parser; with `commands` False only the options that open the window
    (building every command's parser costs a fiftieth of a second of the window's start-up),
    and with `only` naming a command, only the parsers of its group (the others' cost a
    command as much)."""
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
    _add_commands(subparsers, only)
    return parser


# Each group's parsers: its module, the function that adds them, and the commands it adds (a
# command not named here, or none, builds them all), in the order --help lists them.
_GROUPS = (
    (
        "interviews",
        "add_parsers",
        ("interview", "plan", "reply", "delay", "outcome", "step", "undo", "redo"),
    ),
    ("settings", "add_config_parser", ("config",)),
    ("exchange", "add_parsers", ("export", "import", "feed")),
    ("settings", "add_playbooks_parser", ("playbooks",)),
    ("sync", "add_account_parser", ("account",)),
    ("compose", "add_parsers", ("compose", "smtp")),
    ("sync", "add_sync_parser", ("sync",)),
    ("mail", "add_parsers", ("mail",)),  # mail add, list, remove, check, presets
    ("settings", "add_restore_parser", ("restore-backup",)),
)


def _add_commands(commands: Any, only: str = "") -> None:
    """Every command's parser (or only those of the group of the command `only`)."""
    from importlib import import_module

    chosen = [g for g in _GROUPS if only in g[2]] or _GROUPS
    for module, adder, _names in chosen:
        getattr(import_module(f"followthrough.cli.{module}"), adder)(commands)


def _run(args: argparse.Namespace, store: Store) -> int:
    """Runs the command with the module of its group (already imported with the parsers)."""
    from importlib import import_module

    runs: dict[str, tuple[str, str]] = {  # command -> (its group's module, the function)
        "interview": ("interviews", "run"),
        "plan": ("interviews", "run"),
        "reply": ("interviews", "run"),
        "delay": ("interviews", "run"),
        "outcome": ("interviews", "run"),
        "step": ("interviews", "run"),
        "undo": ("interviews", "run"),
        "redo": ("interviews", "run"),
        "config": ("settings", "run"),
        "playbooks": ("settings", "run"),
        "export": ("exchange", "run"),
        "import": ("exchange", "run"),
        "feed": ("exchange", "run"),
        "account": ("sync", "run_account"),
        "sync": ("sync", "run_sync"),
        "compose": ("compose", "run_compose"),
        "smtp": ("compose", "run_smtp"),
        "mail": ("mail", "run"),
    }
    if args.command not in runs:  # pragma: no cover - argparse guards it
        raise CliError(f"Unknown command {args.command}.")
    module, function = runs[args.command]
    run: Callable[[argparse.Namespace, Store], int]
    run = getattr(import_module(f"followthrough.cli.{module}"), function)
    return run(args, store)


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


def _first_word(rest: Sequence[str]) -> str:
    """The first argument past the options that open the window: a command, or -h/--help
    (which lists the commands); "" when there is none (the window opens)."""
    skip = False
    for token in rest:
        if skip:
            skip = False
        elif token == "--data-dir":
            skip = True
        elif token in ("-h", "--help") or not token.startswith("-"):
            return token
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `followthrough` command and of `python -m followthrough`."""
    open_items, rest = split_open_items(sys.argv[1:] if argv is None else argv)
    word = _first_word(rest)
    # Only the named command's group is built ("": all of them, as --help lists them).
    parser = build_parser(commands=bool(word), only="" if word in ("-h", "--help") else word)
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
    if args.command == "restore-backup":
        from followthrough.cli import settings

        return settings.restore(args.data_dir)
    try:
        store, warnings = open_store(args.data_dir)
    except StoreError as error:
        complain(f"followthrough: {error}")
        return 1
    for warning in warnings:
        complain(f"followthrough: warning: {warning}")
    try:
        return _run(args, store)
    except BrokenPipeError:
        # The reader went away (`followthrough plan | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (ValidationError, CliError, StoreError) as error:
        complain(f"followthrough: {error}")
        return 1
    except sqlite3.DatabaseError as error:  # a page or row damaged since the store was opened
        complain(f"followthrough: {damaged(store.path, f'is damaged ({error})')}")
        return 1
    except KeyboardInterrupt:  # each change is one transaction: the one under way rolled back
        complain(
            "followthrough: Interrupted (Ctrl-C); the change under way was not saved, so run "
            "the command again to finish it."
        )
        return 130
    finally:
        store.close()

"""`followthrough config` and `followthrough playbooks`: reading and changing a setting, and
the playbooks there are to choose from."""

from __future__ import annotations

import argparse
from typing import Any

from followthrough.cli.output import emit
from followthrough.core.settings import Settings
from followthrough.store import Store


def add_config_parser(commands: Any) -> None:
    config = commands.add_parser("config", help="read or change a setting")
    config_commands = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    get = config_commands.add_parser("get", help="print a setting (all without KEY)")
    get.add_argument("key", nargs="?")
    setter = config_commands.add_parser("set", help="change a setting")
    setter.add_argument("key", help=", ".join(Settings.names()))
    setter.add_argument("value")


def add_playbooks_parser(commands: Any) -> None:
    commands.add_parser("playbooks", help="list the playbooks and any problems with them")


def run(args: argparse.Namespace, store: Store) -> int:
    """Runs `config get|set` or `playbooks`."""
    if args.command == "playbooks":
        for book in sorted(store.library.playbooks.values(), key=lambda b: b.id):
            marker = "*" if book.id == store.settings().playbook else " "
            emit(f"{marker} {book.id:<14} {book.name}: {book.description}")
        return 0
    settings = store.settings()
    if args.action == "get":
        keys = [args.key] if args.key else Settings.names()
        for key in keys:
            value = settings.get(key)
            emit(value if args.key else f"{key} = {value}")
    else:
        store.set_setting(args.key, args.value)
    return 0

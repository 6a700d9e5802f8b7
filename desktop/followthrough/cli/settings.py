"""`followthrough config`, `playbooks` and `restore-backup`: reading and changing a setting,
the playbooks there are to choose from, and putting the store's backup copy back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from followthrough.cli.output import complain, emit
from followthrough.core.settings import Settings
from followthrough.store import Store, StoreError, default_data_dir


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


def add_restore_parser(commands: Any) -> None:
    commands.add_parser(
        "restore-backup",
        help="put the newest backup copy of the store back (the damaged file is kept)",
    )


def restore(data_dir: Path | None) -> int:
    """Runs `restore-backup`, which works without opening the store (it may be damaged)."""
    from followthrough.store.backups import restore_backup

    try:
        backup, kept = restore_backup(data_dir or default_data_dir())
    except StoreError as error:
        complain(f"followthrough: {error}")
        return 1
    emit(f"Restored {backup.name}; the file it replaced is kept as {kept.name}.")
    return 0


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

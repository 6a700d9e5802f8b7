"""`followthrough compose` and `followthrough smtp`: the message of a follow-up (opened in the
editor, printed, or saved as an .eml draft), and the password for sending it by SMTP."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from followthrough.cli.output import CliError, emit
from followthrough.core.model import ValidationError
from followthrough.core.text import printable
from followthrough.store import Store


def add_parsers(commands: Any) -> None:
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


def run_compose(args: argparse.Namespace, store: Store) -> int:
    """`followthrough compose UID [--print | --eml FILE]`."""
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
        sys.stdout.write(printable(f"Subject: {subject}\n\n{body}" if subject else body))
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
    from followthrough.mail.state import remember_sent

    remember_sent(store, str(message["Message-ID"]), step)  # a reply to it names it
    emit(f"Saved the draft as {path}; open it in your mail program to send it.")
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


def run_smtp(args: argparse.Namespace, store: Store) -> int:
    """`followthrough smtp password|test|forget`."""
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
            emit(
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
            emit(f"Signed in to {config.describe()} as {config.username}: sending works.")
        elif forget_smtp_password(config):
            emit(f"Forgot the SMTP password of {config.username} at {config.host}.")
        else:
            emit(f"No SMTP password was saved for {config.username} at {config.host}.")
    except SecretStoreUnavailable as error:
        raise CliError(str(error)) from None
    return 0

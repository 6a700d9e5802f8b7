"""`followthrough export`, `import` and `feed`: iCalendar in and out, as an .ics file, or as a
subscription feed written to a file, served over HTTP or published to a WebDAV folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from followthrough.cli.output import emit
from followthrough.core.model import ValidationError, parse_date
from followthrough.store import Store


def add_parsers(commands: Any) -> None:
    """The parsers of `export`, `import` and `feed write|serve|publish`."""
    export = commands.add_parser("export", help="write interviews and follow-ups to an .ics file")
    export.add_argument("file", type=Path)
    export.add_argument("--interview", help="only this interview")
    export.add_argument("--from", dest="start", help="only events from this date (YYYY-MM-DD)")
    export.add_argument("--to", dest="end", help="only events up to this date (YYYY-MM-DD)")

    importer = commands.add_parser(
        "import", help="import an .ics file: an invitation or a Followthrough export"
    )
    importer.add_argument("file", type=Path)

    feed = commands.add_parser(
        "feed",
        help="the subscription feed for Google Calendar, Outlook",
        description="A calendar that subscribes to the feed shows the follow-ups and keeps "
        "them current. Apps on this computer can subscribe to `feed serve`; Google Calendar "
        "and Outlook on the web fetch feeds from their own servers, so for them `feed "
        "publish` uploads it to a WebDAV folder (Nextcloud, ...) they can read.",
    )
    feed_commands = feed.add_subparsers(dest="action", metavar="ACTION", required=True)
    feed_write = feed_commands.add_parser(
        "write", help="write the feed to a file; says what it leaves out to stay under 1 MB"
    )
    feed_write.add_argument("file", type=Path)
    feed_serve = feed_commands.add_parser(
        "serve",
        help="serve the feed over HTTP until Ctrl-C, to calendar apps on this computer; prints "
        "its http:// and webcal:// URLs",
        description="Serve the feed over HTTP until Ctrl-C. On 127.0.0.1 (the default) only "
        "calendar apps on this computer can subscribe to it (Thunderbird, GNOME Calendar, "
        "Apple Calendar, Outlook for Windows); Google Calendar and Outlook on the web fetch "
        "feeds from their own servers and cannot reach it: use `followthrough feed publish` "
        "for them.",
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


def run(args: argparse.Namespace, store: Store) -> int:
    """Runs `export`, `import` or `feed`."""
    from followthrough.files import write_atomically
    from followthrough.ical.export import Exporter, Selection
    from followthrough.ical.ics_import import import_file

    if args.command == "import":
        for line in import_file(store, args.file.expanduser()).lines():
            emit(line)
        return 0
    exporter = Exporter(store)
    if args.command == "feed":
        if args.action in ("serve", "publish"):
            from followthrough.ical.feed.server import serve_command
            from followthrough.ical.feed.webdav import publish_command

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
        feed = exporter.build_feed()
        write_atomically(args.file, feed.data)
        if feed.left_out:
            emit(feed.left_out)
        return 0
    start = parse_date(args.start, "start date") if args.start else None
    end = parse_date(args.end, "end date") if args.end else None
    if start and end and end < start:
        raise ValidationError("The end date is before the start date.")
    selection = Selection(interview_id=args.interview, start=start, end=end)
    write_atomically(args.file, exporter.ics(selection))
    return 0

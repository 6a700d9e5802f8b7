"""A full listing of a big calendar (5,000 interviews: about 39,000 events) from a real Radicale.

Run from the repo root:

    .venv/bin/python bench/listing.py [--events N] [--runs R]

It starts Radicale on 127.0.0.1 as the tests do (tests/sync/conftest.py), makes a user and a
calendar through Followthrough's own account code, writes N small events straight into the
calendar's folder in Radicale's storage (sending 39,000 events one PUT each would take hours),
then lists the calendar as a sync's full listing does (`DavSession.changes_since("")`, an
RFC 6578 sync-collection with an empty token), printing the progress the sync reports:

1. once with Radicale's cache cold (it reads and parses every event file: what a server does
   the first time, or after its cache was cleared), under a deadline of 30 minutes;
2. R times warm (what the daily full listing meets), under the real limits: the account's
   timeout (20 s) for small requests and `sync.wire.LONG_TIMEOUT` for the listing;
3. once warm with one deadline for every request, the account's 20 s (as before issue 18).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from plan import arguments

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests" / d) for d in ("sync", "")]
from conftest import RadicaleServer  # noqa: E402 - the tests' own server
from followthrough.store import Store, open_store  # noqa: E402
from followthrough.sync import wire  # noqa: E402
from followthrough.sync.accounts import Account  # noqa: E402
from followthrough.sync.calendars import use_calendar  # noqa: E402
from followthrough.sync.connection import DEFAULT_TIMEOUT, add_account  # noqa: E402
from smtp_server import MemoryKeyring  # noqa: E402

EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Followthrough bench//EN\r\nBEGIN:VEVENT\r\n"
    "UID:{uid}\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270101T{hour:02d}0000Z\r\n"
    "DTEND:20270101T{hour:02d}3000Z\r\nSUMMARY:Follow-up {n}\r\nDESCRIPTION:{text}\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def listing(store: Store, label: str, timeout: float) -> float | None:
    """Seconds a full listing took (None when it failed), printed with its progress."""
    with wire.open_session(store, "big", timeout, lambda t: print(f"  {t}", flush=True)) as s:
        began = time.perf_counter()
        try:
            found = s.changes_since("")
        except Exception as error:  # the figure is the failure: say it and go on
            print(f"{label}: failed after {time.perf_counter() - began:.1f} s: {error}")
            return None
        took = time.perf_counter() - began
        print(f"{label}: {len(found.etags)} events in {took:.1f} s (its deadline {s.limit:g} s)")
        return took


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, argv, "events", runs=2)
    import keyring

    keyring.set_keyring(MemoryKeyring())
    root = Path(tempfile.mkdtemp(prefix="followthrough-listing-"))
    server = RadicaleServer(root / "radicale")
    server.start()
    try:
        store, _ = open_store(root / "data")
        user, password = server.new_user()
        add_account(store, Account("big", server.url, user), password, timeout=30)
        calendar = use_calendar(store, "big", create="Interview follow-ups", timeout=30).account
        path = unquote(urlsplit(calendar.calendar_url).path).strip("/")
        folder = server.storage / "collection-root" / path
        began = time.perf_counter()
        for n in range(args.events):
            uid = f"bench-{uuid.uuid4()}"
            text = EVENT.format(uid=uid, hour=n % 10, n=n, text="A follow-up. " * 30)
            (folder / f"{uid}.ics").write_text(text)
        took = time.perf_counter() - began
        print(f"set-up: {args.events} events in Radicale's storage in {took:.1f} s")
        long = wire.LONG_TIMEOUT
        wire.LONG_TIMEOUT = 1800.0
        listing(store, "cold", DEFAULT_TIMEOUT)
        wire.LONG_TIMEOUT = long
        warm = [listing(store, f"warm, run {k + 1}", DEFAULT_TIMEOUT) for k in range(args.runs)]
        wire.LONG_TIMEOUT = 0.0  # every request the account's timeout, as before
        listing(
            store, f"warm, one deadline of {DEFAULT_TIMEOUT:g} s for every request", DEFAULT_TIMEOUT
        )
        wire.LONG_TIMEOUT = long
        done = [t for t in warm if t is not None]
        if done:
            print(f"warm: median {statistics.median(done):.1f} s over {len(done)} runs")
        store.close()
        return 0 if len(done) == len(warm) else 1
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

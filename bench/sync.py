"""CalDAV sync of N interviews' events on Radicale and sabre/dav (127.0.0.1), against bare caldav.

Run from the repo root (Radicale comes with the test extra; sabre/dav, in tests/servers, needs
Debian's php-cli php-sqlite3 php-xml php-mbstring):

    .venv/bin/python bench/sync.py [--interviews N] [--runs R] [--seed S]
        [--server radicale|sabre|both] [--vdirsyncer PATH]

It fills a temporary data folder as bench/plan.py does with N interviews (130 by default,
about 1,000 events: the interviews and their steps; 1,000 make about 7,800 and 5,000 about
39,000), starts each server (both by default: Radicale with no auth
delay, sabre/dav under PHP's built-in server, as the tests run them), and for each of R runs,
on a new calendar, prints the median over the runs of:

1. first sync: every event sent (`sync()`), against the baseline, the same event files sent
   as bare PUTs through caldav's HTTP client (no hashing, no records: the transport's floor;
   caldav's own `add_event` was far slower here, 99 s for 234 events, so it is not used);
2. a sync with nothing changed (targets: at most 2 HTTP requests and under 0.1 s), against
   the baseline, bare caldav listing the calendar's events (`calendar.events()`);
3. a sync after one interview changed (a reply logged): the events sent must all be that
   interview's (target: only those);
4. a second computer's first sync: every event pulled into an empty data folder.

Request counts are printed with each figure, and the time spent waiting for the server's
answers (the rest is Followthrough's own work).

With `--vdirsyncer PATH` (vdirsyncer from PyPI, in a virtual environment of its own:
`python3 -m venv /tmp/vds && /tmp/vds/bin/pip install vdirsyncer`), the last run's calendar is
also synced by vdirsyncer into a folder of .ics files, the peer issue 18 names, and a sync with
nothing changed is timed as whole processes, in turn: `followthrough sync NAME` and `vdirsyncer
sync`, wall time and CPU (the process's own, from the kernel), median of R runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import keyring

from followthrough.core.model import Activity, ActivityKind
from followthrough.ical.export import Exporter
from followthrough.store import Store
from followthrough.sync.accounts import Account, stored_secret
from followthrough.sync.calendars import calendar_for, use_calendar
from followthrough.sync.connection import add_account
from followthrough.sync.engine import sync
from plan import arguments, bench_store, fill

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests" / d) for d in ("sync", "")]
from conftest import (  # noqa: E402 - the tests' own servers
    DavServer,
    MemoryKeyring,
    RadicaleServer,
    SabreServer,
    sabre_template,
)

NOTHING_REQUESTS, NOTHING_SECONDS = 2, 0.1
SERVERS = ("radicale", "sabre")


class Requests:
    """Counts the HTTP requests caldav sends, with their methods and URLs."""

    def __init__(self) -> None:
        from caldav.davclient import DAVClient

        self.sent: list[tuple[str, str]] = []
        original = DAVClient.request

        def request(client: DAVClient, url: str, method: str = "GET", *a: Any, **k: Any) -> Any:
            self.sent.append((method, str(url)))
            return original(client, url, method, *a, **k)

        DAVClient.request = request  # type: ignore[method-assign]

    def during(self, job: Callable[[], Any]) -> tuple[float, list[tuple[str, str]], Any]:
        self.sent = []
        began = time.perf_counter()
        result = job()
        return time.perf_counter() - began, list(self.sent), result


def start_server(kind: str, root: Path) -> DavServer:
    """A running Radicale or sabre/dav whose files are under `root`."""
    if kind == "radicale":
        server: DavServer = RadicaleServer(root / "radicale")
    else:
        server = SabreServer(root / "sabre-dav", sabre_template(root / "sabre-template"))
    server.start()
    return server


def new_account(store: Store, server: DavServer, name: str) -> Account:
    """An account of a new user (sabre/dav has one user: a new calendar, all the same)."""
    user, password = server.new_user()
    add_account(store, Account(name, server.url, user), password, timeout=30)
    return use_calendar(store, name, create=f"Interview follow-ups {name}", timeout=30).account


def write_into_storage(
    server: RadicaleServer, account: Account, files: dict[str, tuple[str, bytes]]
) -> None:
    """The event files written straight into the account's calendar in Radicale's storage,
    as `followthrough export` would name them (Radicale reads them at the next listing)."""
    path = unquote(urlsplit(account.calendar_url).path).strip("/")
    folder = server.storage / "collection-root" / path
    for uid, (_hash, data) in files.items():
        (folder / f"{quote(uid, safe='@')}.ics").write_bytes(data)


def warm_up(store: Store, account: Account) -> None:
    """One full listing, untimed, with all the time it needs: Radicale reads events written
    behind its back into its cache at the first listing (3 minutes for 39,000 here, more than
    a sync waits for one request; a calendar filled by PUTs is cached as it is filled)."""
    calendar = calendar_for(store, account, timeout=1800)
    began = time.perf_counter()
    calendar.get_objects_by_sync_token(load_objects=False)
    print(f"  (Radicale read the events into its cache in {time.perf_counter() - began:.0f} s)")
    assert calendar.client is not None
    calendar.client.close()


def second_computer(folder: Path, account: Account, password: str) -> Store:
    store = bench_store(folder)
    add_account(store, Account(account.name, account.url, account.username), password)
    use_calendar(store, account.name, account.calendar_url, timeout=30)
    return store


def line(
    what: str, times: list[float], requests: list[int], extra: str = "", waits: list[float] = ()
) -> None:
    own = ""
    if waits:
        mine = statistics.median(t - w for t, w in zip(times, waits, strict=True))
        own = f" ({statistics.median(waits):.3f} s waiting for the server, {mine:.3f} s our own)"
    print(
        f"{what}: median {statistics.median(times):.3f} s{own}, "
        f"{statistics.median(requests):g} requests{extra}"
    )
    print(f"  runs: {', '.join(f'{t:.3f}' for t in times)} s")


def main(argv: list[str] | None = None) -> int:
    def server_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--server", choices=(*SERVERS, "both"), default="both")
        parser.add_argument("--vdirsyncer", metavar="PATH", default=shutil.which("vdirsyncer"),
                            help="the vdirsyncer program, to sync the same calendar beside us")
        parser.add_argument("--prefill", action="store_true",
                            help="Radicale: write the events into its storage instead of "
                            "sending them (thousands of PUTs take an hour there); the first "
                            "sync then finds them and adopts them")
        parser.add_argument("--store", type=Path, metavar="DIR",
                            help="the data folder to start from: filled first when it holds "
                            "nothing (5,000 interviews take minutes), else copied as it is")

    args = arguments(__doc__, argv, "interviews", runs=3, more=server_option, default=130)
    keyring.set_keyring(MemoryKeyring())
    counter = Requests()
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        root = Path(folder)
        data = args.store.resolve() if args.store else root / "data"
        filled = data.is_dir() and any(data.iterdir())
        store = bench_store(data)
        if not filled:
            fill(store, args.interviews, args.seed)
        files = Exporter(store).event_files()
        interviews = len(store.interview_index())
        store.close()
        print(f"set-up: {interviews} interviews, {len(files)} events")
        for kind in SERVERS if args.server == "both" else (args.server,):
            # Each server starts from the same data: the same interviews change in its runs.
            shutil.copytree(data, root / kind / "data")
            store = bench_store(root / kind / "data")
            store.conn.execute("PRAGMA synchronous=FULL")
            server = start_server(kind, root / kind)
            try:
                print(f"\n{server.name} at {server.url}")
                prefill = args.prefill and isinstance(server, RadicaleServer)
                account = bench(server, store, files, args.runs, counter, root / kind, prefill)
                if args.vdirsyncer:
                    store.close()  # the whole process opens it
                    peer(server, root / kind, account, args.runs, args.vdirsyncer)
                    store = bench_store(root / kind / "data")
            finally:
                server.stop()
                store.close()
    return 0


def bench(
    server: DavServer,
    store: Store,
    files: dict[str, tuple[str, bytes]],
    runs: int,
    counter: Requests,
    root: Path,
    prefill: bool = False,
) -> Account:
    """The figures of the module's description on `server`, printed; the last run's account.
    `prefill`: the events are written into Radicale's storage before the first sync, which
    then adopts them (no baseline of bare PUTs either)."""
    first: list[float] = []
    first_waits: list[float] = []
    first_requests: list[int] = []
    baseline: list[float] = []
    nothing: list[float] = []
    nothing_waits: list[float] = []
    nothing_requests: list[int] = []
    listing: list[float] = []
    one: list[float] = []
    one_waits: list[float] = []
    one_requests: list[int] = []
    one_sent: list[int] = []
    others_sent = 0
    pulled: list[float] = []
    pulled_waits: list[float] = []
    pulled_requests: list[int] = []
    for run in range(runs):
        account = new_account(store, server, f"{server.name}-bench{run}")
        exporter = Exporter(store)

        def once(on: Store = store, who: str = account.name, ex: Any = exporter) -> Any:
            return sync(on, who, exporter=ex)

        if prefill:
            assert isinstance(server, RadicaleServer)
            write_into_storage(server, account, files)
            warm_up(store, account)
        spent, sent, result = counter.during(once)
        first.append(spent)
        first_waits.append(result.waited)
        first_requests.append(len(sent))
        spent, sent, result = counter.during(once)
        nothing.append(spent)
        nothing_waits.append(result.waited)
        nothing_requests.append(len(sent))

        changed = store.interviews()[run]
        store.record(changed.id, Activity(ActivityKind.REPLY, changed.end + timedelta(days=1)))
        spent, sent, result = counter.during(once)
        one.append(spent)
        one_waits.append(result.waited)
        one_requests.append(len(sent))
        puts = [url for method, url in sent if method in ("PUT", "DELETE")]
        one_sent.append(len(puts))
        others_sent += sum(1 for url in puts if changed.id not in url)

        _account, _entry, password = stored_secret(store, account.name)
        other = second_computer(root / f"second{run}", account, password)
        spent, sent, result = counter.during(lambda o=other, n=account.name: sync(o, n))
        pulled.append(spent)
        pulled_waits.append(result.waited)
        pulled_requests.append(len(sent))
        other.close()

        bare = new_account(store, server, f"{server.name}-bare{run}")
        calendar = calendar_for(store, bare, timeout=30)
        assert calendar.client is not None
        base = str(calendar.url)
        began = time.perf_counter()
        if prefill:
            assert isinstance(server, RadicaleServer)
            write_into_storage(server, bare, files)
            warm_up(store, bare)  # as before the first sync: the listing below is warm too
        else:
            for uid, (_hash, data) in files.items():
                calendar.client.request(
                    base + quote(uid, safe="@") + ".ics",
                    "PUT",
                    data,  # type: ignore[arg-type]
                    {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"},
                )
        baseline.append(time.perf_counter() - began)
        began = time.perf_counter()
        try:
            found = calendar.events()
        except Exception as error:  # the baseline's problem: our own figures are still printed
            print(f"  the baseline's listing failed: {type(error).__name__}: {error}")
            listing.append(float("nan"))
        else:
            listing.append(time.perf_counter() - began)
            assert len(found) == len(files)
        calendar.client.close()

    if prefill:
        line(f"first sync, adopting {len(files)} events found in the calendar", first,
             first_requests, waits=first_waits)
    else:
        ratio = statistics.median(first) / statistics.median(baseline)
        line(
            f"first sync of {len(files)} events",
            first,
            first_requests,
            f", {ratio:.2f}x baseline",
            first_waits,
        )
        line("  baseline: the same files as bare PUTs", baseline, [len(files)])
    ratio = statistics.median(nothing) / statistics.median(listing)
    line(
        "sync with nothing changed",
        nothing,
        nothing_requests,
        f" (target {NOTHING_REQUESTS} requests, {NOTHING_SECONDS:g} s; {ratio:.3f}x baseline)",
        nothing_waits,
    )
    line("  baseline: bare caldav listing the calendar's events", listing, [1])
    line(
        "sync after one interview changed",
        one,
        one_requests,
        f", {statistics.median(one_sent):g} events sent, {others_sent} of other interviews "
        "(target 0)",
        one_waits,
    )
    line(
        f"second computer's first sync ({len(files)} events pulled)",
        pulled,
        pulled_requests,
        waits=pulled_waits,
    )
    return account


# A whole `followthrough sync NAME` process, with the account's secret in a keyring that lives
# in the process (given on stdin: never in a file), as the system keyring would give it. The
# keyring is made here, not taken from the tests' smtp_server: that module brings an SMTP
# server and trustme (0.1 s), which a sync never imports.
_OURS = """\
import json, sys
import keyring.backend
class Ring(keyring.backend.KeyringBackend):
    priority = 1
    def get_password(self, service, username):
        wanted = (service, username) == (given["service"], given["entry"])
        return given["secret"] if wanted else None
    def set_password(self, service, username, password):
        raise NotImplementedError
    def delete_password(self, service, username):
        raise NotImplementedError
given = json.loads(sys.stdin.read())
keyring.set_keyring(Ring())
from followthrough.cli import main
sys.exit(main(["--data-dir", given["data"], "sync", given["name"]]))
"""

_PEER_CONFIG = """\
[general]
status_path = "{root}/status/"

[pair bench]
a = "files"
b = "server"
collections = null
conflict_resolution = "b wins"

[storage files]
type = "filesystem"
path = "{root}/events/"
fileext = ".ics"

[storage server]
type = "caldav"
url = "{url}"
username = "{user}"
password.fetch = ["command", "cat", "{root}/secret"]
"""


def _process(command: list[str], given: str = "") -> tuple[float, float]:
    """Run a whole process; (wall seconds, CPU seconds it used, user and system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, input=given.encode(), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def peer(server: DavServer, root: Path, account: Account, runs: int, program: str) -> None:
    """A sync with nothing changed of the same calendar: ours and vdirsyncer's, whole processes
    timed in turn, after vdirsyncer's own first sync into a folder of .ics files."""
    store = bench_store(root / "data")
    stored, entry, secret = stored_secret(store, account.name)
    store.close()
    folder = root / "vdirsyncer"
    (folder / "events").mkdir(parents=True)
    secret_file = folder / "secret"  # vdirsyncer reads its password from a command
    secret_file.touch(mode=0o600)
    secret_file.write_text(secret, encoding="utf-8")
    config = folder / "config"
    config.write_text(_PEER_CONFIG.format(root=folder, url=stored.calendar_url,
                                          user=stored.username), encoding="utf-8")  # fmt: skip
    vdir = [program, "-c", str(config)]
    subprocess.run([*vdir, "discover"], input=b"y\n", check=True, capture_output=True)
    first_wall, first_cpu = _process([*vdir, "sync"])
    pulled = len(list((folder / "events").glob("*.ics")))
    given = json.dumps({"service": "followthrough-caldav", "entry": entry, "secret": secret,
                        "data": str(root / "data"), "name": account.name})  # fmt: skip
    ours_command = [sys.executable, "-c", _OURS]
    _process(ours_command, given)  # anything left to send goes now: then nothing is
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for run in range(runs):
        pair = ((ours, ours_command, given), (theirs, [*vdir, "sync"], ""))
        for times, command, stdin in pair if run % 2 == 0 else pair[::-1]:
            times.append(_process(command, stdin))
    secret_file.unlink()

    def median(values: list[tuple[float, float]], index: int) -> float:
        return statistics.median(v[index] for v in values)

    print(f"vdirsyncer's first sync ({pulled} events into a folder): {first_wall:.3f} s, "
          f"{first_cpu:.3f} s CPU")  # fmt: skip
    for what, values in (("followthrough sync", ours), ("vdirsyncer sync", theirs)):
        print(f"nothing changed, whole process, {what}: median {median(values, 0):.3f} s, "
              f"{median(values, 1):.3f} s CPU")  # fmt: skip
    print(f"  ours / vdirsyncer: {median(ours, 0) / median(theirs, 0):.2f}x wall, "
          f"{median(ours, 1) / median(theirs, 1):.2f}x CPU (target: no slower, 1.0x)")


if __name__ == "__main__":
    sys.exit(main())

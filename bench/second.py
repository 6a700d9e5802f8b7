"""A second computer's first sync: this checkout against another, in turns, on one calendar.

Run from the repo root (sabre/dav needs Debian's php-cli php-sqlite3 php-xml php-mbstring):

    git worktree add /tmp/ft-before COMMIT
    .venv/bin/python bench/second.py --interviews 1000 --runs 3 --compare-with /tmp/ft-before
        [--server sabre|radicale] [--store DIR]

It fills a data folder as bench/plan.py does (or copies `--store DIR`, a filled one), starts
the server as the tests do, and sends every event there with this checkout's first sync.
Then, R times, one process per code (this checkout and `--compare-with`, alternately
first), it makes a new, empty data folder on the same account and calendar, as a second
computer would, and times its first sync: every event pulled in. It prints each run's own
work (the sync's time less the time spent waiting for the server's answers) per event, the
process's CPU, and the medians. Issue 18's target: under 1 ms of own work per event.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keyring

from followthrough.store import open_store
from followthrough.sync.accounts import stored_secret
from followthrough.sync.engine import sync
from plan import arguments, bench_store, fill
from sync import SERVERS, MemoryKeyring, new_account, start_server

# One second computer's first sync, in a process of its own, with the code on PYTHONPATH.
CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
code = sys.argv[1]
sys.path[:0] = [code + "/bench", code + "/tests/sync", code + "/tests"]
import keyring
from conftest import MemoryKeyring
keyring.set_keyring(MemoryKeyring())
from sync import second_computer
from followthrough.sync.accounts import Account
from followthrough.sync.engine import sync
a = json.loads(sys.stdin.read())
with tempfile.TemporaryDirectory() as folder:
    account = Account(a["name"], a["url"], a["user"], calendar_url=a["calendar"])
    other = second_computer(Path(folder) / "second", account, a["password"])
    began, cpu = time.perf_counter(), time.process_time()
    report = sync(other, a["name"])
    print(json.dumps({"spent": time.perf_counter() - began, "waited": report.waited,
                      "events": report.pull.listed, "cpu": time.process_time() - cpu,
                      "requests": report.requests}))
"""


def more(parser: object) -> None:
    parser.add_argument("--server", choices=SERVERS, default="sabre")  # type: ignore[attr-defined]
    parser.add_argument("--store", type=Path, metavar="DIR")  # type: ignore[attr-defined]
    parser.add_argument(  # type: ignore[attr-defined]
        "--compare-with", type=Path, metavar="DIR", required=True,
        help="another checkout (a git worktree) timed in the same turns",
    )


def second_sync(code: Path, secret: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(code)], input=json.dumps(secret), text=True,
        capture_output=True, env={**os.environ, "PYTHONPATH": str(code / "desktop")},
        timeout=3600, check=True,
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, argv, "interviews", 3, more)
    keyring.set_keyring(MemoryKeyring())
    here = Path(__file__).resolve().parent.parent
    codes = {"this checkout": here, str(args.compare_with): args.compare_with.resolve()}
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        root = Path(folder)
        if args.store:
            shutil.copytree(args.store, root / "data")
            store, _warnings = open_store(root / "data")
        else:
            store = bench_store(root / "data")
            fill(store, args.interviews, args.seed)
        server = start_server(args.server, root)
        try:
            account = new_account(store, server, "bench")
            began = time.perf_counter()
            sync(store, account.name)
            print(f"{len(store.interview_index())} interviews; first sync to {args.server} "
                  f"in {time.perf_counter() - began:.0f} s")
            _a, _e, password = stored_secret(store, account.name)
            secret = {"name": account.name, "url": account.url, "user": account.username,
                      "calendar": account.calendar_url, "password": password}
            per_event: dict[str, list[float]] = {name: [] for name in codes}
            for turn in range(args.runs):
                for name in list(codes) if turn % 2 == 0 else list(codes)[::-1]:
                    run = second_sync(codes[name], secret)
                    own = run["spent"] - run["waited"]
                    per_event[name].append(own / run["events"] * 1000)
                    print(f"  {name}: {own:.2f} s of own work ({run['waited']:.2f} s waiting), "
                          f"{per_event[name][-1]:.3f} ms an event, {run['cpu']:.2f} s CPU, "
                          f"{run['events']:.0f} events, {run['requests']:.0f} requests")
            for name, values in per_event.items():
                print(f"second computer's first sync, {name}: median "
                      f"{statistics.median(values):.3f} ms of own work an event (target 1 ms)")
        finally:
            server.stop()
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

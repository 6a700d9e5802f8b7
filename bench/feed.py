"""The subscription feed of 1,000 interviews: `feed write` against a full export, and `feed serve`.

Run from the repo root:

    .venv/bin/python bench/feed.py [--interviews N] [--runs R] [--seed S]

It fills a temporary data folder as bench/plan.py does, then prints, each as the median of R
runs (a fresh `Exporter` each time, nothing cached, the file written as the command writes it):

1. the baseline: a full export (`followthrough export`), every interview and follow-up;
2. `feed write`: the feed, chosen by usefulness and kept under 1 MB, and its ratio to (1);
   then its size, gzipped size, and what it holds and leaves out;
3. `feed serve` on 127.0.0.1: the first request (the first build), then requests for the
   unchanged feed: 200 (plain and gzip) and 304, each timed from connect to last byte;
   the first request after a change (it waits for the rebuild); and a HEAD sent while a
   cold rebuild (cache emptied) is under way, which gets the previous build at once.

Targets: `feed write` no slower than the full export (ratio at most 1.0); a request for an
unchanged feed under 50 ms.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from followthrough.core.model import Activity, ActivityKind
from followthrough.files import write_atomically
from followthrough.ical.export import Exporter
from followthrough.ical.feed.server import FeedServer
from plan import arguments, bench_store, fill, timed

RATIO_TARGET = 1.0
REQUEST_TARGET = 0.050  # seconds
REQUESTS = 50  # of each kind, for the served feed's medians


def request(server: FeedServer, method: str = "GET", **headers: str) -> tuple[float, int, int]:
    """(seconds, status, body bytes) of one request on a new connection."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.bound_port, timeout=60)
    try:
        connection.request(method, server.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return time.perf_counter() - began, response.status, len(body)


def median_ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:.1f} ms over {len(times)}"


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, argv, "interviews", runs=5)
    with tempfile.TemporaryDirectory(prefix="followthrough-bench-") as folder:
        store = bench_store(Path(folder) / "data")
        fill(store, args.interviews, args.seed)
        store.conn.execute("PRAGMA synchronous=FULL")
        out = Path(folder) / "out.ics"
        print(f"set-up: {args.interviews} interviews, {len(store.steps())} follow-ups")

        def export() -> None:
            write_atomically(out, Exporter(store).ics())

        def feed_write() -> None:
            write_atomically(out, Exporter(store).build_feed().data)

        base_times = timed(args.runs, export)
        base = statistics.median(base_times)
        print(f"full export (baseline): median {base:.3f} s over {args.runs} runs, "
              f"{out.stat().st_size / 1_048_576:.1f} MB")
        print(f"  runs: {', '.join(f'{t:.3f}' for t in base_times)} s")
        feed_times = timed(args.runs, feed_write)
        median = statistics.median(feed_times)
        print(f"feed write: median {median:.3f} s over {args.runs} runs "
              f"({median / base:.2f}x the full export; target at most {RATIO_TARGET}x)")
        print(f"  runs: {', '.join(f'{t:.3f}' for t in feed_times)} s")
        feed = Exporter(store).build_feed(datetime.now(UTC))
        print(f"  the feed: {len(feed.data):,} bytes ({len(feed.data) / 1_000_000:.2f} MB), "
              f"{feed.interviews} interviews and {feed.follow_ups} follow-ups")
        print(f"  {feed.left_out or 'It leaves nothing out.'}")

        with FeedServer(store, port=0, poll_interval=0.05) as server:
            first, status, size = request(server)
            assert status == 200, status
            print(f"feed serve, first request (the first build): {first * 1000:.0f} ms")
            _, _, packed = request(server, **{"Accept-Encoding": "gzip"})
            print(f"  {size:,} bytes, {packed:,} with gzip")
            etag = server.snapshot().etag
            kinds = {
                "200": {},
                "200 gzip": {"Accept-Encoding": "gzip"},
                "304": {"If-None-Match": etag},
            }
            for name, headers in kinds.items():
                times = []
                for _ in range(REQUESTS):
                    seconds, status, _ = request(server, **headers)
                    assert str(status) == name.split()[0], status
                    times.append(seconds)
                median = statistics.median(times)
                print(f"  unchanged feed, {name}: {median_ms(times)} requests "
                      f"(target {REQUEST_TARGET * 1000:.0f} ms, {median / REQUEST_TARGET:.2f}x)")
            builds = server.builds.made
            interview = store.interviews()[0]
            store.record(interview.id, Activity(ActivityKind.REPLY, datetime.now(UTC)))
            changed, status, _ = request(server)
            print(f"  first request after a change (waits for the rebuild): "
                  f"{changed * 1000:.0f} ms; builds {builds} -> {server.builds.made}")

            server.exporter.forget_cache()  # a cold rebuild: every event mapped again
            store.record(interview.id, Activity(ActivityKind.REPLY, datetime.now(UTC)))
            waiting = threading.Thread(target=request, args=(server,))  # starts the rebuild
            waiting.start()
            time.sleep(0.05)
            head, status, _ = request(server, "HEAD")
            under_way = waiting.is_alive()  # still waiting for the rebuild when HEAD was answered
            waiting.join()
            print(f"  HEAD while a cold rebuild is under way: {head * 1000:.1f} ms, {status} "
                  f"(the rebuild {'was' if under_way else 'was not'} still under way)")
        store.close()
    return 0


if __name__ == "__main__":
    began = time.perf_counter()
    code = main()
    print(f"total {time.perf_counter() - began:.0f} s")
    raise SystemExit(code)

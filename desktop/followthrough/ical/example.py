"""`make example-ics`: the example file docs/ical-mapping.md shows, made by the real export."""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from followthrough.core.model import Activity, ActivityKind, Interview, Interviewer
from followthrough.files import write_atomically
from followthrough.ical.export import Exporter
from followthrough.store import open_store


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/example.ics")
    with tempfile.TemporaryDirectory() as folder:
        store, _ = open_store(Path(folder))
        store.set_setting("timezone", "Europe/Paris")
        store.set_setting("country", "FR")
        store.set_setting("my-name", "Sam Moyo")
        store.set_setting("my-email", "sam@example.org")
        end = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
        interview = store.add_interview(Interview(
            id="", company="Acme Analytics", role="Data engineer",
            interviewers=(Interviewer(name="Ana Díaz", title="CTO", email="ana@acme.example",
                                      key="p1"),
                          Interviewer(name="Bo Li", email="bo@acme.example", key="p2")),
            start=end - timedelta(hours=1), end=end, tz="Europe/Paris",
            decision_date=date(2026, 12, 4), topics=("streaming pipelines",),
            location="https://meet.example/acme-interview",
        ))
        store.record(interview.id, Activity(ActivityKind.DONE, end + timedelta(hours=3),
                                            step="thank-you.p1", how="email"))
        store.record(interview.id, Activity(ActivityKind.DELAY, end + timedelta(days=8),
                                            until=date(2026, 12, 11)))
        write_atomically(out, Exporter(store).ics())
        store.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

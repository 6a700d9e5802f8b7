"""Sample interviews: one to explore on first run, a few more for the README's screenshots.

No Qt: the store does the work, so the window and `make screenshots` share these.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
)
from followthrough.core.samples import sample_id
from followthrough.store import Store

SAMPLE_NOTE = "A sample interview to explore Followthrough: delete it when you are done."


def _ended(now: datetime, days_ago: int, hour: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)


def add_sample_interview(
    store: Store, now: datetime | None = None, *, marked: bool = True
) -> Interview:
    """One interview two days ago, with two interviewers, topics and a stated decision date;
    `marked` as a sample (core.samples: never synced, exported or published), unless it
    plays a real one in the README's screenshots."""
    zone = store.settings().zone
    now = (now or datetime.now(zone)).astimezone(zone)
    end = _ended(now, 2, 15)
    return store.add_interview(
        Interview(
            id=sample_id() if marked else "",
            company="Acme Analytics",
            role="Data engineer",
            interviewers=(
                Interviewer(name="Ana Diaz", title="CTO", email="ana@acme.example", key="p1"),
                Interviewer(name="Bo Li", title="Team lead", email="bo@acme.example", key="p2"),
            ),
            start=end - timedelta(hours=1),
            end=end,
            tz=zone.key,
            channel=Channel.VIDEO,
            decision_date=(end + timedelta(days=12)).date(),
            topics=("streaming pipelines", "on-call rotation"),
            clarify=("how I would migrate the batch jobs",),
            notes=SAMPLE_NOTE,
        )
    )


def add_sample_data(store: Store, now: datetime | None = None) -> None:
    """Interviews a user might have had this month: waiting, answered, an offer, one closed."""
    zone = store.settings().zone
    now = (now or datetime.now(zone)).astimezone(zone)
    acme = add_sample_interview(store, now, marked=False)
    thanks_sent = _ended(now, 2, 17)
    store.record(acme.id, Activity(ActivityKind.DONE, thanks_sent, step="thank-you.p1",
                                   how="email"))

    def interview(company: str, role: str, person: Interviewer, days_ago: int, hour: int,
                  **extra: object) -> Interview:
        end = _ended(now, days_ago, hour)
        return store.add_interview(
            Interview(id="", company=company, role=role, interviewers=(person,),
                      start=end - timedelta(hours=1), end=end, tz=zone.key,
                      **extra)  # type: ignore[arg-type]
        )

    globex = interview("Globex", "Product manager",
                       Interviewer(name="Kim Park", email="kim@globex.example"), 9, 11)
    store.record(globex.id, Activity(ActivityKind.REPLY, _ended(now, 6, 10),
                                     note="Second round next week"))
    initech = interview("Initech", "Backend developer",
                        Interviewer(name="Sam Roy", email="sam@initech.example",
                                    phone="+1 555 0100"), 5, 10, pace=Pace.FAST)
    store.record(initech.id, Activity(ActivityKind.DONE, _ended(now, 5, 14),
                                      step="thank-you.p1", how="email"))
    umbrella = interview("Umbrella", "Data analyst",
                         Interviewer(name="Lee Chan", email="lee@umbrella.example"), 20, 14)
    store.record(umbrella.id, Activity(ActivityKind.OUTCOME, _ended(now, 3, 9),
                                       outcome=Outcome.OFFER))
    hooli = interview("Hooli", "Platform engineer",
                      Interviewer(name="Gavin Bel", email="gavin@hooli.example"), 1, 16,
                      pace=Pace.SLOW)
    decided = now.date() + timedelta(days=9)
    store.record(hooli.id, Activity(ActivityKind.DELAY, now - timedelta(hours=2),
                                    until=date(decided.year, decided.month, decided.day)))
    interview("Vandelay", "Import analyst",
              Interviewer(name="Art Vandelay", email="art@vandelay.example"), -3, 10,
              channel=Channel.IN_PERSON)

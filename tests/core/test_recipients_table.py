"""Issue 15's cases, each on a fixed calendar: a plan as its recipients see it (spacing, their
hours, their holidays), the employer's country, and times shown in both zones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest

from followthrough.core.cadence import plan
from followthrough.core.model import (
    Interview,
    Interviewer,
    Step,
    StepStatus,
    ValidationError,
    check_country,
)
from followthrough.core.playbooks import PlaybookLibrary
from followthrough.core.settings import Settings
from followthrough.core.zones import in_both_zones, zone_country

LONDON = ZoneInfo("Europe/London")
LONDONER = Settings(country="GB", timezone="Europe/London")
PEOPLE = (
    Interviewer("Ana Diaz", "ana@acme.example", phone="+1 212 555 0100", key="p1"),
    Interviewer("Bo Li", "bo@acme.example", key="p2"),
)


def interview(end: datetime, tz: str, ident: str = "iv1", **fields: object) -> Interview:
    end = end.replace(tzinfo=ZoneInfo(tz))
    return Interview(
        id=ident, company="Acme", role="Engineer", interviewers=PEOPLE,
        start=end - timedelta(hours=1), end=end, tz=tz, **fields,  # type: ignore[arg-type]
    ).validated()  # fmt: skip


def steps_of(
    iv: Interview, library: PlaybookLibrary, settings: Settings = LONDONER
) -> dict[str, Step]:
    return {s.key: s for s in plan(iv, [], settings, library.get("standard"))}


def there(step: Step, tz: str) -> datetime:
    return step.start.astimezone(ZoneInfo(tz))


FRIDAY = datetime(2026, 11, 20, 15, 0)  # a Friday afternoon


# -- spacing ---------------------------------------------------------------------------------


def test_after_a_friday_interview_monday_is_not_one_minute_of_everything(
    library: PlaybookLibrary,
) -> None:
    steps = steps_of(interview(FRIDAY, "Europe/London"), library)
    thanks, note, status = steps["thank-you.p1"], steps["note"], steps["status-check"]
    days = [s.start.astimezone(LONDON).date() for s in (thanks, note, status)]
    assert days == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)]
    assert "one message a day to Ana Diaz" in note.why
    assert "Two business days after the thank-you" in status.why
    starts = [s.start for s in steps.values()]
    assert len(set(starts)) == len(starts)
    assert steps["thank-you.p2"].start.date() == date(2026, 11, 23)  # another person: same day


def test_a_busy_monday_is_spread_over_the_morning(library: PlaybookLibrary) -> None:
    def mondays(settings: Settings) -> list[datetime]:
        found = []
        for n in range(6):
            iv = interview(FRIDAY, "Europe/London", f"{n:012x}")
            for step in steps_of(iv, library, settings).values():
                local = step.start.astimezone(LONDON)
                if local.date() == date(2026, 11, 23):
                    found.append(local)
        return found

    spread = mondays(LONDONER)
    assert len(spread) >= 12
    assert len({s.time() for s in spread}) >= len(spread) // 2  # not stacked
    assert all(time(9, 0) <= s.time() <= time(12, 0) and s.minute % 5 == 0 for s in spread)
    at_once = mondays(replace(LONDONER, spread_steps=False))
    assert {s.time() for s in at_once} == {time(9, 0), time(9, 5)}  # two thank-yous each


# -- the recipient's hours -------------------------------------------------------------------


def test_a_new_york_interviewer_is_written_to_when_both_work(library: PlaybookLibrary) -> None:
    steps = steps_of(interview(FRIDAY, "America/New_York"), library)
    for step in steps.values():
        if step.status is StepStatus.PLANNED and step.channel.value != "letter":
            assert time(9, 0) <= there(step, "America/New_York").time() < time(12, 0), step
            assert time(14, 0) <= there(step, "Europe/London").time() < time(17, 0), step
    assert "as well as yours" in steps["thank-you.p1"].why


def test_los_angeles_gets_its_call_in_its_day_and_mail_at_its_start(
    library: PlaybookLibrary,
) -> None:
    steps = steps_of(interview(FRIDAY, "America/Los_Angeles"), library)
    call = there(steps["call"], "America/Los_Angeles")
    assert time(9, 0) <= call.time() and call.time() <= time(16, 30)
    assert "the call falls in their working hours" in steps["call"].why
    thanks = there(steps["thank-you.p1"], "America/Los_Angeles")
    assert time(9, 0) <= thanks.time() <= time(10, 0) and thanks.weekday() < 5
    assert "start of their morning" in steps["thank-you.p1"].why
    assert ", in the working hours in Los Angeles." in steps["thank-you.p1"].why


def test_no_message_on_the_employers_public_holiday(library: PlaybookLibrary) -> None:
    """Thanksgiving (Thursday 26 November 2026) is a working day in London, not in New York."""
    steps = steps_of(interview(datetime(2026, 11, 25, 10, 0), "America/New_York"), library)
    thanks = steps["thank-you.p1"]
    assert there(thanks, "America/New_York").date() == date(2026, 11, 27)
    assert "Moved past Thanksgiving" in thanks.why and "United States" in thanks.why


def test_the_employers_country_decides_their_holidays(library: PlaybookLibrary) -> None:
    """Armistice Day (Wednesday 11 November 2026) is a holiday in France, not in Germany."""
    end = datetime(2026, 11, 10, 16, 30)  # 15:30 in London: the thank-you waits for the 11th
    french = steps_of(interview(end, "Europe/Paris"), library)["thank-you.p1"]
    german = steps_of(interview(end, "Europe/Paris", country="DE"), library)["thank-you.p1"]
    assert there(french, "Europe/Paris").date() == date(2026, 11, 12)
    assert there(german, "Europe/Paris").date() == date(2026, 11, 11)


# -- the employer's country and two zones ----------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "country"),
    [("America/New_York", "US"), ("Europe/London", "GB"), ("Asia/Kolkata", "IN"),
     ("US/Eastern", "US"), ("Asia/Calcutta", "IN"), ("UTC", ""), ("Etc/GMT+5", "")],
)  # fmt: skip
def test_a_zone_knows_its_country(zone: str, country: str) -> None:
    assert zone_country(zone) == country
    assert Interview(id="x", company="A", role="B", interviewers=PEOPLE[:1],
                     start=FRIDAY.replace(tzinfo=LONDON), end=FRIDAY.replace(tzinfo=LONDON)
                     + timedelta(hours=1), tz=zone).employer_country == country  # fmt: skip


def test_every_place_zone_has_a_country() -> None:
    places = [z for z in available_timezones() if "/" in z and not z.startswith("Etc/")]
    assert [z for z in places if not zone_country(z)] == []


@pytest.mark.parametrize("text", ["XZ", "USA", "u", "1"])
def test_a_country_is_an_iso_code(text: str) -> None:
    with pytest.raises(ValidationError, match="is not an ISO 3166 country code"):
        check_country(text)
    assert check_country(" de ") == "DE" and check_country("") == ""


def test_a_time_in_both_zones() -> None:
    moment = datetime(2026, 11, 23, 19, 0, tzinfo=LONDON)
    assert in_both_zones(moment, LONDON, "America/New_York") == "19:00 · 14:00 New York"
    assert in_both_zones(moment, LONDON, "Europe/London") == "19:00"
    assert in_both_zones(moment, LONDON, "Africa/Abidjan") == "19:00"  # the same clock
    assert in_both_zones(moment, LONDON, "Pacific/Auckland") == "19:00 · Tue 08:00 Auckland"
    assert in_both_zones(moment, LONDON, "") == "19:00"


def test_the_recipients_day_is_checked_like_the_users() -> None:
    with pytest.raises(ValidationError, match="recipients' working day must end after"):
        Settings(recipient_start=time(17, 0), recipient_end=time(9, 0)).validated()
    settings = Settings().with_value("recipient-start", "08:00").with_value("spread-steps", "no")
    assert (settings.recipient_start, settings.spread_steps) == (time(8, 0), False)

"""How the store writes an instant: the text strftime gives, from any zone, to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from followthrough.store import parse_utc, utc_text

_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5, minutes=45))]
)


@given(
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 12, 30)),
    zone=_ZONES,
)
def test_utc_text_is_strftime_s_text(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    assert utc_text(aware) == aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert parse_utc(utc_text(aware)) == aware.replace(microsecond=0)


def test_an_example() -> None:
    assert utc_text(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)) == "2026-01-02T03:04:05Z"

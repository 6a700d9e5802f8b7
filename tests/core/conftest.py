"""Shared builders for the engine tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.model import Interview, Interviewer
from followthrough.core.playbooks import PlaybookLibrary
from followthrough.resources import resource_path


@pytest.fixture(scope="session")
def library() -> PlaybookLibrary:
    return PlaybookLibrary.load(resource_path("playbooks"))


@pytest.fixture
def make_interview() -> Callable[..., Interview]:
    def build(
        end: datetime | None = None,
        *,
        tz: str = "Africa/Johannesburg",
        decision: date | None = None,
        people: int = 1,
        **fields: Any,
    ) -> Interview:
        zone = ZoneInfo(tz)
        end = end or datetime(2026, 11, 23, 15, 0, tzinfo=zone)  # a Monday
        interviewers = tuple(
            Interviewer(name=f"Person {n}", email=f"p{n}@acme.example", key=f"p{n}")
            for n in range(1, people + 1)
        )
        return Interview(
            id="iv1",
            company="Acme",
            role="Engineer",
            interviewers=interviewers,
            start=end.replace(hour=end.hour - 1),
            end=end,
            tz=tz,
            decision_date=decision,
            **fields,
        ).validated()

    return build

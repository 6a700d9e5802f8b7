"""Plain-data forms (JSON-ready dicts) of the domain objects, both ways."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
    Step,
    StepChannel,
    StepStatus,
)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def interviewer_to_dict(person: Interviewer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": person.key,
        "name": person.name,
        "title": person.title,
        "email": person.email,
        "phone": person.phone,
    }
    # Only when recorded: a person without them is written as before they existed.
    if person.topics:
        data["topics"] = list(person.topics)
    if person.clarify:
        data["clarify"] = list(person.clarify)
    return data


def interviewer_from_dict(data: dict[str, Any], default_key: str = "p1") -> Interviewer:
    return Interviewer(
        name=data["name"],
        email=data.get("email", ""),
        title=data.get("title", ""),
        phone=data.get("phone", ""),
        key=data.get("key", default_key),
        topics=tuple(data.get("topics", ())),
        clarify=tuple(data.get("clarify", ())),
    )


def interview_to_dict(iv: Interview) -> dict[str, Any]:
    return {
        "id": iv.id,
        "company": iv.company,
        "role": iv.role,
        "interviewers": [interviewer_to_dict(p) for p in iv.interviewers],
        "start": iv.start.isoformat(),
        "end": iv.end.isoformat(),
        "tz": iv.tz,
        "channel": iv.channel.value,
        "decision_date": iv.decision_date.isoformat() if iv.decision_date else None,
        "pace": iv.pace.value,
        "playbook": iv.playbook,
        "round": iv.round,
        "application": iv.application,
        "topics": list(iv.topics),
        "clarify": list(iv.clarify),
        "notes": iv.notes,
        "location": iv.location,
        "postal_address": iv.postal_address,
        "country": iv.country,
        "created": _when(iv.created),
        "source_uid": iv.source_uid,
        "source_sequence": iv.source_sequence,
        "source_stamp": _when(iv.source_stamp),
    }


def interview_from_dict(data: dict[str, Any]) -> Interview:
    tz = ZoneInfo(data["tz"])
    start = datetime.fromisoformat(data["start"]).astimezone(tz)
    end = datetime.fromisoformat(data["end"]).astimezone(tz)
    return Interview(
        id=data["id"],
        company=data["company"],
        role=data["role"],
        interviewers=tuple(
            interviewer_from_dict(p, f"p{i}") for i, p in enumerate(data["interviewers"], start=1)
        ),
        start=start,
        end=end,
        tz=data["tz"],
        channel=Channel(data.get("channel", Channel.VIDEO.value)),
        decision_date=date.fromisoformat(data["decision_date"])
        if data.get("decision_date")
        else None,
        pace=Pace(data.get("pace", Pace.STANDARD.value)),
        playbook=data.get("playbook", ""),
        round=int(data.get("round", 1)),
        application=data.get("application", ""),
        topics=tuple(data.get("topics", ())),
        clarify=tuple(data.get("clarify", ())),
        notes=data.get("notes", ""),
        location=data.get("location", ""),
        postal_address=data.get("postal_address", ""),
        country=data.get("country", ""),
        created=_instant(data.get("created")),
        source_uid=data.get("source_uid", ""),
        source_sequence=int(data.get("source_sequence", 0)),
        source_stamp=_instant(data.get("source_stamp")),
    )


def activity_to_dict(act: Activity) -> dict[str, Any]:
    return {
        "id": act.id,
        "kind": act.kind.value,
        "at": act.at.isoformat(),
        "step": act.step,
        "until": act.until.isoformat() if act.until else None,
        "to": _when(act.to),
        "outcome": act.outcome.value if act.outcome else None,
        "how": act.how,
        "note": act.note,
        "seq": act.seq,
    }


def activity_from_dict(data: dict[str, Any]) -> Activity:
    at = datetime.fromisoformat(data["at"])
    return Activity(
        id=data["id"],
        kind=ActivityKind(data["kind"]),
        at=at,
        step=data.get("step", ""),
        until=date.fromisoformat(data["until"]) if data.get("until") else None,
        to=_instant(data.get("to")),
        outcome=Outcome(data["outcome"]) if data.get("outcome") else None,
        how=data.get("how", ""),
        note=data.get("note", ""),
        seq=int(data.get("seq", 0)),
    )


def step_to_dict(step: Step, tz: tzinfo | None = None) -> dict[str, Any]:
    """The step as the CLI's JSON prints it (its times in `tz`) and the store keeps it."""
    start, end, deadline = step.start, step.end, step.deadline
    if tz is not None:
        start, end, deadline = start.astimezone(tz), end.astimezone(tz), deadline.astimezone(tz)
    return {
        "id": step.id,
        "interview": step.interview_id,
        "key": step.key,
        "kind": step.kind,
        "title": step.title,
        "channel": step.channel.value,
        "to": step.to,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "deadline": deadline.isoformat(),
        "status": step.status.value,
        "chaser": step.chaser,
        "optional": step.optional,
        "manual": step.manual,
        "why": step.why,
        "status_reason": step.status_reason,
        "done_how": step.done_how,
    } | ({"deleted_in_calendar": True} if step.deleted_in_calendar else {})


def step_from_dict(data: dict[str, Any]) -> Step:
    return Step(
        id=data["id"],
        interview_id=data["interview"],
        key=data["key"],
        kind=data["kind"],
        title=data["title"],
        channel=StepChannel(data["channel"]),
        to=data["to"],
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        deadline=datetime.fromisoformat(data["deadline"]),
        status=StepStatus(data["status"]),
        chaser=bool(data["chaser"]),
        optional=bool(data["optional"]),
        manual=bool(data["manual"]),
        why=data["why"],
        status_reason=data.get("status_reason", ""),
        done_how=data.get("done_how", ""),
        deleted_in_calendar=data.get("deleted_in_calendar") is True,
    )

"""`followthrough interview`, `plan`, `reply`, `delay`, `outcome`, `step`, `undo` and `redo`:
the interviews, their plan of follow-ups, and what happened since (a reply, a delay, the
outcome, a step done, skipped or moved), each change taken back and made again in turn."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from followthrough.cli.output import emit, json_rows
from followthrough.core import shown_dates
from followthrough.core.actions import ReplySays, decision_change, employer_news
from followthrough.core.applications import applications
from followthrough.core.codec import interview_to_dict, step_to_dict
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Channel,
    Interview,
    Interviewer,
    Outcome,
    Pace,
    ValidationError,
    cancelled_sentence,
    check_phone,
    employer_cancellation,
    next_interviewer_key,
    parse_date,
    parse_instant,
    zone,
)
from followthrough.core.text import shown
from followthrough.core.zones import in_both_zones
from followthrough.store import Store

# -- parsers ---------------------------------------------------------------------------------


def _choices(enum: Any) -> list[str]:
    return [member.value for member in enum]


def _interview_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--company", required=required)
    parser.add_argument("--role", required=required)
    parser.add_argument("--start", required=required, help="ISO 8601, e.g. 2026-11-23T14:00")
    parser.add_argument("--end", required=required, help="ISO 8601, e.g. 2026-11-23T15:00")
    parser.add_argument("--tz", required=required, help="IANA time zone, e.g. Europe/Paris")
    parser.add_argument(
        "--country",
        help="the employer's country for its public holidays, an ISO 3166 code like US "
        "(default: the time zone's; an empty value goes back to it)",
    )
    parser.add_argument(
        "--interviewer",
        action="append",
        required=required,
        help='"Name", "Name <email>" or "Name (Title) <email>"; repeatable',
    )
    parser.add_argument("--phone", help="phone number of the first interviewer")
    parser.add_argument("--channel", choices=_choices(Channel))
    parser.add_argument("--decision-date", help="YYYY-MM-DD (an empty value clears it)")
    parser.add_argument("--pace", choices=_choices(Pace))
    parser.add_argument("--playbook")
    parser.add_argument("--topic", action="append", help="a topic discussed; repeatable")
    parser.add_argument(
        "--clarify", action="append", help="a point to clarify with the main contact; repeatable"
    )
    parser.add_argument(
        "--topic-for",
        action="append",
        metavar="WHO=TOPIC",
        help="a topic discussed with one interviewer (WHO: their number, 1 for the first, or "
        "their name), mentioned to them instead of the --topic ones; repeatable; an empty "
        "value clears them",
    )
    parser.add_argument(
        "--clarify-for",
        action="append",
        metavar="WHO=POINT",
        help="a point to clarify with one interviewer (WHO as for --topic-for); repeatable; "
        "an empty value clears them",
    )
    parser.add_argument(
        "--postal-address",
        help="where a handwritten note is posted, one line of the address a line (an empty "
        "value clears it)",
    )
    parser.add_argument("--round", type=int)
    parser.add_argument("--notes")
    parser.add_argument("--location")


def add_parsers(commands: Any) -> None:
    """The parsers of `interview`, `plan`, `reply`, `delay`, `outcome`, `step`, `undo` and
    `redo`."""
    interview = commands.add_parser(
        "interview", help="add, list, show, edit, delete or reopen interviews"
    )
    iv_commands = interview.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = iv_commands.add_parser("add", help="record an interview; prints its id")
    _interview_options(add, required=True)
    add.add_argument(
        "--application",
        help="the id of the application (company and role) it is the next round of; "
        "without it, a --round after the first joins the same company and role's",
    )
    listing = iv_commands.add_parser("list", help="list applications and their rounds")
    listing.add_argument("--json", action="store_true")
    show = iv_commands.add_parser("show", help="show one interview and its plan")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    edit = iv_commands.add_parser("edit", help="change an interview (only the options given)")
    edit.add_argument("id")
    _interview_options(edit, required=False)
    delete = iv_commands.add_parser("delete", help="delete an interview and its plan")
    delete.add_argument("id")
    reopen = iv_commands.add_parser(
        "reopen", help="take back the employer's cancellation: plan its follow-ups again"
    )
    reopen.add_argument("id")

    plan = commands.add_parser("plan", help="the follow-up steps")
    plan.add_argument("--interview")
    plan.add_argument("--json", action="store_true")
    plan.add_argument("--all", action="store_true", help="include cancelled steps")

    reply = commands.add_parser("reply", help="log that the employer replied")
    reply.add_argument("id")
    reply.add_argument("--at", help="when (ISO 8601; default now)")
    reply.add_argument("--note", default="", help="what they said, in a line")
    reply.add_argument(
        "--says",
        choices=_choices(ReplySays),
        default=ReplySays.ANSWER.value,
        help="just an answer (default), a next round, a new decision date, an offer or a "
        "rejection",
    )
    reply.add_argument(
        "--on",
        help="the new decision date or the next round's, YYYY-MM-DD (a next round with a "
        "date is added as the application's next interview; prints its id)",
    )

    delay = commands.add_parser("delay", help="log a delay: the decision now comes by a date")
    delay.add_argument("id")
    delay.add_argument("--until", required=True, help="the new decision date, YYYY-MM-DD")
    delay.add_argument("--at", help="when they told you (default now)")
    delay.add_argument("--note", default="", help="what they said, in a line")

    outcome = commands.add_parser("outcome", help="log the outcome: offer, rejected or withdrawn")
    outcome.add_argument("id")
    outcome.add_argument("result", choices=_choices(Outcome))
    outcome.add_argument("--at", help="when (default now)")
    outcome.add_argument("--note", default="", help="details, in a line")

    commands.add_parser("undo", help="take back the last change to an interview")
    commands.add_parser("redo", help="make the last change undone again")

    step = commands.add_parser("step", help="mark a step done or skipped, or move it")
    step_commands = step.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("done", "mark a step done"),
        ("skip", "skip a step"),
        ("reopen", "undo done or skip, or bring back a cancelled step"),
    ):
        sub = step_commands.add_parser(name, help=text)
        sub.add_argument("step")
        sub.add_argument("--at", help="when (default now)")
        if name == "done":
            sub.add_argument("--how", default="", help="how it went, e.g. 'voicemail'")
    move = step_commands.add_parser("move", help="move a step to another time")
    move.add_argument("step")
    move.add_argument("--to", required=True, help="ISO 8601; without an offset, in your zone")


# -- reading the options ---------------------------------------------------------------------


def _moment(store: Store, text: str | None, what: str) -> datetime:
    if not text:
        return datetime.now(UTC).astimezone(store.settings().zone).replace(microsecond=0)
    return parse_instant(text, store.settings().zone, what)


def _people(
    specs: list[str], phone: str | None, previous: tuple[Interviewer, ...] = ()
) -> tuple[Interviewer, ...]:
    """Interviewers from the command line, keeping the keys of people already recorded."""
    people: list[Interviewer] = []
    for spec in specs:
        person = Interviewer.parse(spec)
        match = next(
            (
                p
                for p in previous
                if (person.email and p.email.lower() == person.email.lower())
                or p.name.casefold() == person.name.casefold()
            ),
            None,
        )
        key = (
            match.key
            if match and match.key not in {q.key for q in people}
            else next_interviewer_key([*previous, *people])
        )
        if match:  # what was recorded of them besides "Name (Title) <email>" stays
            person = replace(person, phone=match.phone, topics=match.topics, clarify=match.clarify)
        people.append(replace(person, key=key))
    if phone is not None and people:
        people[0] = replace(people[0], phone=check_phone(phone))
    return tuple(people)


def _addressed(
    people: tuple[Interviewer, ...], specs: list[str], name: str, option: str
) -> tuple[Interviewer, ...]:
    """`people` with their `name` ("topics" or "clarify") from WHO=TEXT specs; a person no
    spec names gets none, and an empty spec names nobody (so one alone clears them all)."""
    given: dict[str, list[str]] = {person.key: [] for person in people}
    for spec in specs:
        if not spec.strip():
            continue
        who, equals, text = spec.partition("=")
        if not equals:
            raise ValidationError(
                f"{option} takes WHO=TEXT (WHO: the interviewer's number or name), not "
                f"'{shown(spec, 40)}'."
            )
        given[_who(people, who.strip(), option).key].append(text)
    if name == "topics":
        return tuple(replace(p, topics=tuple(given[p.key])) for p in people)
    return tuple(replace(p, clarify=tuple(given[p.key])) for p in people)


def _who(people: tuple[Interviewer, ...], who: str, option: str) -> Interviewer:
    """The interviewer `who` names: their number (1 for the first), full or first name."""
    if who.isascii() and who.isdigit() and len(who) <= 3 and 1 <= int(who) <= len(people):
        return people[int(who) - 1]
    found = [p for p in people if who.casefold() in (p.name.casefold(), p.first_name.casefold())]
    if len(found) == 1:
        return found[0]
    raise ValidationError(
        f"{option}: '{shown(who, 40)}' is not one of the interviewers: give their number (1 "
        "for the first) or their name."
    )


def _interview_from_args(
    args: argparse.Namespace, store: Store, base: Interview | None = None
) -> Interview:
    tz_name = args.tz or (base.tz if base else store.settings().timezone)
    tz = zone(tz_name)
    if base is None:
        start = parse_instant(args.start, tz, "start")
        end = parse_instant(args.end, tz, "end")
        people = _people(args.interviewer, args.phone)
        fields: dict[str, Any] = {}
    else:
        start = parse_instant(args.start, tz, "start") if args.start else base.start.astimezone(tz)
        end = parse_instant(args.end, tz, "end") if args.end else base.end.astimezone(tz)
        people = (
            _people(args.interviewer, args.phone, base.interviewers)
            if args.interviewer
            else base.interviewers
        )
        if args.phone is not None and not args.interviewer:
            people = (replace(people[0], phone=check_phone(args.phone)), *people[1:])
        fields = {}
    for name in ("company", "role", "notes", "location", "playbook", "country"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value
    if args.channel:
        fields["channel"] = Channel(args.channel)
    if args.pace:
        fields["pace"] = Pace(args.pace)
    if args.round is not None:
        fields["round"] = args.round
    if args.topic is not None:
        fields["topics"] = tuple(args.topic)
    if args.clarify is not None:
        fields["clarify"] = tuple(args.clarify)
    if args.topic_for is not None:
        people = _addressed(people, args.topic_for, "topics", "--topic-for")
    if args.clarify_for is not None:
        people = _addressed(people, args.clarify_for, "clarify", "--clarify-for")
    if args.postal_address is not None:
        fields["postal_address"] = args.postal_address
    if args.decision_date is not None:
        fields["decision_date"] = (
            parse_date(args.decision_date, "decision date") if args.decision_date.strip() else None
        )
    if base is None:
        return Interview(
            id="",
            company=fields.pop("company"),
            role=fields.pop("role"),
            interviewers=people,
            start=start,
            end=end,
            tz=tz.key,
            **fields,
        ).validated()
    return replace(base, interviewers=people, start=start, end=end, tz=tz.key, **fields).validated()


# -- what is printed -------------------------------------------------------------------------


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return shown_dates.day_time(moment.astimezone(tz))


def _both(moment: datetime, tz: ZoneInfo, there: str) -> str:
    """`moment` in the user's zone, and where the interview is when that reads otherwise."""
    return in_both_zones(moment, tz, there, shown_dates.day_time)


def _activity_text(activity: Activity, tz: ZoneInfo) -> str:
    """One line of an interview's history, as `interview show` prints it."""
    kind, step = activity.kind, f" {activity.step}" if activity.step else ""
    if kind is ActivityKind.CONFLICT:
        return f"sync conflict: {activity.note}"
    if kind is ActivityKind.CANCELLED:
        return "cancelled by the employer" + (f" — {activity.note}" if activity.note else "")
    if kind is ActivityKind.DELAY and activity.until is not None:
        text = f"delay: decision by {shown_dates.day(activity.until)}"
    elif kind is ActivityKind.OUTCOME and activity.outcome is not None:
        text = f"outcome: {activity.outcome.value}"
    elif kind is ActivityKind.MOVE and activity.to is not None:
        text = f"moved{step} to {_local(activity.to, tz)}"
    else:
        text = f"{kind.value}{step}" + (f" ({activity.how})" if activity.how else "")
    return f"{text} — {activity.note}" if activity.note else text


def _plan_rows(store: Store, interview_id: str | None, include_all: bool) -> list[dict[str, Any]]:
    """The plan (of one interview, or of all) as its JSON shows it, each step decoded once."""
    if interview_id:
        store.interview(interview_id)
    tz = store.settings().zone
    rows = []
    for stored in store.steps(interview_id, cancelled=include_all):
        row = step_to_dict(stored.step, tz)
        row["sequence"] = stored.sequence
        rows.append(row)
    return rows


def _print_plan(store: Store, interview_id: str | None, include_all: bool, tz: ZoneInfo) -> None:
    """The plan's lines, read without decoding a step (Store.plan_lines)."""
    if interview_id:
        store.interview(interview_id)
    steps = store.plan_lines(interview_id, cancelled=include_all)
    if not steps:
        emit("No follow-up steps.")
        return
    zones = store.interview_zones()
    starts = [_both(step.start, tz, zones.get(step.interview_id, "")) for step in steps]
    width = max(map(len, starts))  # days of one digit and of two: the columns still line up
    lines = []
    for step, start in zip(steps, starts, strict=True):
        status, channel = step.status.value, step.channel.value
        lines.append(f"{start:<{width}}  {status:<9}  {channel:<7}  {step.title}  [{step.id}]")
    emit("\n".join(lines))  # one write: a line at a time costs a terminal a flush each


# -- the commands ----------------------------------------------------------------------------


def run(args: argparse.Namespace, store: Store) -> int:
    """Runs `interview`, `plan`, `reply`, `delay`, `outcome` or `step`."""
    tz = store.settings().zone
    if args.command == "interview":
        _run_interview(args, store, tz)
    elif args.command == "plan":
        if args.json:
            emit(json_rows(_plan_rows(store, args.interview, args.all)))
        else:
            _print_plan(store, args.interview, args.all, tz)
    elif args.command == "step":
        _run_step(args, store, tz)
    elif args.command == "undo":
        emit(f"Undone: {shown(store.undo().what)}.")
    elif args.command == "redo":
        emit(f"Redone: {shown(store.redo().what)}.")
    else:
        _log_news(args, store, tz)
    return 0


def _run_interview(args: argparse.Namespace, store: Store, tz: ZoneInfo) -> None:
    if args.action == "add":
        interview = store.add_interview(
            _interview_from_args(args, store),
            args.application,
            round_given=args.round is not None,
        )
        emit(interview.id)
    elif args.action == "list":
        interviews = store.interviews()
        if args.json:
            emit(json.dumps([interview_to_dict(iv) for iv in interviews], indent=2))
        elif not interviews:
            emit("No interviews yet. Add one with: followthrough interview add ...")
        for app in [] if args.json else applications(interviews):
            if len(app.rounds) == 1:  # an application of one round: the interview's line
                iv = app.latest
                emit(f"{iv.id}  {_both(iv.start, tz, iv.tz)}  {iv.company} — {iv.role}")
                continue
            emit(f"{app.company} — {app.role}: {len(app.rounds)} rounds  [application {app.id}]")
            for iv in app.rounds:
                emit(f"  round {iv.round}  {iv.id}  {_both(iv.start, tz, iv.tz)}")
    elif args.action == "show":
        iv = store.interview(args.id)
        history = store.activities(iv.id)
        cancelled = employer_cancellation(history)
        if args.json:
            data = interview_to_dict(iv)
            data["cancelled_by_employer"] = cancelled.at.isoformat() if cancelled else None
            decided = decision_change(iv, history)[0]
            data["decision_now"] = decided.isoformat() if decided else None
            data["plan"] = _plan_rows(store, iv.id, include_all=True)
            emit(json.dumps(data, indent=2))
        else:
            emit(f"{iv.company} — {iv.role} (round {iv.round})  [{iv.id}]")
            emit(f"Application {iv.application_id}")
            emit(
                f"{_both(iv.start, tz, iv.tz)} to {shown_dates.time_of_day(iv.end.astimezone(tz))} "
                f"({iv.tz}, {iv.employer_country or 'no country'}), {iv.channel.value}, "
                f"pace {iv.pace.value}, playbook {store.playbook_for(iv).name}"
            )
            for person in iv.interviewers:
                title = f" ({person.title})" if person.title else ""
                phone = f", {person.phone}" if person.phone else ""
                emit(f"  with {person.address}{title}{phone}")
                for label, texts in (("topics", person.topics), ("to clarify", person.clarify)):
                    if texts:
                        emit(f"    {label}: {'; '.join(texts)}")
            if iv.postal_address:
                emit(f"Post to: {', '.join(iv.postal_address.splitlines())}")
            decided, was = decision_change(iv, history)
            if decided is not None:
                emit(
                    f"Decision now by {shown_dates.day(decided)}, was {shown_dates.day(was)}"
                    if was is not None
                    else f"Decision expected by {shown_dates.day(decided)}"
                )
            if cancelled:
                emit(cancelled_sentence(cancelled, tz))
            _print_plan(store, iv.id, False, tz)
            if history:
                emit("History:")
            for activity in history:
                emit(f"  {_local(activity.at, tz)}  {_activity_text(activity, tz)}")
    elif args.action == "edit":
        store.update_interview(_interview_from_args(args, store, store.interview(args.id)))
    elif args.action == "delete":
        store.delete_interview(args.id)
    elif args.action == "reopen":
        store.reopen_cancelled(args.id, _moment(store, None, "time"))


def _log_news(args: argparse.Namespace, store: Store, tz: ZoneInfo) -> None:
    """`reply`, `delay` or `outcome`: what the employer said, in the interview's history."""
    interview = store.interview(args.id)
    at = _moment(store, args.at, "time")
    says: ReplySays | Outcome
    day = None
    if args.command == "reply":
        says = ReplySays(args.says)
        day = parse_date(args.on, "date") if args.on else None
    elif args.command == "delay":
        says, day = ReplySays.NEW_DATE, parse_date(args.until, "new decision date")
    else:
        says = Outcome(args.result)
    note = args.note
    history = store.activities(interview.id)
    news = employer_news(interview, history, says, at, note=note, day=day)
    if says is ReplySays.NEXT_ROUND and day is not None:  # the next round, with its own plan
        emit(store.add_next_round(interview.id, news).id)
    else:
        store.record(interview.id, news)


def _run_step(args: argparse.Namespace, store: Store, tz: ZoneInfo) -> None:
    stored = store.step(args.step)
    interview = store.interview(stored.step.interview_id)
    if args.action == "move":
        to = parse_instant(args.to, tz, "new time")  # the store refuses a time too early
        activity = Activity(
            ActivityKind.MOVE, _moment(store, None, "time"), step=stored.step.key, to=to
        )
    else:
        at = _moment(store, args.at, "time")
        if at < interview.start:
            raise ValidationError("That time is before the interview started.")
        kind = {
            "done": ActivityKind.DONE,
            "skip": ActivityKind.SKIP,
            "reopen": ActivityKind.REOPEN,
        }[args.action]
        activity = Activity(kind, at, step=stored.step.key, how=getattr(args, "how", ""))
    store.record(interview.id, activity)

"""An interview's history as the user reads it: one sentence an activity ("Thank-you to Ana
sent by email on 3 Dec"), steps named by their titles, dates in the locale's form, never an
internal key or id; and how a done step was done ("sent by email on 3 Dec at 09:00").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo

from PySide6.QtCore import QCoreApplication

from followthrough.core.actions import NEXT_ROUND
from followthrough.core.model import BROUGHT_BACK, Activity, ActivityKind, Outcome
from followthrough.core.shown_dates import time_of_day


def tr(text: str) -> str:
    return QCoreApplication.translate("History", text)


def day_text(day: date) -> str:
    """A day as the window shows it everywhere: "3 Dec" (date_fields.shown_day)."""
    from followthrough.ui.date_fields import shown_day

    return shown_day(day)


def done_text(how: str, day: str) -> str:
    """How a step was done and when, after its title: "sent by email on 3 Dec",
    "done by phone on 3 Dec (voicemail)", "done on 3 Dec (copied)"."""
    way, _sep, detail = how.partition(":") if ":" in how else how.partition(" (")
    way, detail = way.strip(), detail.strip().rstrip(")")
    if way in ("email", "letter"):
        text = tr("sent by {way} on {day}").format(way=way, day=day)
    elif way == "phone":
        text = tr("done by phone on {day}").format(day=day)
    else:
        text, detail = tr("done on {day}").format(day=day), how.strip()
    return text + (f" ({detail})" if detail else "")


def step_name(key: str, titles: Mapping[str, str]) -> str:
    """The title of the step with `key`; a step no longer in the plan by its kind."""
    from followthrough.ui.calendar.events import kind_label

    if key in titles:
        return titles[key]
    kind = key.partition(".")[0]
    return kind_label(kind) if kind else tr("A follow-up")


def sentence(activity: Activity, titles: Mapping[str, str], tz: tzinfo) -> str:
    """What `activity` was, in a sentence ("Status check with Acme skipped on 3 Dec")."""
    day = day_text(activity.at.astimezone(tz).date())
    kind, note = activity.kind, activity.note.strip()
    title = step_name(activity.step, titles) if activity.step else ""
    if kind is ActivityKind.DONE:
        text = f"{title} {done_text(activity.how, day)}"
    elif kind is ActivityKind.SKIP:
        text = (tr("{title} deleted in the calendar on {day}") if activity.is_calendar_deletion()
                else tr("{title} skipped on {day}")).format(title=title, day=day)
        note = "" if activity.is_calendar_deletion() else note
    elif kind is ActivityKind.REOPEN and activity.step:
        text = (tr("{title} brought back on {day}") if activity.how == BROUGHT_BACK
                else tr("{title} reopened on {day}")).format(title=title, day=day)
    elif kind is ActivityKind.REOPEN:
        text = tr("Interview reopened on {day}").format(day=day)
    elif kind is ActivityKind.MOVE and activity.to is not None:
        to = activity.to.astimezone(tz)
        text = tr("{title} moved to {to} on {day}").format(
            title=title, to=f"{day_text(to.date())} {time_of_day(to)}", day=day
        )
    elif kind is ActivityKind.REPLY and activity.how == NEXT_ROUND:
        text = (tr("They replied on {day}: another round on {when}").format(
            day=day, when=day_text(activity.until)) if activity.until is not None
            else tr("They replied on {day}: another round").format(day=day))
    elif kind is ActivityKind.REPLY:
        text = tr("They replied on {day}").format(day=day)
    elif kind is ActivityKind.DELAY and activity.until is not None:
        text = tr("They moved the decision to {when} on {day}").format(
            when=day_text(activity.until), day=day
        )
    elif kind is ActivityKind.OUTCOME and activity.outcome is not None:
        text = {
            Outcome.OFFER: tr("An offer on {day}"),
            Outcome.REJECTED: tr("Rejected on {day}"),
            Outcome.WITHDRAWN: tr("You withdrew on {day}"),
        }[activity.outcome].format(day=day)
    elif kind is ActivityKind.CONFLICT:
        text = tr("A sync conflict on {day}").format(day=day)
    elif kind is ActivityKind.CANCELLED:
        text = tr("The employer cancelled the interview on {day}").format(day=day)
        note = ""  # their cancelled event's summary: the interview again
    else:
        text = tr("Recorded on {day}").format(day=day)
    return text + (f": {note}" if note else "")


def done_status(how: str, at: datetime, tz: tzinfo) -> str:
    """A done step's status: "sent by email on 3 Dec at 09:00"."""
    local = at.astimezone(tz)
    when = tr("{day} at {time}").format(day=day_text(local.date()), time=time_of_day(local))
    return done_text(how, when)

"""What the calendar shows of a step or an interview: `CalendarEvent`, its status, and its
kind's name and colour.

`tr` translates the calendar's texts (one context, "Calendar", for the whole package).
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from followthrough.core import shown_dates
from followthrough.core.model import StepStatus
from followthrough.core.zones import in_both_zones, time_there


def tr(text: str) -> str:
    return QCoreApplication.translate("Calendar", text)


class EventStatus(StrEnum):
    """What a calendar shows of an event's state (a planned step is also due or overdue)."""

    PLANNED = "planned"
    DUE = "due"  # planned for today
    OVERDUE = "overdue"  # planned for a day already past
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            EventStatus.PLANNED: tr("Planned"),
            EventStatus.DUE: tr("Due today"),
            EventStatus.OVERDUE: tr("Overdue"),
            EventStatus.DONE: tr("Done"),
            EventStatus.SKIPPED: tr("Skipped"),
            EventStatus.CANCELLED: tr("Cancelled"),
        }[self]

    @property
    def mark(self) -> str:
        """A glyph that tells the status without relying on colour."""
        return {
            EventStatus.PLANNED: "",
            EventStatus.DUE: "●",
            EventStatus.OVERDUE: "!",
            EventStatus.DONE: "✓",
            EventStatus.SKIPPED: "–",
            EventStatus.CANCELLED: "×",
        }[self]

    @property
    def open(self) -> bool:
        """Still to do (so it can be moved, done or skipped)."""
        return self in (EventStatus.PLANNED, EventStatus.DUE, EventStatus.OVERDUE)


INTERVIEW_KIND = "interview"

# Accent colours by step kind: mid-tones that read as a bar or a tint on light and dark bases.
KIND_COLOURS: dict[str, str] = {
    INTERVIEW_KIND: "#7e57c2",
    "thank-you": "#2e7d32",
    "note": "#8d6e63",
    "status-check": "#1e88e5",
    "call": "#ef6c00",
    "decision-check-in": "#00897b",
    "second-follow-up": "#3949ab",
    "final-check-in": "#c2185b",
    "offer-thank-you": "#f9a825",
    "networking": "#0097a7",
    "keep-in-touch": "#757575",
}
OVERDUE_COLOUR = "#d32f2f"


def kind_colour(kind: str) -> QColor:
    """The accent colour of a step kind; a kind from a user's playbook gets a stable hue."""
    known = KIND_COLOURS.get(kind)
    if known:
        return QColor(known)
    hue = int(hashlib.sha256(kind.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return QColor.fromRgbF(r, g, b)


def short_kind_label(kind: str) -> str:
    """A step kind in a word or two, for a calendar cell with little room."""
    found = _SHORT_LABELS.get(kind)
    if found is None:
        found = _SHORT_LABELS[kind] = _short_kind_label(kind)
    return found


_SHORT_LABELS: dict[str, str] = {}


def _short_kind_label(kind: str) -> str:
    return {
        INTERVIEW_KIND: tr("Interview"),
        "thank-you": tr("Thank-you"),
        "note": tr("Note"),
        "status-check": tr("Status check"),
        "call": tr("Call"),
        "decision-check-in": tr("Check-in"),
        "second-follow-up": tr("Follow-up"),
        "final-check-in": tr("Final check-in"),
        "offer-thank-you": tr("Offer thanks"),
        "networking": tr("Connect"),
        "keep-in-touch": tr("Keep in touch"),
    }.get(kind, kind.replace("-", " ").capitalize())


def kind_label(kind: str) -> str:
    return {
        INTERVIEW_KIND: tr("Interview"),
        "thank-you": tr("Thank-you"),
        "note": tr("Handwritten note"),
        "status-check": tr("Status check"),
        "call": tr("Follow-up call"),
        "decision-check-in": tr("Decision-date check-in"),
        "second-follow-up": tr("Second follow-up"),
        "final-check-in": tr("Final check-in"),
        "offer-thank-you": tr("Thank-you for the offer"),
        "networking": tr("Connection request"),
        "keep-in-touch": tr("Keep in touch"),
    }.get(kind, kind.replace("-", " ").capitalize())


@dataclass(frozen=True)
class CalendarEvent:
    """One thing on the calendar: an interview, or one of its follow-up steps."""

    kind: str  # "step" or "interview"
    id: str  # the step's id, or the interview's id
    interview_id: str
    title: str
    company: str
    role: str
    step_kind: str  # the step's kind; "interview" for an interview
    channel: str
    start: datetime  # in the user's zone
    end: datetime
    status: EventStatus
    why: str = ""
    status_reason: str = ""
    manual: bool = False
    optional: bool = False
    to: str = ""
    zone: str = ""  # the interview's time zone (IANA), where the employer is

    def time_there(self) -> str:
        """The start's time where the interview is, when that is not the user's time:
        "14:00 New York"; "" when both read the same."""
        return time_there(self.start, self.zone)

    def times_text(self) -> str:
        """The start's time, and where the interview is when that reads otherwise:
        "19:00 · 14:00 New York"."""
        return in_both_zones(self.start, self.start.tzinfo or _zone("UTC"), self.zone)

    @property
    def is_step(self) -> bool:
        return self.kind == "step"

    @property
    def movable(self) -> bool:
        """A step to do, or one the plan cancelled (moving it brings it back)."""
        return self.is_step and (self.status.open or self.status is EventStatus.CANCELLED)

    @property
    def day(self) -> date:
        return self.start.date()

    def time_text(self) -> str:
        return shown_dates.time_of_day(self.start)

    def chip_lines(self) -> tuple[str, str]:
        """What a calendar chip says, who first (the kind is also told by its colour): the
        person written to, then the kind in a word and the company; for an event to no one
        (an interview, a note), the kind, then the company."""
        if self.is_step and self.to:
            # "Ana Diaz <ana@acme.example>", "Sam Roy (+1 555 0100)": the name
            name = self.to.split(" <", 1)[0].split(" (", 1)[0]
            return name, f"{short_kind_label(self.step_kind)} · {self.company}"
        return short_kind_label(self.step_kind), self.company

    def accessible_text(self) -> str:
        what = self.title if self.is_step else tr("Interview at {company}").format(
            company=self.company
        )
        return tr("{what}, {day} at {time}, {status}").format(
            what=what,
            day=shown_dates.day(self.start, year=False, full=True),
            time=self.time_text(),
            status=self.status.label,
        )

    def tooltip(self) -> str:
        lines = [self.title, f"{self.company} — {self.role}" if self.role else self.company]
        there = self.time_there()
        lines.append(
            f"{shown_dates.day_time(self.start)}–{shown_dates.time_of_day(self.end)}"
            + (f" · {there}" if there else "")
            + f" · {self.status.label}"
        )
        if self.status_reason:
            lines.append(self.status_reason)
        elif self.why:
            lines.append(self.why)
        return "\n".join(lines)


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def display_status(status: StepStatus, start: datetime, today: date) -> EventStatus:
    if status is StepStatus.PLANNED:
        day = start.date()
        if day < today:
            return EventStatus.OVERDUE
        if day == today:
            return EventStatus.DUE
        return EventStatus.PLANNED
    return EventStatus(status.value)


def emit_activated(view: Any, event: CalendarEvent) -> None:
    """Ask the window to open `event` from `view`: a step's message, an interview's details."""
    (view.step_activated if event.is_step else view.interview_activated).emit(event.id)

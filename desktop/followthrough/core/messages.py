"""Message drafts: a step and its interview, poured into a plain-text template.

Templates live in ``resources/templates/`` (built in) and in the user's ``DATA/templates/``;
a user file with the same name replaces the built-in one. The format is described in
``resources/templates/README.md``: comment lines (``#``) at the top, an optional
``Subject:`` line and a blank line, then the body. ``{placeholder}`` inserts a value, ``{{`` and
``}}`` are literal braces, and a line ``[if name]`` ... ``[end]`` keeps the lines between only
when ``name`` has a value.

Rendering is plain substitution into a template parsed once: values are inserted as opaque
text and never read again, so a value such as ``{company}`` or ``{0.__class__}`` comes out
literally. No Qt is imported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthrough.core.mailto import mailto_url
from followthrough.core.model import (
    Interview,
    Interviewer,
    Step,
    StepChannel,
    ValidationError,
    zone,
)
from followthrough.core.settings import Settings

__all__ = [
    "PLACEHOLDERS",
    "Draft",
    "Template",
    "TemplateError",
    "TemplateLibrary",
    "format_day",
    "parse_template",
    "render",
    "template_names",
]

PLACEHOLDERS: tuple[str, ...] = (
    "interviewer_name",
    "interviewer_first_name",
    "interviewer_title",
    "company",
    "role",
    "interview_date",
    "topic",
    "topics",
    "clarify",
    "decision_date",
    "my_name",
    "my_email",
    "my_phone",
)

# What a missing value looks like in the draft: visible, and plainly something to fill in.
_MARKERS: dict[str, str] = {
    "interviewer_name": "[interviewer's name]",
    "interviewer_first_name": "[interviewer's first name]",
    "interviewer_title": "[interviewer's title]",
    "company": "[company]",
    "role": "[role]",
    "interview_date": "[interview date]",
    "topic": "[topic]",
    "topics": "[topics]",
    "clarify": "[point to clarify]",
    "decision_date": "[decision date]",
    "my_name": "[your name]",
    "my_email": "[your email]",
    "my_phone": "[your phone]",
}

# The step kind as the user calls the message, for sentences about what is missing.
_KIND_NAMES: dict[str, str] = {
    "thank-you": "thank-you",
    "note": "note",
    "status-check": "status check",
    "call": "call",
    "decision-check-in": "check-in",
    "second-follow-up": "follow-up",
    "final-check-in": "check-in",
    "offer-thank-you": "thank-you",
    "networking": "connection request",
    "keep-in-touch": "message",
}

# The don'ts of domain.md §3, in our words, with what matters most for each step first.
_NO_REPEAT = "Don't repeat your application: add one new point or sharpen one, no more."
_NO_OVERSELL = "Don't oversell: one sentence on why you fit is enough."
_ON_TOPIC = "Stay on topic: the role and what you talked about."
_NO_SOCIAL = "No social-media messages or connection requests until the process is over."
_PATIENT = "Ask once and politely: no pressure, no deadline for them."
_HINTS: dict[str, tuple[str, ...]] = {
    "thank-you": (
        "Keep it short, and proofread names, company and role before sending.",
        _NO_REPEAT,
        _NO_OVERSELL,
        _ON_TOPIC,
        _NO_SOCIAL,
    ),
    "note": (
        "Write it by hand and keep it to a few lines.",
        _NO_OVERSELL,
        _ON_TOPIC,
        _NO_SOCIAL,
    ),
    "status-check": (_PATIENT, _NO_REPEAT, _ON_TOPIC, _NO_SOCIAL),
    "call": (
        "One call is enough: if you reach voicemail, leave one message and don't call again.",
        _NO_OVERSELL,
        _ON_TOPIC,
        _NO_SOCIAL,
    ),
    "decision-check-in": (_PATIENT, _NO_REPEAT, _ON_TOPIC, _NO_SOCIAL),
    "second-follow-up": (
        "This is the last nudge before the final check-in: keep it short and friendly.",
        _PATIENT,
        _NO_REPEAT,
        _NO_SOCIAL,
    ),
    "final-check-in": (
        "Keep it brief and leave the door open; don't ask why you haven't heard back.",
        _NO_REPEAT,
        _NO_SOCIAL,
    ),
    "offer-thank-you": (
        "Keep only the questions the offer leaves open.",
        _NO_OVERSELL,
        _ON_TOPIC,
    ),
    "networking": (
        "Keep the request short and personal: no pitch, and don't ask for a job.",
        _ON_TOPIC,
    ),
    "keep-in-touch": (
        "Don't ask them to reconsider: a friendly hello keeps the contact.",
        _NO_REPEAT,
        _NO_OVERSELL,
    ),
}
_DEFAULT_HINTS = (_NO_REPEAT, _NO_OVERSELL, _ON_TOPIC, _NO_SOCIAL)

_MAX_TEMPLATE_BYTES = 100_000
_TOKEN_RE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
_IF_RE = re.compile(r"^\[\s*if\s+([^\]]*?)\s*\]$", re.IGNORECASE)
_END_RE = re.compile(r"^\[\s*end\s*\]$", re.IGNORECASE)
_SUBJECT_RE = re.compile(r"^subject:", re.IGNORECASE)
# Control characters and line separators: they end a line, so single-line values lose them.
_LINE_BREAKING_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BLANK_RUN_RE = re.compile(r"\n{3,}")

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class TemplateError(ValidationError):
    """A message template that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class _Slot:
    """A placeholder in a parsed template."""

    name: str


@dataclass(frozen=True)
class _Line:
    number: int  # in the file, for error messages
    pieces: tuple[str | _Slot, ...]
    condition: str = ""  # a placeholder name: the line is kept only when it has a value


@dataclass(frozen=True)
class Template:
    """A parsed template: the subject (email kinds only) and the body lines."""

    name: str  # the file name, which says the step kind and channel it is for
    path: Path
    subject: _Line | None
    body: tuple[_Line, ...]
    builtin: bool

    @property
    def placeholders(self) -> frozenset[str]:
        lines = [*self.body, *([self.subject] if self.subject else [])]
        used = {p.name for line in lines for p in line.pieces if isinstance(p, _Slot)}
        return frozenset(used | {line.condition for line in self.body if line.condition})


def _parse_pieces(text: str, label: str, number: int) -> tuple[str | _Slot, ...]:
    pieces: list[str | _Slot] = []
    literal: list[str] = []
    position = 0
    for match in _TOKEN_RE.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        name = match.group(1)
        if name is None:
            raise TemplateError(
                f"{label}, line {number}: a single '{token}' is not allowed; write "
                f"'{token * 2}' for a brace, or a placeholder like {{company}}."
            )
        if name not in PLACEHOLDERS:
            raise TemplateError(
                f"{label}, line {number}: unknown placeholder {{{name}}}; known placeholders: "
                + ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
                + "."
            )
        pieces.append("".join(literal))
        literal = []
        pieces.append(_Slot(name))
    literal.append(text[position:])
    pieces.append("".join(literal))
    return tuple(piece for piece in pieces if piece != "")


def parse_template(
    text: str, path: Path, label: str | None = None, *, builtin: bool = False
) -> Template:
    """Parse one template; TemplateError names the file (`label`) and line of any problem."""
    label = label or str(path)
    lines = text.removeprefix("\ufeff").splitlines()
    index = 0
    while index < len(lines) and lines[index].startswith("#"):
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    subject: _Line | None = None
    if index < len(lines) and _SUBJECT_RE.match(lines[index]):
        number = index + 1
        subject_text = lines[index][len("subject:") :].strip()
        if not subject_text:
            raise TemplateError(f"{label}, line {number}: the Subject line is empty.")
        subject = _Line(number, _parse_pieces(subject_text, label, number))
        index += 1
        if index < len(lines) and lines[index].strip():
            raise TemplateError(
                f"{label}, line {index + 1}: leave one blank line between the Subject line "
                "and the message."
            )
    body: list[_Line] = []
    condition = ""
    opened_at = 0
    for number, raw in enumerate(lines[index:], start=index + 1):
        stripped = raw.strip()
        directive = _IF_RE.match(stripped)
        if directive:
            name = directive.group(1)
            if condition:
                raise TemplateError(
                    f"{label}, line {number}: [if] blocks cannot be nested; close the one on "
                    f"line {opened_at} with [end] first."
                )
            if name not in PLACEHOLDERS:
                raise TemplateError(
                    f"{label}, line {number}: unknown placeholder '{name}' in [if]; known "
                    f"placeholders: {', '.join(PLACEHOLDERS)}."
                )
            condition, opened_at = name, number
            continue
        if _END_RE.match(stripped):
            if not condition:
                raise TemplateError(f"{label}, line {number}: [end] without an [if] before it.")
            condition = ""
            continue
        body.append(_Line(number, _parse_pieces(raw.rstrip(), label, number), condition))
    if condition:
        raise TemplateError(f"{label}, line {opened_at}: this [if] block has no [end].")
    if not any(line.pieces for line in body):
        raise TemplateError(f"{label}, line {len(lines) or 1}: the template has no message text.")
    return Template(path.name, path, subject, tuple(body), builtin)


def load_template(path: Path, label: str | None = None, *, builtin: bool = False) -> Template:
    """Read and parse one template file (UTF-8, at most 100 kB)."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TemplateError(f"{label}, line 1: cannot be read ({error.strerror}).") from None
    if len(raw) > _MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{label}, line 1: the file is larger than 100 kB.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise TemplateError(f"{label}, line {line}: the file is not UTF-8 text.") from None
    return parse_template(text, path, label, builtin=builtin)


def template_names(kind: str, channel: StepChannel | str) -> tuple[str, str]:
    """The file names tried for a step, most specific first: kind.channel.txt, kind.txt."""
    channel_name = channel.value if isinstance(channel, StepChannel) else channel
    return (f"{kind}.{channel_name}.txt", f"{kind}.txt")


@dataclass
class TemplateLibrary:
    """The built-in templates; a user's file with the same name replaces the built-in one."""

    templates: dict[str, Template] = field(default_factory=dict)
    errors: list[TemplateError] = field(default_factory=list)
    broken: dict[str, TemplateError] = field(default_factory=dict)  # file name -> its problem

    @classmethod
    def load(cls, builtin_dir: Path, user_dir: Path | None = None) -> TemplateLibrary:
        """Read every ``*.txt`` in both folders; problems are kept in `errors`, not raised."""
        library = cls()
        folders = [(builtin_dir, True)]
        if user_dir is not None:
            folders.append((user_dir, False))
        for folder, builtin in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.txt")):
                label = f"built-in template {path.name}" if builtin else str(path)
                try:
                    template = load_template(path, label, builtin=builtin)
                except TemplateError as error:
                    library.errors.append(error)
                    library.broken[path.name] = error
                    library.templates.pop(path.name, None)
                    continue
                library.broken.pop(path.name, None)
                library.templates[path.name] = template
        return library

    @classmethod
    def builtin(cls, user_dir: Path | None = None) -> TemplateLibrary:
        """The templates shipped in the resources folder (and the user's, if `user_dir`)."""
        from followthrough.resources import resource_path

        return cls.load(resource_path("templates"), user_dir)

    def template_for(self, kind: str, channel: StepChannel | str) -> Template:
        """The template for a step; a broken file that would be used raises its TemplateError."""
        for name in template_names(kind, channel):
            if name in self.broken:
                raise self.broken[name]
            if name in self.templates:
                return self.templates[name]
        raise TemplateError(
            f"There is no message template for '{kind}' steps: add "
            f"{template_names(kind, channel)[1]} to your templates folder."
        )


@dataclass(frozen=True)
class Draft:
    """A drafted message for one step, ready for the editor."""

    subject: str  # empty for kinds without one (calls, notes, connection requests)
    body: str  # lines end with "\n"
    channel: StepChannel
    to_name: str
    to_address: str  # the email address or phone number the channel needs; "" if none
    missing: tuple[str, ...]  # sentences: what to add before sending
    hints: tuple[str, ...]  # the don'ts for this kind of step
    template_path: Path
    # Where a letter is posted (its envelope side, under to_name); "" for other channels.
    postal_address: str = ""

    def as_text(self) -> str:
        """Subject and body as one text, as a calendar event's description shows it."""
        return f"Subject: {self.subject}\n\n{self.body}" if self.subject else self.body

    @property
    def mail_link(self) -> str:
        """A ``mailto:`` link that opens this email in the user's mail program; "" when the
        step is not an email or has no address yet."""
        if self.channel is not StepChannel.EMAIL or not self.to_address:
            return ""
        return mailto_url(self.to_address, self.subject, self.body)


def format_day(day: date) -> str:
    """A date as the messages write it: 'Monday 23 November' (English, not the locale's)."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _one_line(value: str) -> str:
    return _LINE_BREAKING_RE.sub(" ", value).strip()


def _join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _sentences(items: list[str]) -> str:
    return " ".join(item if item[-1] in ".!?…" else f"{item}." for item in items)


def _interview_day(interview: Interview) -> date:
    try:
        return interview.start.astimezone(zone(interview.tz)).date()
    except ValidationError:
        return interview.start.date()


def _recipient(step: Step, interview: Interview) -> tuple[Interviewer | None, str]:
    """The person the step is for: the interviewer named by the key's suffix, else the primary."""
    _, dot, suffix = step.key.rpartition(".")
    if dot:
        for person in interview.interviewers:
            if person.key == suffix:
                return person, ""
        if re.fullmatch(r"p\d+", suffix):
            note = "The interviewer this step was planned for is no longer on the interview."
            return (interview.interviewers[0] if interview.interviewers else None), note
    return (interview.interviewers[0] if interview.interviewers else None), ""


def _values(
    person: Interviewer | None,
    interview: Interview,
    settings: Settings,
    decision_date: date | None,
) -> dict[str, str]:
    # Each person's own topics, else the interview's; the points to clarify addressed to
    # them, and the interview's own only to the main contact (the first interviewer).
    own_topics = person.topics if person else ()
    topics = [t for t in (_one_line(t) for t in own_topics or interview.topics) if t]
    first = interview.interviewers[0].key if interview.interviewers else None
    main = person is not None and person.key == first
    points = (*(interview.clarify if main else ()), *(person.clarify if person else ()))
    clarify = [c for c in (_one_line(c) for c in points) if c]
    decided = decision_date or interview.decision_date
    values = {
        "interviewer_name": person.name if person else "",
        "interviewer_first_name": person.first_name if person else "",
        "interviewer_title": person.title if person else "",
        "company": interview.company,
        "role": interview.role,
        "interview_date": format_day(_interview_day(interview)),
        "topic": topics[0] if topics else "",
        "topics": _join_words(topics),
        "clarify": _sentences(clarify) if clarify else "",
        "decision_date": format_day(decided) if decided else "",
        "my_name": settings.my_name,
        "my_email": settings.my_email,
        "my_phone": settings.my_phone,
    }
    return {name: _one_line(value) for name, value in values.items()}


def _missing_sentence(name: str, kind: str, person: Interviewer | None) -> str:
    what = _KIND_NAMES.get(kind, "message")
    who = person.name if person and person.name.strip() else "The interviewer"
    sentences = {
        "interviewer_name": "The interviewer has no name: add it so the message can greet them.",
        "interviewer_first_name": (
            "The interviewer has no name: add it so the message can greet them."
        ),
        "interviewer_title": f"{who} has no title recorded.",
        "company": "No company recorded: add the company's name.",
        "role": "No role recorded: add the position you interviewed for.",
        "interview_date": "The interview has no date.",
        "topic": f"No topic recorded: add one so the {what} can mention it.",
        "topics": f"No topics recorded: add the ones you discussed so the {what} can mention them.",
        "clarify": "No point to clarify recorded: add one, or remove that part.",
        "decision_date": (
            f"No decision date recorded: add the date they gave so the {what} can name it."
        ),
        "my_name": f"Your name is not set: add it in Settings so the {what} is signed.",
        "my_email": "Your email address is not set: add it in Settings.",
        "my_phone": "Your phone number is not set: add it in Settings so they can call you back.",
    }
    return sentences[name]


def _render_line(line: _Line, values: dict[str, str], used_missing: list[str]) -> str:
    parts: list[str] = []
    for piece in line.pieces:
        if isinstance(piece, str):
            parts.append(piece)
        elif values[piece.name]:
            parts.append(values[piece.name])
        else:
            parts.append(_MARKERS[piece.name])
            if piece.name not in used_missing:
                used_missing.append(piece.name)
    return "".join(parts)


def render(
    step: Step,
    interview: Interview,
    settings: Settings,
    library: TemplateLibrary,
    *,
    decision_date: date | None = None,
) -> Draft:
    """Draft the message for `step`.

    `decision_date` overrides the interview's stated date (a check-in after an announced delay
    counts from the new date). Values are substituted as plain text; a missing value shows as a
    marker such as ``[topic]`` and is explained in `Draft.missing`. Raises TemplateError when
    the template for the step is broken or there is none.
    """
    template = library.template_for(step.kind, step.channel)
    person, recipient_note = _recipient(step, interview)
    values = _values(person, interview, settings, decision_date)
    missing: list[str] = [recipient_note] if recipient_note else []

    name = values["interviewer_name"] or "The interviewer"
    to_address = ""
    if step.channel is StepChannel.EMAIL:
        to_address = person.email.strip() if person else ""
        if not to_address:
            missing.append(f"{name} has no email address.")
    elif step.channel is StepChannel.PHONE:
        to_address = person.phone.strip() if person else ""
        if not to_address:
            missing.append(f"{name} has no phone number.")
    postal_address = ""
    if step.channel is StepChannel.LETTER:
        postal_address = interview.postal_address.strip()
        if not postal_address:
            missing.append(
                "No postal address recorded: add it to the interview so the envelope side of "
                "the card can be addressed."
            )

    empty: list[str] = []
    subject = _render_line(template.subject, values, empty) if template.subject else ""
    lines = [
        _render_line(line, values, empty)
        for line in template.body
        if not line.condition or values[line.condition]
    ]
    body = _BLANK_RUN_RE.sub("\n\n", "\n".join(line.rstrip() for line in lines)).strip("\n")
    for placeholder in empty:
        sentence = _missing_sentence(placeholder, step.kind, person)
        if sentence not in missing:
            missing.append(sentence)
    return Draft(
        subject=_one_line(subject),
        body=body + "\n",
        channel=step.channel,
        to_name=person.name if person else "",
        to_address=_one_line(to_address),
        missing=tuple(missing),
        hints=_HINTS.get(step.kind, _DEFAULT_HINTS),
        template_path=template.path,
        postal_address=postal_address,
    )

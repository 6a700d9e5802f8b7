"""Message drafts: every built-in template renders, user copies win, values stay literal."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followthrough.core.cadence import plan
from followthrough.core.messages import (
    PLACEHOLDERS,
    Draft,
    TemplateError,
    TemplateLibrary,
    format_day,
    parse_template,
    render,
    template_names,
)
from followthrough.core.model import (
    Activity,
    ActivityKind,
    Interview,
    Interviewer,
    Outcome,
    Step,
    StepChannel,
    StepStatus,
    ValidationError,
)
from followthrough.core.playbooks import STEP_KINDS, PlaybookLibrary
from followthrough.core.settings import Settings
from followthrough.resources import resource_path

BUILTIN = resource_path("templates")
TZ = ZoneInfo("Africa/Johannesburg")
START = datetime(2026, 11, 23, 14, 0, tzinfo=TZ)  # a Monday

# The channel each kind has in the standard playbook, plus the variants that have own files.
DEFAULT_CHANNEL = {
    "thank-you": StepChannel.EMAIL,
    "note": StepChannel.LETTER,
    "status-check": StepChannel.EMAIL,
    "call": StepChannel.PHONE,
    "decision-check-in": StepChannel.EMAIL,
    "second-follow-up": StepChannel.EMAIL,
    "final-check-in": StepChannel.EMAIL,
    "offer-thank-you": StepChannel.EMAIL,
    "networking": StepChannel.NETWORK,
    "keep-in-touch": StepChannel.EMAIL,
}
CASES = [
    *DEFAULT_CHANNEL.items(),
    ("thank-you", StepChannel.PHONE),
    ("decision-check-in", StepChannel.PHONE),
]
EMAIL_TEMPLATES = {
    "thank-you.txt",
    "status-check.txt",
    "decision-check-in.txt",
    "second-follow-up.txt",
    "final-check-in.txt",
    "offer-thank-you.txt",
    "keep-in-touch.txt",
}
# What domain.md §3 (and common sense) says each message names: (first) name, company, role.
MENTIONS: dict[str, tuple[str, ...]] = {
    "thank-you": ("name", "company", "role", "topic"),
    "note": ("name", "company", "topic"),
    "status-check": ("name", "company", "role"),
    "call": ("first", "company", "role"),
    "decision-check-in": ("name", "company", "role", "decision"),
    "second-follow-up": ("name", "company", "role"),
    "final-check-in": ("name", "company", "role"),
    "offer-thank-you": ("name", "company", "role"),
    "networking": ("first", "company", "role"),
    "keep-in-touch": ("name", "company", "role"),
}
MARKER_RE = re.compile(
    r"\[(interviewer's name|interviewer's first name|interviewer's title|company|role|"
    r"interview date|topic|topics|point to clarify|decision date|your name|your email|"
    r"your phone)\]"
)


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary.load(BUILTIN)


def full_interview(**fields: Any) -> Interview:
    people = (
        Interviewer("Ana Diaz", "ana@acme.example", "CTO", "+27 21 555 0100", key="p1"),
        Interviewer("Bo Li", "bo@acme.example", "Lead", "+27 21 555 0101", key="p2"),
    )
    interview = Interview(
        id="iv1",
        company="Acme Robotics",
        role="Data Engineer",
        interviewers=people,
        start=START,
        end=START + timedelta(hours=1),
        tz="Africa/Johannesburg",
        decision_date=date(2026, 12, 4),
        topics=("the streaming pipeline", "on-call rotas"),
        clarify=("My notice period is one month, not three",),
        postal_address="Acme Robotics\n1 Loop Street\nCape Town 8001",
    ).validated()
    return replace(interview, **fields)


def sparse_interview() -> Interview:
    return Interview(
        id="iv2",
        company="Beta Ltd",
        role="Analyst",
        interviewers=(Interviewer("Chris Moyo", key="p1"),),
        start=START,
        end=START + timedelta(hours=1),
        tz="Africa/Johannesburg",
    ).validated()


FULL_SETTINGS = Settings(my_name="Sam Park", my_email="sam@example.com", my_phone="+27 82 555 0199")


def make_step(kind: str, channel: StepChannel, key: str | None = None) -> Step:
    return Step(
        id=f"iv1.{key or kind}",
        interview_id="iv1",
        key=key or kind,
        kind=kind,
        title=kind,
        channel=channel,
        to="",
        start=START,
        end=START + timedelta(minutes=30),
        deadline=START + timedelta(days=1),
        status=StepStatus.PLANNED,
        chaser=False,
        optional=False,
        manual=False,
        why="",
    )


def draft_text(draft: Draft) -> str:
    return f"{draft.subject}\n{draft.body}"


# -- the built-in templates ----------------------------------------------------------------


def test_templates_are_found_through_resource_path(library: TemplateLibrary) -> None:
    assert BUILTIN.is_dir()
    assert (BUILTIN / "README.md").is_file()
    assert library.errors == []
    for kind in STEP_KINDS:
        template = library.template_for(kind, DEFAULT_CHANNEL[kind])
        assert template.builtin
        assert template.path.parent == BUILTIN


def test_every_builtin_file_parses_and_uses_only_known_placeholders(
    library: TemplateLibrary,
) -> None:
    files = sorted(BUILTIN.glob("*.txt"))
    assert {f.name for f in files} == set(library.templates)
    for path in files:
        template = parse_template(path.read_text("utf-8"), path)
        assert template.placeholders <= set(PLACEHOLDERS)
        assert (template.subject is not None) == (path.name in EMAIL_TEMPLATES), path.name


def test_readme_documents_every_placeholder_and_file() -> None:
    readme = (BUILTIN / "README.md").read_text("utf-8")
    for name in PLACEHOLDERS:
        assert f"`{{{name}}}`" in readme
    for path in BUILTIN.glob("*.txt"):
        assert f"`{path.name}`" in readme
    assert "[if" in readme and "[end]" in readme and "Subject:" in readme


@pytest.mark.parametrize(("kind", "channel"), CASES)
def test_full_interview_renders_completely(
    library: TemplateLibrary, kind: str, channel: StepChannel
) -> None:
    interview = full_interview()
    draft = render(make_step(kind, channel), interview, FULL_SETTINGS, library)
    text = draft_text(draft)
    assert "{" not in text and "}" not in text
    assert not MARKER_RE.search(text), text
    assert draft.missing == ()
    assert draft.hints
    assert draft.body.endswith("\n") and not draft.body.endswith("\n\n")
    assert "\n\n\n" not in draft.body
    assert draft.channel is channel
    assert draft.to_name == "Ana Diaz"
    if channel is StepChannel.EMAIL:
        assert draft.subject and "\n" not in draft.subject
        assert draft.to_address == "ana@acme.example"
        assert draft.body.rstrip().endswith("Sam Park") or "Sam Park\n+27" in draft.body
    elif channel is StepChannel.PHONE:
        assert draft.to_address == "+27 21 555 0100"
        assert "VOICEMAIL" in draft.body
        assert "+27 82 555 0199" in draft.body  # a voicemail says how to call back
    else:
        assert draft.subject == "" and draft.to_address == ""
    assert "Sam Park" in text
    wanted = {
        "name": "Ana Diaz",
        "first": "Ana",
        "company": "Acme Robotics",
        "role": "Data Engineer",
        "topic": "the streaming pipeline",
        "decision": "Friday 4 December",
    }
    for item in MENTIONS[kind]:
        if item == "name" and channel is StepChannel.PHONE:
            item = "first"  # a call greets by first name
        assert wanted[item] in draft.body, (kind, item)


@pytest.mark.parametrize(("kind", "channel"), CASES)
def test_sparse_interview_shows_markers_and_lists_what_is_missing(
    library: TemplateLibrary, kind: str, channel: StepChannel
) -> None:
    draft = render(make_step(kind, channel), sparse_interview(), Settings(), library)
    text = draft_text(draft)
    assert "{" not in text and "}" not in text
    assert "[your name]" in text
    assert any("Your name is not set" in m for m in draft.missing)
    assert "Chris Moyo" in draft.body or "Chris" in draft.body
    assert "Beta Ltd" in draft.body
    if channel is StepChannel.EMAIL:
        assert draft.subject
        assert "Chris Moyo has no email address." in draft.missing
        assert draft.to_address == ""
    if channel is StepChannel.PHONE:
        assert "Chris Moyo has no phone number." in draft.missing
    if "topic" in MENTIONS[kind]:
        assert "[topic]" in draft.body
        assert any(m.startswith("No topic recorded: add one so the") for m in draft.missing)
    if "decision" in MENTIONS[kind]:
        assert "[decision date]" in text
        assert any(m.startswith("No decision date recorded") for m in draft.missing)
    # Every marker in the text has its sentence, and no sentence is listed twice.
    assert len(set(draft.missing)) == len(draft.missing)
    assert len(draft.missing) >= len(set(MARKER_RE.findall(text)))


@pytest.mark.parametrize("channel", list(StepChannel))
@pytest.mark.parametrize("kind", STEP_KINDS)
def test_any_kind_on_any_channel_gets_a_draft(
    library: TemplateLibrary, kind: str, channel: StepChannel
) -> None:
    draft = render(make_step(kind, channel), full_interview(), FULL_SETTINGS, library)
    assert draft.body.strip()
    assert draft.template_path.name in template_names(kind, channel)


def test_thank_you_clarification_paragraph_is_optional(library: TemplateLibrary) -> None:
    step = make_step("thank-you", StepChannel.EMAIL)
    with_points = render(step, full_interview(), FULL_SETTINGS, library)
    assert "My notice period is one month, not three." in with_points.body
    without = render(step, full_interview(clarify=()), FULL_SETTINGS, library)
    assert "notice period" not in without.body
    assert "[point to clarify]" not in without.body
    assert without.missing == ()
    assert len(without.body.splitlines()) < len(with_points.body.splitlines())
    several = render(
        step, full_interview(clarify=("First point", "Second point!")), FULL_SETTINGS, library
    )
    assert "First point. Second point!" in several.body


def test_thank_you_covers_the_content_list(library: TemplateLibrary) -> None:
    body = render(
        make_step("thank-you", StepChannel.EMAIL), full_interview(), FULL_SETTINGS, library
    ).body.lower()
    assert "thank you" in body  # thanks for their time
    assert "time" in body
    assert "experience" in body  # qualifications and fit
    assert "excited" in body  # enthusiasm
    assert "questions" in body  # invitation to ask more
    assert len(body.split()) < 200  # short


def test_networking_note_fits_a_connection_request(library: TemplateLibrary) -> None:
    draft = render(
        make_step("networking", StepChannel.NETWORK), full_interview(), FULL_SETTINGS, library
    )
    assert len(draft.body.strip()) <= 300
    assert "\n" not in draft.body.strip()


def test_hints_carry_the_donts(library: TemplateLibrary) -> None:
    for kind in STEP_KINDS:
        draft = render(
            make_step(kind, DEFAULT_CHANNEL[kind]), full_interview(), FULL_SETTINGS, library
        )
        assert all(h.strip() and h.endswith(".") for h in draft.hints)
    thank = render(
        make_step("thank-you", StepChannel.EMAIL), full_interview(), FULL_SETTINGS, library
    )
    joined = " ".join(thank.hints).lower()
    assert "repeat your application" in joined
    assert "oversell" in joined
    assert "on topic" in joined
    assert "social-media" in joined
    call = render(make_step("call", StepChannel.PHONE), full_interview(), FULL_SETTINGS, library)
    assert "One call is enough" in call.hints[0]


# -- the recipient ---------------------------------------------------------------------------


def test_per_interviewer_step_goes_to_the_interviewer_with_that_key(
    library: TemplateLibrary,
) -> None:
    draft = render(
        make_step("thank-you", StepChannel.EMAIL, key="thank-you.p2"),
        full_interview(),
        FULL_SETTINGS,
        library,
    )
    assert draft.to_name == "Bo Li"
    assert draft.to_address == "bo@acme.example"
    assert "Dear Bo Li," in draft.body
    assert "Bo –" in draft.subject


def test_other_steps_go_to_the_primary_interviewer(library: TemplateLibrary) -> None:
    for key in ("status-check", "note", "decision-check-in.d2"):
        kind = key.split(".")[0]
        draft = render(
            make_step(kind, DEFAULT_CHANNEL[kind], key=key),
            full_interview(),
            FULL_SETTINGS,
            library,
        )
        assert draft.to_name == "Ana Diaz"


def test_removed_interviewer_falls_back_to_the_primary_and_says_so(
    library: TemplateLibrary,
) -> None:
    draft = render(
        make_step("thank-you", StepChannel.EMAIL, key="thank-you.p7"),
        full_interview(),
        FULL_SETTINGS,
        library,
    )
    assert draft.to_name == "Ana Diaz"
    assert any("no longer on the interview" in m for m in draft.missing)


def test_decision_date_of_a_delay_overrides_the_stated_one(library: TemplateLibrary) -> None:
    draft = render(
        make_step("decision-check-in", StepChannel.EMAIL, key="decision-check-in.d2"),
        full_interview(),
        FULL_SETTINGS,
        library,
        decision_date=date(2026, 12, 18),
    )
    assert "Friday 18 December" in draft.body
    assert "4 December" not in draft.body


def test_dates_are_written_in_english_with_weekday() -> None:
    assert format_day(date(2026, 11, 23)) == "Monday 23 November"
    assert format_day(date(2027, 1, 1)) == "Friday 1 January"


def test_interview_date_is_the_day_in_the_interview_zone(library: TemplateLibrary) -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    interview = replace(
        full_interview(),
        start=late.astimezone(ZoneInfo("UTC")),  # 10:30 UTC on the 23rd
        end=(late + timedelta(hours=1)).astimezone(ZoneInfo("UTC")),
        tz="Pacific/Auckland",
    )
    draft = render(make_step("note", StepChannel.LETTER), interview, FULL_SETTINGS, library)
    assert "Monday 23 November" in draft.body


# -- the user's own templates ----------------------------------------------------------------


def test_user_template_with_the_same_name_wins(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    user.mkdir()
    (user / "thank-you.txt").write_text(
        "# mine\nSubject: Cheers {interviewer_first_name}\n\nHi {interviewer_name}, "
        "thanks from {my_name}. {{not a placeholder}}\n",
        "utf-8",
    )
    library = TemplateLibrary.load(BUILTIN, user)
    assert library.errors == []
    draft = render(
        make_step("thank-you", StepChannel.EMAIL), full_interview(), FULL_SETTINGS, library
    )
    assert draft.template_path == user / "thank-you.txt"
    assert draft.subject == "Cheers Ana"
    assert draft.body == "Hi Ana Diaz, thanks from Sam Park. {not a placeholder}\n"
    # The other kinds still use the built-in files.
    other = render(
        make_step("status-check", StepChannel.EMAIL), full_interview(), FULL_SETTINGS, library
    )
    assert other.template_path == BUILTIN / "status-check.txt"


def test_user_channel_variant_is_preferred_to_the_plain_file(tmp_path: Path) -> None:
    (tmp_path / "status-check.phone.txt").write_text("Call {interviewer_first_name}.\n", "utf-8")
    library = TemplateLibrary.load(BUILTIN, tmp_path)
    phone = render(
        make_step("status-check", StepChannel.PHONE), full_interview(), FULL_SETTINGS, library
    )
    assert phone.body == "Call Ana.\n" and phone.subject == ""
    email = render(
        make_step("status-check", StepChannel.EMAIL), full_interview(), FULL_SETTINGS, library
    )
    assert email.template_path.name == "status-check.txt"


def test_missing_user_folder_is_fine() -> None:
    library = TemplateLibrary.load(BUILTIN, Path("/nonexistent/followthrough/templates"))
    assert library.errors == []


@pytest.mark.parametrize(
    "placeholder", ["{company_name}", "{0.__class__}", "{role!r}", "{role:>10}", "{ role }"]
)
def test_unknown_placeholder_in_user_template_names_file_and_line(
    tmp_path: Path, placeholder: str
) -> None:
    path = tmp_path / "thank-you.txt"
    path.write_text(f"# comment\nSubject: Hello\n\nDear {{interviewer_name}},\n{placeholder}\n")
    library = TemplateLibrary.load(BUILTIN, tmp_path)
    assert len(library.errors) == 1
    message = str(library.errors[0])
    assert str(path) in message and "line 5" in message and "unknown placeholder" in message
    with pytest.raises(TemplateError) as caught:
        render(make_step("thank-you", StepChannel.EMAIL), full_interview(), FULL_SETTINGS, library)
    assert isinstance(caught.value, ValidationError)
    assert str(path) in str(caught.value) and "line 5" in str(caught.value)


def test_user_template_that_fails_does_not_touch_other_kinds(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("Dear {nobody}\n", "utf-8")
    library = TemplateLibrary.load(BUILTIN, tmp_path)
    draft = render(make_step("call", StepChannel.PHONE), full_interview(), FULL_SETTINGS, library)
    assert draft.body


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Subject: Hi\n\nA lone { brace\n", 3, "single '{'"),
        ("Subject: Hi\n\nA lone } brace\n", 3, "single '}'"),
        ("Subject: Hi {oops\n\nBody\n", 1, "single '{'"),
        ("Subject:   \n\nBody\n", 1, "Subject line is empty"),
        ("Subject: Hi\nBody right away\n", 2, "blank line"),
        ("Body\n[if clarify]\n{clarify}\n", 2, "no [end]"),
        ("Body\n[end]\n", 2, "[end] without"),
        ("[if topic]\n[if clarify]\nx\n[end]\n[end]\n", 2, "nested"),
        ("Body\n[if nothing]\nx\n[end]\n", 2, "unknown placeholder 'nothing'"),
        ("# only a comment\n\n", 2, "no message text"),
        ("", 1, "no message text"),
    ],
)
def test_template_syntax_errors_say_where(text: str, line: int, words: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, Path("/x/mine.txt"))
    assert f"/x/mine.txt, line {line}:" in str(caught.value)
    assert words in str(caught.value)


def test_non_utf8_user_template_is_reported(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_bytes(b"Dear {interviewer_name},\n\xff\xfe\n")
    library = TemplateLibrary.load(BUILTIN, tmp_path)
    assert "line 2" in str(library.errors[0]) and "UTF-8" in str(library.errors[0])
    with pytest.raises(TemplateError):
        render(make_step("note", StepChannel.LETTER), full_interview(), FULL_SETTINGS, library)


def test_no_template_at_all_is_a_template_error(tmp_path: Path) -> None:
    library = TemplateLibrary.load(tmp_path / "empty")
    with pytest.raises(TemplateError, match="no message template for 'note'"):
        render(make_step("note", StepChannel.LETTER), full_interview(), FULL_SETTINGS, library)


def test_if_and_end_lines_and_comments_are_not_part_of_the_message() -> None:
    template = parse_template(
        "# c1\n# c2\n\nSubject: S\n\nTop\n[IF topic]\nAbout {topic}\n[ end ]\n# not a comment\n",
        Path("t.txt"),
    )
    assert template.subject is not None and template.subject.number == 4
    library = TemplateLibrary(templates={"note.txt": template})
    draft = render(make_step("note", StepChannel.LETTER), full_interview(), FULL_SETTINGS, library)
    assert draft.subject == "S"
    assert draft.body == "Top\nAbout the streaming pipeline\n# not a comment\n"
    posted = replace(sparse_interview(), postal_address="1 Main Road")  # the note's envelope
    sparse = render(make_step("note", StepChannel.LETTER), posted, FULL_SETTINGS, library)
    assert sparse.body == "Top\n# not a comment\n"
    assert sparse.missing == ()  # an [if] block that drops out is not "missing"


# -- hostile and unusual values --------------------------------------------------------------

HOSTILE = [
    "{0.__class__}",
    "{company}",
    "{role!r:>99}",
    "{{topic}}",
    "%s %(x)s $x ${x}",
    "[if topic]",
    "Zoë Ñúñez 中文 😀",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_render_literally(library: TemplateLibrary, value: str) -> None:
    person = Interviewer(value, "ana@acme.example", key="p1")
    interview = replace(
        full_interview(),
        company=value,
        role=value,
        topics=(value,),
        clarify=(value,),
        interviewers=(person,),
    )
    settings = Settings(my_name=value, my_phone="+1 555 0100")
    for kind, channel in CASES:
        draft = render(make_step(kind, channel), interview, settings, library)
        assert value in draft.body, kind
        # Nothing but the value itself can contain braces: the template's own text has none.
        assert draft_text(draft).count("{") == draft_text(draft).count(value) * value.count("{")


def test_line_breaks_in_values_cannot_reach_the_subject(library: TemplateLibrary) -> None:
    evil = "Acme\r\nBcc: evil@x.y\n\x00\x1b[31m\u2028x"
    interview = replace(full_interview(), company=evil, role=evil)  # unvalidated on purpose
    for kind, channel in CASES:
        draft = render(make_step(kind, channel), interview, FULL_SETTINGS, library)
        assert not re.search(r"[\x00-\x1f\x7f\u2028]", draft.subject)
        assert "\r" not in draft.body and "\x00" not in draft.body and "\x1b" not in draft.body
        assert "Acme Bcc: evil@x.y" in draft.body  # kept, as harmless text on one line
        assert not any(line.startswith("Bcc:") for line in draft.body.splitlines())


def test_very_long_values_are_kept_whole(library: TemplateLibrary) -> None:
    long_topic = "pipelines " * 2000
    interview = replace(full_interview(), topics=(long_topic,))
    draft = render(make_step("thank-you", StepChannel.EMAIL), interview, FULL_SETTINGS, library)
    assert long_topic.strip() in draft.body


def test_non_ascii_names_and_first_names(library: TemplateLibrary) -> None:
    person = Interviewer("Zoë Ñúñez 中文", "zoe@acme.example", key="p1")
    interview = replace(full_interview(), interviewers=(person,), company="Société Générale")
    draft = render(make_step("call", StepChannel.PHONE), interview, FULL_SETTINGS, library)
    assert "Hello Zoë," in draft.body
    assert "Société Générale" in draft.body


# -- every step the planner makes ------------------------------------------------------------


def test_every_planned_step_of_every_playbook_renders(library: TemplateLibrary) -> None:
    books = PlaybookLibrary.load(resource_path("playbooks"))
    interview = full_interview()
    after = interview.end + timedelta(days=30)
    histories = [
        [],
        [Activity(ActivityKind.OUTCOME, after, outcome=Outcome.OFFER)],
        [Activity(ActivityKind.OUTCOME, after, outcome=Outcome.REJECTED)],
        [Activity(ActivityKind.DELAY, interview.end + timedelta(days=3), until=date(2026, 12, 18))],
    ]
    kinds: set[str] = set()
    for book in books.playbooks.values():
        for history in histories:
            for step in plan(interview, history, FULL_SETTINGS, book):
                draft = render(step, interview, FULL_SETTINGS, library)
                kinds.add(step.kind)
                assert "{" not in draft_text(draft)
                assert draft.missing == (), (book.id, step.key, draft.missing)
    assert kinds == set(STEP_KINDS)

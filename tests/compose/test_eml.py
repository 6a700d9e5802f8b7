""".eml drafts and the messages SMTP sends: exact headers, RFC 2047 names, no header injection.

Every check reads the produced bytes back with the standard library's parser, as a mail
program would, and compares the header set with the one intended.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followthrough.compose.eml import email_message, message_bytes, write_eml
from followthrough.core.model import ValidationError

HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Content-Type",
           "Content-Transfer-Encoding", "MIME-Version"]  # fmt: skip
WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Africa/Johannesburg"))


def parse(data: bytes) -> EmailMessage:
    parsed = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)
    return parsed


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")  # a 7bit part is read back with its CRLF


def squeezed(text: str) -> str:
    # Python's reader keeps the space between two encoded words (mail programs drop it).
    return "".join(text.split())


def sample(**changes: object) -> EmailMessage:
    values: dict[str, object] = {
        "to_name": "Ana Silva",
        "to_address": "ana@acme.example",
        "subject": "Thank you for today",
        "body": "Dear Ana,\n\nThank you for your time today.\n\nSam\n",
        "from_name": "Sam Park",
        "from_address": "sam@example.com",
        "date": WHEN,
    }
    values.update(changes)
    return email_message(**values)  # type: ignore[arg-type]


# -- what a message holds -------------------------------------------------------------------


def test_a_plain_message_has_exactly_the_intended_headers() -> None:
    data = message_bytes(sample())
    parsed = parse(data)
    assert parsed.keys() == HEADERS
    assert str(parsed["From"]) == "Sam Park <sam@example.com>"
    assert str(parsed["To"]) == "Ana Silva <ana@acme.example>"
    assert str(parsed["Subject"]) == "Thank you for today"
    assert parsed["Date"].datetime == WHEN
    assert parsed["Message-ID"].startswith("<") and parsed["Message-ID"].endswith("@example.com>")
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert body_of(parsed) == "Dear Ana,\n\nThank you for your time today.\n\nSam\n"
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only


def test_x_unsent_marks_only_a_draft() -> None:
    draft = parse(message_bytes(sample(unsent=True)))
    assert draft["X-Unsent"] == "1"
    assert draft.keys() == [*HEADERS[:5], "X-Unsent", *HEADERS[5:]]
    assert "X-Unsent" not in parse(message_bytes(sample()))


def test_non_ascii_names_and_subject_are_rfc2047_encoded() -> None:
    data = message_bytes(
        sample(
            to_name='Zoë "Z" Ñúñez, PhD',
            subject="Merci — thank you for today’s interview about the Straße project, 中文 😀",
            body="Grüße,\n中文 😀\n",
            from_name="Søren Kierkegaard-Müller",
        )
    )
    assert data.isascii()  # 7-bit clean: names and subject as encoded words, body encoded
    header_block = data.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in header_block
    assert all(len(line) <= 78 for line in header_block.split(b"\r\n"))
    parsed = parse(data)
    assert parsed.keys() == HEADERS
    (to,) = parsed["To"].addresses
    assert (squeezed(to.display_name), to.addr_spec) == ('Zoë"Z"Ñúñez,PhD', "ana@acme.example")
    assert squeezed(parsed["From"].addresses[0].display_name) == "SørenKierkegaard-Müller"
    assert squeezed(str(parsed["Subject"])) == squeezed(
        "Merci — thank you for today’s interview about the Straße project, 中文 😀"
    )
    assert body_of(parsed) == "Grüße,\n中文 😀\n"


@pytest.mark.parametrize(
    "name",
    [
        "O'Brien, Ann",
        "Ann (the boss)",
        "a@b.c",
        "Ann <x@evil.example>",
        'Back\\slash "q"',
        "Dr. A.",
    ],
)
def test_names_with_specials_stay_one_display_name(name: str) -> None:
    parsed = parse(message_bytes(sample(to_name=name)))
    (to,) = parsed["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, "ana@acme.example")
    assert parsed.keys() == HEADERS


def test_long_lines_are_encoded_so_no_line_is_too_long() -> None:
    body = "word " * 400 + "\n" + "x" * 2000 + "\n"
    data = message_bytes(sample(subject="A long subject " * 30, body=body))
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    parsed = parse(data)
    assert body_of(parsed) == body
    assert str(parsed["Subject"]) == ("A long subject " * 30).strip()


def test_the_body_keeps_its_lines_and_drops_control_characters() -> None:
    body = "Line one\r\nLine two\rLine three\nTab\there\x00\x07\x1b[31m\x7f\x9b end\u2028last"
    parsed = parse(message_bytes(sample(body=body)))
    assert body_of(parsed) == "Line one\nLine two\nLine three\nTab\there[31m end\nlast\n"


def test_header_lines_in_the_body_stay_in_the_body() -> None:
    body = "Bcc: evil@x.example\nSubject: other\n\nFrom: nobody\n"
    parsed = parse(message_bytes(sample(body=body)))
    assert parsed.keys() == HEADERS
    assert body_of(parsed) == body


def test_empty_addresses_leave_the_header_out() -> None:
    parsed = parse(message_bytes(sample(to_address="", from_address="", unsent=True)))
    assert "To" not in parsed and "From" not in parsed
    assert parsed["Message-ID"].endswith("@followthrough.invalid>")
    assert parsed["X-Unsent"] == "1"


def test_date_defaults_to_now_and_message_ids_differ() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    first = parse(message_bytes(sample(date=None)))
    second = parse(message_bytes(sample(date=None)))
    assert before <= first["Date"].datetime <= datetime.now(UTC)
    assert first["Message-ID"] != second["Message-ID"]


def test_a_naive_date_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        sample(date=datetime(2026, 11, 24, 9, 30))


# -- no header injection --------------------------------------------------------------------

HOSTILE = [
    "Hi\r\nBcc: evil@x.example",
    "Hi\nBcc: evil@x.example",
    "Hi\rBcc: evil@x.example",
    "Hi\r\n\r\nInjected body",
    "Hi\x00there",
    "Hi\u2028Bcc: evil@x.example",
    "Hi\u2029Bcc: evil@x.example",
    "Hi\x85Bcc: evil@x.example",
    "Hi\x0bthere",
    "Hi\x0cthere",
    "Hi\x1ethere",
    "Hi\tthere",
    "Hi\x7fthere",
]
TEXT_FIELDS = ["to_name", "subject", "from_name"]


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("value", HOSTILE)
def test_control_characters_in_names_and_subject_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match="control character"):
        sample(**{field: value})


def test_line_breaks_around_a_value_are_only_trimmed() -> None:
    parsed = parse(
        message_bytes(
            sample(
                to_name="\r\nAna Silva\n",
                subject="\u2028Thank you\r\n",
                to_address=" ana@acme.example\r\n",
                from_name="\tSam Park\x85",
            )
        )
    )
    assert parsed.keys() == HEADERS
    assert str(parsed["To"]) == "Ana Silva <ana@acme.example>"
    assert str(parsed["From"]) == "Sam Park <sam@example.com>"
    assert str(parsed["Subject"]) == "Thank you"


@pytest.mark.parametrize("field", ["to_address", "from_address"])
@pytest.mark.parametrize(
    "value",
    [
        "a@b.example\nBcc: x@evil.example",
        "a@b.example\r\nBcc: x@evil.example",
        "a@b.example\x00",
        "a\x00b@b.example",
        "a@b.example\u2028Bcc: x@evil.example",
        "a@b.example, x@evil.example",
        "Ann <a@b.example>",
        "a@b.example>\r\nBcc: <x@evil.example",
        "not-an-address",
        "zoë@example.org",  # not ASCII: would need SMTPUTF8
    ],
)
def test_anything_but_one_plain_address_is_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        sample(**{field: value})


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    "value",
    [
        "=?utf-8?q?a=0D=0ABcc:_x@evil.example?=",
        "=?utf-8?b?YQ0KQmNjOiB4QGV2aWwuZXhhbXBsZQ==?=",
        "Hello =?UTF-8?Q?x?= there",
    ],
)
def test_encoded_words_cannot_smuggle_a_line_break(field: str, value: str) -> None:
    # Python's own header parser would decode these and write the CR LF out as a real one.
    with pytest.raises(ValidationError, match="encoded"):
        sample(**{field: value})


def test_a_question_mark_after_an_equals_sign_is_fine() -> None:
    parsed = parse(message_bytes(sample(subject="Is 2+2=? Quick question")))
    assert str(parsed["Subject"]) == "Is 2+2=? Quick question"


@pytest.mark.parametrize("field", [*TEXT_FIELDS, "body"])
def test_a_lone_surrogate_is_refused(field: str) -> None:
    with pytest.raises(ValidationError, match="cannot be written"):
        sample(**{field: "broken \ud800 paste"})


def test_message_bytes_refuses_a_hand_made_message_that_would_gain_a_header() -> None:
    message = EmailMessage(policy=email.policy.SMTP)
    message["To"] = "ana@acme.example"
    message["Subject"] = "=?utf-8?q?Hi=0D=0ABcc:_x@evil.example?="
    message.set_content("Hello\n")
    with pytest.raises(ValidationError, match="cannot be written safely"):
        message_bytes(message)


text_values = st.text(
    st.sampled_from(list('aZ09 "\\()<>@,;:.[]=?_-\r\n\x00\x85\u2028\u2029é中😀\u00a0\t')),
    max_size=60,
) | st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(to_name=text_values, subject=text_values, from_name=text_values)
def test_any_text_gives_the_intended_headers_or_a_validation_error(
    to_name: str, subject: str, from_name: str
) -> None:
    try:
        data = message_bytes(sample(to_name=to_name, subject=subject, from_name=from_name))
    except ValidationError:
        return
    parsed = parse(data)
    assert parsed.keys() == HEADERS
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ana@acme.example"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["sam@example.com"]
    assert squeezed(parsed["To"].addresses[0].display_name) == squeezed(to_name)
    assert squeezed(str(parsed["Subject"])) == squeezed(subject)


# -- .eml files ------------------------------------------------------------------------------


def test_write_eml_saves_a_draft_mail_programs_open(tmp_path: Path) -> None:
    path = tmp_path / "drafts" / "thank-you.eml"
    message = sample(unsent=True)
    write_eml(path, message)
    data = path.read_bytes()
    assert data == message_bytes(message)
    parsed = parse(data)
    assert parsed["X-Unsent"] == "1"
    assert str(parsed["Subject"]) == "Thank you for today"
    assert [p.name for p in path.parent.iterdir()] == ["thank-you.eml"]  # no temporary left


def test_write_eml_replaces_a_file_in_one_step(tmp_path: Path) -> None:
    path = tmp_path / "draft.eml"
    path.write_bytes(b"old")
    write_eml(str(path), sample(subject="New"))
    assert str(parse(path.read_bytes())["Subject"]) == "New"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.eml"]


def test_write_eml_says_when_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError, match="Cannot write"):
        write_eml(blocker / "draft.eml", sample())
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_draft_file_reads_back_with_the_compat_parser_too(tmp_path: Path) -> None:
    # Older mail tools read with the compat32 rules: the header set must be the same there.
    path = tmp_path / "draft.eml"
    write_eml(path, sample(unsent=True, to_name="Zoë Ñúñez"))
    legacy = email.message_from_bytes(path.read_bytes())
    assert legacy.keys() == [*HEADERS[:5], "X-Unsent", *HEADERS[5:]]

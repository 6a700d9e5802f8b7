"""Reading header fields defensively: encoded words, broken dates, crowds of addresses, no
Message-ID, folded lines; and what the subjects of replies hint at."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from followthrough.core.model import Interview, Interviewer
from followthrough.mail.headers import MAX_ADDRESSES, parse_header
from followthrough.mail.matching import employer_domains, hint, public_domains

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_encoded_words_folded_lines_and_a_crowd_are_read_within_bounds() -> None:
    crowd = ",\r\n ".join(f"P{n} <p{n}@crowd.example>" for n in range(5000))
    raw = (
        "From: =?iso-8859-1?q?Jos=E9?= <JOSE@Acme.Example>\r\n"
        f"To: {crowd}\r\n"
        "Subject: =?utf-8?q?Re=3A_Next_round?=\r\n"
        "  =?utf-8?q?_on_Monday?=\r\n"
        "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\n"
        "References: " + " ".join(f"<r{n}@x>" for n in range(5000)) + "\r\n"
    ).encode()
    began = time.perf_counter()
    header = parse_header(7, raw, RECEIVED, NOW)
    assert time.perf_counter() - began < 1.0
    assert (header.sender, header.sender_name) == ("jose@acme.example", "José")
    assert header.subject == "Re: Next round on Monday"
    assert len(header.recipients) == MAX_ADDRESSES
    assert len(header.thread) <= 50 and header.date == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert not header.automatic


def test_broken_dates_fall_back_to_the_server_and_no_message_id_gets_a_stable_one() -> None:
    for date in ("", "yesterday", "Mon, 30 Nov 9999 10:00:00 +0000", "Fri, 1 Jan 2100 0:0 +0000"):
        raw = f"From: a@b.example\r\nDate: {date}\r\nSubject: x\r\n".encode()
        assert parse_header(1, raw, RECEIVED, NOW).date == RECEIVED
    first = parse_header(1, b"From: a@b.example\r\nSubject: x\r\n", RECEIVED, NOW)
    again = parse_header(99, b"From: a@b.example\r\nSubject: x\r\n", RECEIVED, NOW)
    assert first.message_id == again.message_id and first.message_id.startswith("no-id.")


def test_control_characters_and_direction_marks_never_reach_the_subject() -> None:
    raw = "Subject: Hi\x1b[31m \u202eevil\r\nFrom: <>\r\n".encode()
    header = parse_header(1, raw, RECEIVED, NOW)
    assert header.subject == "Hi [31m evil" and header.sender == ""


def test_machines_mail_is_marked() -> None:
    for field in ("Auto-Submitted: auto-generated", "X-Autoreply: yes", "Precedence: junk",
                  "List-Id: <a.example>", "List-Unsubscribe: <mailto:x@a.example>"):  # fmt: skip
        raw = f"From: a@b.example\r\n{field}\r\n".encode()
        assert parse_header(1, raw, RECEIVED, NOW).automatic
    assert not parse_header(1, b"Auto-Submitted: no\r\n", RECEIVED, NOW).automatic


def test_public_domains_are_never_the_employer_and_subjects_hint() -> None:
    assert {"gmail.com", "outlook.com", "yahoo.com", "icloud.com"} <= public_domains()
    start = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    interview = Interview(
        "x", "Acme", "Engineer",
        (Interviewer("Ana", "ana@gmail.com", key="p1"), Interviewer("Bo", "bo@acme.example",
                                                                      key="p2")),
        start, start.replace(hour=15), "UTC",
    )  # fmt: skip
    assert employer_domains(interview) == {"acme.example"}
    assert hint("Your offer letter") == "offer"
    assert hint("Update on your application: unfortunately…") == "rejection"
    assert hint("Second interview availability") == "next-round"
    assert hint("A short delay in our timeline") == "new-date"
    assert hint("Re: Thank you") == ""

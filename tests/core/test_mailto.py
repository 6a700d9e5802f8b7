"""mailto: links follow RFC 6068, round-trip through urllib, and cannot carry extra headers."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from followthrough.core.mailto import mailto_url, split_addresses

# Everything a mailto URL may hold unencoded after our encoding: ASCII letters, digits,
# the unreserved marks, the delimiters RFC 6068 allows, and "%" only as the start of an escape.
URL_RE = re.compile(r"^mailto:[A-Za-z0-9\-._~!$'()*@,%]*(\?[A-Za-z0-9\-._~!$'()*@,%=&]*)?$")


def decode(url: str) -> tuple[list[str], dict[str, str]]:
    """The recipients and header fields of a mailto URL, decoded the way a mail program would."""
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    recipients = [unquote(a) for a in parts.path.split(",") if a]
    fields: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False):
        assert name not in fields, f"header {name} given twice"
        fields[name] = value
    return recipients, fields


@pytest.mark.parametrize(
    ("to", "subject", "body"),
    [
        ("ana@acme.example", "Thank you", "Dear Ana,\n\nThank you.\n\nSam\n"),
        ("zoë@exämple.org", "Zoë Ñúñez 中文 😀", "Grüße\n中文\n"),
        ("a+tag@x.io", "50% & more = ?#", "a=b&c=d?e#f%20g+h\n"),
        ("o'brien@x.io", "It's {company} {0.__class__}", 'Tab\there; quotes "x" <y>\n'),
        ("", "No recipient yet", "Body"),
    ],
)
def test_round_trip_through_urllib(to: str, subject: str, body: str) -> None:
    url = mailto_url(to, subject, body)
    assert URL_RE.match(url), url
    recipients, fields = decode(url)
    assert recipients == ([to] if to else [])
    assert fields["subject"] == subject
    assert fields["body"] == body.replace("\n", "\r\n")
    assert set(fields) == {"subject", "body"}


def test_spaces_and_newlines_are_encoded_as_the_rfc_says() -> None:
    url = mailto_url("a@b.c", "two words", "line one\nline two\r\nline three\rend")
    assert "subject=two%20words" in url
    assert url.endswith("body=line%20one%0D%0Aline%20two%0D%0Aline%20three%0D%0Aend")
    assert "+" not in url


def test_reserved_characters_in_values_are_encoded() -> None:
    url = mailto_url("a@b.c", "?&=#%+", "?&=#%+")
    query = url.split("?", 1)[1]
    assert query == "subject=%3F%26%3D%23%25%2B&body=%3F%26%3D%23%25%2B"


def test_cc_and_several_recipients() -> None:
    url = mailto_url("Ana Diaz <ana@x.io>, bo@x.io", "Hi", "Body", cc="Cy <cy@x.io>")
    assert url == "mailto:ana@x.io,bo@x.io?cc=cy@x.io&subject=Hi&body=Body"
    recipients, fields = decode(url)
    assert recipients == ["ana@x.io", "bo@x.io"]
    assert fields["cc"] == "cy@x.io"


def test_empty_fields_are_left_out() -> None:
    assert mailto_url("a@b.c", "", "") == "mailto:a@b.c"
    assert mailto_url("a@b.c", "", "x") == "mailto:a@b.c?body=x"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # RFC 6068 section 6.1 (basic examples) and 6.2 (examples of complicated addresses).
        (("chris@example.com", "", ""), "mailto:chris@example.com"),
        (("infobot@example.com", "current-issue", ""),
         "mailto:infobot@example.com?subject=current-issue"),
        (("infobot@example.com", "", "send current-issue"),
         "mailto:infobot@example.com?body=send%20current-issue"),
        (("infobot@example.com", "", "send current-issue\r\nsend index"),
         "mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index"),
        (("majordomo@example.com", "", "subscribe bamboo-l"),
         "mailto:majordomo@example.com?body=subscribe%20bamboo-l"),
        (("joe@example.com", "", "hello", "bob@example.com"),
         "mailto:joe@example.com?cc=bob@example.com&body=hello"),
        (("gorby%kremvax@example.com", "", ""), "mailto:gorby%25kremvax@example.com"),
        (("Mike&family@example.org", "", ""), "mailto:Mike%26family@example.org"),
        (("unlikely?address@example.com", "", ""), "mailto:unlikely%3Faddress@example.com"),
        (('"not@me"@example.org', "", ""), "mailto:%22not%40me%22@example.org"),
        (('"oh\\\\no"@example.org', "", ""), "mailto:%22oh%5C%5Cno%22@example.org"),
        (('"\\\\\\"it\'s\\ ugly\\\\\\""@example.org', "", ""),
         "mailto:%22%5C%5C%5C%22it's%5C%20ugly%5C%5C%5C%22%22@example.org"),
        # Section 6.3 (internationalization): UTF-8, percent-encoded.
        (("user@example.org", "caf\u00e9", ""), "mailto:user@example.org?subject=caf%C3%A9"),
        (("user@\u7d0d\u8c46.example.org", "Test", "NATTO"),
         "mailto:user@%E7%B4%8D%E8%B1%86.example.org?subject=Test&body=NATTO"),
    ],
)  # fmt: skip
def test_rfc_6068_examples(args: tuple[str, ...], expected: str) -> None:
    to, subject, body, *rest = args
    assert mailto_url(to, subject, body, cc=rest[0] if rest else "") == expected


# -- header injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "a@b.c\r\nBcc: evil@x.y",
        "a@b.c\nBcc: evil@x.y",
        "a@b.c\rBcc: evil@x.y",
        "a@b.c\x00",
        "a@b.c\t",
        "a@b.c\u2028Bcc: evil@x.y",
        "a@b.c\x85Bcc: evil@x.y",
    ],
)
def test_control_characters_in_addresses_are_refused(address: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        mailto_url(address, "Hi", "Body")
    with pytest.raises(ValueError, match="control character"):
        mailto_url("a@b.c", "Hi", "Body", cc=address)


def test_query_syntax_in_an_address_stays_inside_the_address() -> None:
    url = mailto_url("a@b.c?bcc=evil@x.y&subject=x", "Hi", "Body")
    recipients, fields = decode(url)
    assert recipients == ["a@b.c?bcc=evil@x.y&subject=x"]
    assert set(fields) == {"subject", "body"}
    assert fields["subject"] == "Hi"


@pytest.mark.parametrize(
    "subject",
    [
        "Hi\nBcc: evil@x.y",
        "Hi\r\nBcc: evil@x.y",
        "Hi\r\n\r\nInjected body",
        "Hi&bcc=evil@x.y",
        "Hi\x00\x1b[31m\u2028Bcc: evil@x.y",
    ],
)
def test_a_subject_cannot_add_a_header_or_a_line_break(subject: str) -> None:
    url = mailto_url("a@b.c", subject, "Body")
    assert URL_RE.match(url)
    assert "%0D" not in url.split("&body=")[0] and "%0A" not in url.split("&body=")[0]
    recipients, fields = decode(url)
    assert recipients == ["a@b.c"]
    assert set(fields) == {"subject", "body"}
    assert not re.search(r"[\x00-\x1f\x7f\u2028]", fields["subject"])
    assert fields["subject"].startswith("Hi")


def test_the_body_keeps_line_breaks_and_nothing_else_that_is_a_control() -> None:
    url = mailto_url("a@b.c", "S", "one\r\ntwo\nBcc: evil@x.y\x00\x1b\x0b\x0c\tend\n")
    assert URL_RE.match(url)
    _, fields = decode(url)
    assert set(fields) == {"subject", "body"}
    assert fields["body"] == "one\r\ntwo\r\nBcc: evil@x.y\tend\r\n"
    assert "\r" not in fields["body"].replace("\r\n", "")  # every CR is part of a CRLF
    assert "\n" not in fields["body"].replace("\r\n", "")


def test_very_long_values_round_trip() -> None:
    body = ("word " * 5000 + "\n") * 3
    url = mailto_url("a@b.c", "s" * 2000, body)
    _, fields = decode(url)
    assert fields["body"] == body.replace("\n", "\r\n")
    assert fields["subject"] == "s" * 2000


def test_split_addresses() -> None:
    assert split_addresses(" Ana <ana@x.io> ,, bo@x.io ") == ["ana@x.io", "bo@x.io"]
    assert split_addresses("") == []
    with pytest.raises(ValueError):
        split_addresses("a@b\n")

"""tel: links (RFC 3966) hold only the number: digits, a leading +, maybe an extension."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from followthrough.compose.tel import tel_url
from followthrough.core.model import ValidationError, check_phone

TEL_RE = re.compile(r"^tel:\+?[0-9]{3,20}(;ext=[0-9]{1,20})?$")


@pytest.mark.parametrize(
    ("phone", "url"),
    [
        ("+27 21 555 0100", "tel:+27215550100"),
        ("  +1 (555) 010-0199  ", "tel:+15550100199"),
        ("(021) 555-0100", "tel:0215550100"),
        ("021/555.01.00", "tel:0215550100"),
        ("+44 (0)20 7946 0958", "tel:+442079460958"),  # "(0)" is not dialled from abroad
        ("555 0100 ext. 12", "tel:5550100;ext=12"),
        ("555 0100 x12", "tel:5550100;ext=12"),
        ("+1 555 0100 #7", "tel:+15550100;ext=7"),
        ("＋２７ ２１ ５５５ ０１００", "tel:+27215550100"),  # full-width, as some keyboards type
        ("٠٢١ ٥٥٥ ٠١٠٠", "tel:0215550100"),  # Arabic-Indic digits
        ("+49\u00a030\u2009901820", "tel:+4930901820"),  # no-break and thin spaces
        ("112", "tel:112"),
    ],
)
def test_numbers_become_digits_and_a_leading_plus(phone: str, url: str) -> None:
    assert tel_url(phone) == url
    assert TEL_RE.match(url)
    assert urlsplit(url).scheme == "tel"


@pytest.mark.parametrize(
    ("phone", "words"),
    [
        ("", "no phone number"),
        ("   ", "no phone number"),
        ("+", "not a phone number"),
        ("12", "3 to 20 digits"),
        ("1" * 21, "3 to 20 digits"),
        ("call me", "not a phone number"),
        ("1-800-FLOWERS", "not a phone number"),
        ("++27 21 555", "not a phone number"),
        ("27 + 21", "not a phone number"),
        ("+27;ext=1;phone-context=evil", "not a phone number"),
        ("555?body=hi", "not a phone number"),
        ("555%0A0100", "not a phone number"),
        ("tel:5550100", "not a phone number"),
    ],
)
def test_what_is_not_a_number_is_refused(phone: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        tel_url(phone)


@pytest.mark.parametrize(
    "phone",
    ["555\n0100", "555\r\n0100", "555\x000100", "555\t0100", "555\x7f", "555\x85", "555\u2028"],
)
def test_control_characters_are_refused(phone: str) -> None:
    with pytest.raises(ValidationError, match="control character"):
        tel_url(phone)


@given(st.text(max_size=40))
def test_any_text_gives_a_clean_link_or_a_validation_error(text: str) -> None:
    try:
        url = tel_url(text)
    except ValidationError:
        return
    assert TEL_RE.match(url), url


@given(st.from_regex(r"\+?[0-9][0-9 ().\-/]{2,30}", fullmatch=True))
def test_every_phone_the_app_accepts_can_be_dialled_or_says_why(phone: str) -> None:
    try:
        phone = check_phone(phone)  # what the app keeps: "00 " is "00", which it refuses
    except ValidationError:
        assume(False)
    digits = re.sub(r"[^0-9]", "", phone.replace("(0)", "", 1) if phone[0] == "+" else phone)
    if not 3 <= len(digits) <= 20:
        with pytest.raises(ValidationError, match="digits"):
            tel_url(phone)
        return
    assert tel_url(phone) == "tel:" + ("+" if phone.startswith("+") else "") + digits

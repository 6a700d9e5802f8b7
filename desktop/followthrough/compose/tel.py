"""``tel:`` links (RFC 3966) that hand a phone number to the user's phone or softphone (no Qt).

The link holds only digits, a leading ``+`` for an international number and, when the
number names one, an extension as ``;ext=``: the visual separators people write (spaces,
``-``, ``.``, ``/``, parentheses) are left out, and digits from other scripts (full-width,
Arabic-Indic...) become ASCII digits. Anything else, and any control character, is refused
with ValidationError, so a link can never carry more than the number.

A number without ``+`` is written as it is dialled locally (``tel:0215550100``): RFC 3966
would want a ``;phone-context=`` there, but phones and softphones dial such links as they are.
"""

from __future__ import annotations

import re
import unicodedata

from followthrough.core.model import ValidationError

__all__ = ["tel_url"]

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SEPARATORS = " \u00a0\u2009\u202f-\u2010\u2011\u2012\u2013.()/"
# "… ext. 12", "… ext 12", "… x12", "… #12" at the end of the number.
_EXTENSION_RE = re.compile(r"^(?P<number>.*?)\s*(?:ext\.?|extension|x|#)\s*(?P<ext>\d+)$", re.I)
MIN_DIGITS = 3  # 112, 911: the shortest numbers that are dialled
MAX_TEXT = 64  # characters, separators and extension included
MAX_DIGITS = 20  # E.164 allows 15; a little room for national trunk and carrier prefixes


def _ascii_digits(text: str) -> str:
    """`text` with every decimal digit, whatever its script, written as an ASCII digit."""
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
        for ch in text
    )


def tel_url(phone: str) -> str:
    """The ``tel:`` URL that dials `phone`, e.g. ``tel:+27215550100`` or ``tel:555;ext=12``.

    Raises ValidationError when `phone` holds a control character, a letter or another
    character that is not part of a phone number, or too few or too many digits.
    """
    if _CONTROL_RE.search(phone):
        raise ValidationError("The phone number contains a control character such as a line break.")
    text = _ascii_digits(unicodedata.normalize("NFKC", phone)).strip()
    if not text:
        raise ValidationError("There is no phone number to call.")
    if len(text) > MAX_TEXT:  # before the pattern, which backtracks over long white space
        raise ValidationError(f"The phone number is longer than {MAX_TEXT} characters.")
    match = _EXTENSION_RE.match(text)
    number, extension = (match.group("number"), match.group("ext")) if match else (text, "")
    number = number.strip()
    international = number.startswith("+")
    digits = number.removeprefix("+")
    if international:  # "+44 (0)20 ...": the (0) is dialled only from inside the country
        digits = digits.replace("(0)", "", 1)
    for separator in _SEPARATORS:
        digits = digits.replace(separator, "")
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(
            f"'{phone.strip()}' is not a phone number: use digits, a leading + and spaces, "
            "dashes, dots or parentheses."
        )
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS or len(extension) > MAX_DIGITS:
        raise ValidationError(
            f"'{phone.strip()}' is not a phone number: it should have {MIN_DIGITS} to "
            f"{MAX_DIGITS} digits."
        )
    url = f"tel:{'+' if international else ''}{digits}"
    return f"{url};ext={extension}" if extension else url

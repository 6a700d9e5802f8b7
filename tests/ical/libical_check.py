"""libical's own checks of a calendar, run through its C library (Debian's libical3).

`icalrestriction_check` applies RFC 5546's table for the calendar's METHOD (which properties
each component of a PUBLISH must, may and must not have) and marks every breach with an
X-LIC-ERROR property; the parser marks what it cannot read the same way. Evolution, and every
app built on libical, reads calendars through these checks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re

import pytest

_ERROR = re.compile(r"^X-LIC-ERROR[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", re.MULTILINE)


def _library() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("ical")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_free.restype = None
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


LIBICAL = _library()
needs_libical = pytest.mark.skipif(
    LIBICAL is None, reason="needs libical (Debian: apt-get install libical3; .ci/run does)"
)


def libical_errors(data: bytes) -> list[str]:
    """What libical finds wrong with `data` under RFC 5546: [] when it passes."""
    assert LIBICAL is not None
    component = LIBICAL.icalparser_parse_string(data)
    assert component, "libical could not parse the calendar at all"
    try:
        passed = LIBICAL.icalrestriction_check(component)
        text = LIBICAL.icalcomponent_as_ical_string(component).decode("utf-8")
    finally:
        LIBICAL.icalcomponent_free(component)
    errors = [" ".join(found.split()) for found in _ERROR.findall(text)]
    if not passed and not errors:
        errors.append("icalrestriction_check failed without saying why")
    return errors

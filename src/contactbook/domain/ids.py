"""Ids and other integers written as text: what a 64-bit column can hold, read safely.

`str.isdigit()` alone is not enough: it accepts superscripts and other scripts' digits, some of
which `int()` refuses and some of which it reads, and `int()` refuses more than 4,300 digits.
A number the database cannot hold fails there, before any authentication or lookup.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_MAX_DIGITS = len(str(INT64_MAX))


def parse_int64(text: str) -> int | None:
    """The signed 64-bit integer `text` spells in ASCII digits (surrounding spaces allowed), or
    None when it spells none."""
    body = text.strip()
    digits = body[1:] if body[:1] in ("+", "-") else body
    if not digits or len(digits) > _MAX_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    number = int(body)
    return number if INT64_MIN <= number <= INT64_MAX else None


def parse_id(text: str) -> int | None:
    """The positive 64-bit id `text` spells in ASCII digits, or None when it cannot name a row.

    Leading zeros are not trimmed first: no id needs them, and a count of digits bounds the work.
    """
    if not text or len(text) > _MAX_DIGITS or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None

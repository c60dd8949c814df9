"""ETags of native resources (the contact's version, strong, quoted) and `If-Match`.

`If-Match` (RFC 9110 §13.1.1) is `*` or a comma-separated list of entity tags, compared
strongly: a weak tag (`W/"3"`) never matches, and neither does a tag we never send (`"03"`,
`"stale"`) nor a value that is no list of entity tags. Such a condition is false, which the
service answers with 412 and the current ETag; it is never a validation error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from contactbook.domain.ids import parse_int64
from contactbook.domain.preconditions import VersionCondition

# One list member and the comma after it: `W/` for weak, the opaque tag's characters
# (etagc: %x21 / %x23-7E / obs-text, which Starlette decodes as Latin-1), optional whitespace.
_MEMBER = re.compile(r'[ \t]*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)')
_EMPTY_MEMBER = re.compile(r"[ \t]*,")
_OUR_TAG = re.compile(r"0|[1-9][0-9]*")  # str(version): no sign, no leading zero


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_condition(values: Sequence[str] | None) -> VersionCondition | None:
    """The condition the `If-Match` field lines in `values` state; None when there are none.

    Several lines are one list (RFC 9110 §5.3). A value that does not parse matches nothing.
    """
    if values is None:
        return None
    text = ", ".join(values).strip(" \t")
    if text == "*":
        return VersionCondition(any_version=True)
    versions: set[int] = set()
    position = 0
    while position < len(text):
        empty = _EMPTY_MEMBER.match(text, position)  # recipients skip empty list members
        if empty is not None:
            position = empty.end()
            continue
        member = _MEMBER.match(text, position)
        if member is None or member.end() == position:
            return VersionCondition()
        position = member.end()
        weak, opaque = member.group(1), member.group(2)
        version = parse_int64(opaque) if _OUR_TAG.fullmatch(opaque) else None
        if weak is None and version is not None:
            versions.add(version)
    return VersionCondition(frozenset(versions))

"""ETags of native resources: the contact's version, strong, quoted."""

from __future__ import annotations

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.ids import parse_int64


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` header holds; None when absent or `*`.

    Raises: InvalidInput (header `if-match`) when it is not one of our ETags.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip()
    if text.startswith("W/"):
        text = text[2:]
    inner = text.strip('"')
    version = parse_int64(inner) if inner.isdigit() else None
    if not (text.startswith('"') and text.endswith('"')) or version is None:
        raise InvalidInput.single(
            "if-match",
            ProblemCode.INVALID_VALUE,
            'If-Match takes one ETag as returned by a read, e.g. "3".',
            if_match,
        )
    return version

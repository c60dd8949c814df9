"""Rules every stored string obeys, whatever field it is for."""

from __future__ import annotations

from contactbook.domain.errors import InvalidInput, ProblemCode

# PostgreSQL cannot store NUL in text or JSON; refusing it everywhere keeps both databases equal.
_NUL = "\x00"


def check_text(text: str, path: str) -> str:
    """Return `text` unchanged.

    Raises: InvalidInput naming `path` when it holds a NUL character.
    """
    if _NUL in text:
        raise InvalidInput.single(
            path, ProblemCode.INVALID_VALUE, "Text may not contain NUL characters.", text
        )
    return text

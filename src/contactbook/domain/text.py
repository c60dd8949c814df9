"""Rules every stored string obeys, whatever field it is for."""

from __future__ import annotations

import re

from contactbook.domain.errors import InvalidInput, ProblemCode

# PostgreSQL cannot store NUL in text or JSON; refusing it everywhere keeps both databases equal.
_NUL = "\x00"
# A surrogate code point on its own is no Unicode character: it cannot be encoded as UTF-8, so
# neither database can store it nor any reply carry it. (Decoders that accept `\ud800` in JSON
# hand such strings over.)
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: str, path: str) -> str:
    """Return `text` unchanged.

    Raises: InvalidInput naming `path` when it holds a NUL character or a lone surrogate.
    """
    if _NUL in text:
        raise InvalidInput.single(
            path, ProblemCode.INVALID_VALUE, "Text may not contain NUL characters.", text
        )
    if not text.isascii() and _SURROGATE.search(text):
        raise InvalidInput.single(
            path, ProblemCode.INVALID_VALUE, "Text may not contain unpaired surrogates."
        )
    return text

"""Text encodings of import files: which names are accepted, and how the bytes a file's encoding
cannot decode are carried through reading and described in refusals.

Files are decoded with `surrogateescape`: a byte the encoding cannot decode becomes one lone
surrogate (U+DC80 to U+DCFF) instead of an exception. Reading never stops in the middle of a
buffer, so every row keeps its line number and resume positions stay those of the bytes, and the
rows whose cells carry such characters are refused one by one.
"""

from __future__ import annotations

import codecs
import re

from contactbook.domain.errors import InvalidInput, ProblemCode

DEFAULT_ENCODING = "utf-8"
DECODE_ERRORS = "surrogateescape"

# Encodings under which decoding with DECODE_ERRORS cannot fail: each byte below 0x80 decodes
# on its own whatever surrounds it, and the handler escapes every byte from 0x80 up. Any other
# encoding (UTF-16, Shift JIS, …) may meet bytes it can neither decode nor escape.
NEVER_FAILING = frozenset({"utf-8", "utf-8-sig", "ascii", "iso8859-1"})

# Any lone surrogate: the escaped bytes, and those an escaping codec (unicode_escape) produces
# from `\ud800`; neither can be stored as text.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_BYTES = 8


def check_encoding(name: str) -> str:
    """The canonical name of the text encoding `name` (`UTF8` gives `utf-8`, `windows-1251`
    gives `cp1251`).

    Raises: InvalidInput (`encoding`) for a name Python does not know, a codec that does not
    turn bytes into text (base64, rot13), or one that cannot escape what it cannot decode (idna).
    """
    try:
        canonical = codecs.lookup(name.strip()).name
        b"\xff".decode(canonical, DECODE_ERRORS)
    except (LookupError, ValueError) as exc:  # UnicodeError is a ValueError
        raise InvalidInput.single(
            "encoding",
            ProblemCode.INVALID_CHOICE,
            f"{shown(name[:40])!r} is not a text encoding this server can read; use a name "
            "such as utf-8, cp1251, latin-1 or utf-16.",
            name,
        ) from exc
    return canonical


def reading_codec(encoding: str) -> str:
    """The codec that reads files of `encoding`: UTF-8 files may start with a byte order mark
    (spreadsheet programs write one), which is not part of the first column's name."""
    return "utf-8-sig" if encoding == DEFAULT_ENCODING else encoding


def undecodable(text: str) -> bool:
    """Whether `text`, as read, carries bytes its file's encoding could not decode."""
    if text.isascii():  # O(1): CPython flags ASCII strings
        return False
    try:
        text.encode()  # UTF-8 encodes every character but a lone surrogate; faster than a search
    except UnicodeEncodeError:
        return True
    return False


def shown(text: str) -> str:
    """`text` as a refusal shows it: each undecodable byte as U+FFFD, so error files are valid
    UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def undecodable_reason(text: str, encoding: str) -> str:
    """Which bytes of `text` are not valid in `encoding`, for a refused row's reason."""
    found = _LONE_SURROGATE.findall(text)
    listed = " ".join(_name(char) for char in found[:_SHOWN_BYTES])
    more = f" and {len(found) - _SHOWN_BYTES} more" if len(found) > _SHOWN_BYTES else ""
    return f"Holds bytes that are not valid {encoding}: {listed}{more}."


def _name(char: str) -> str:
    point = ord(char)
    return f"0x{point - 0xDC00:02X}" if 0xDC80 <= point <= 0xDCFF else f"U+{point:04X}"

"""Text encodings of import files: how the bytes a file's encoding cannot decode are carried
through reading and described in refusals.

Files are decoded with `surrogateescape`: a byte the encoding cannot decode becomes one lone
surrogate (U+DC80 to U+DCFF) instead of an exception. Reading never stops in the middle of a
buffer, so every row keeps its line number and resume positions stay those of the bytes, and the
rows whose cells carry such characters are refused one by one.
"""

from __future__ import annotations

import re

DEFAULT_ENCODING = "utf-8"
DECODE_ERRORS = "surrogateescape"

# Any lone surrogate: the escaped bytes, and those an escaping codec (unicode_escape) produces
# from `\ud800`; neither can be stored as text.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_BYTES = 8


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

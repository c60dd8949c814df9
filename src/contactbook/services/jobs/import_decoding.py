"""Whether a whole import file decodes, checked before any row is imported.

Under `surrogateescape` most encodings cannot fail: the bytes they cannot decode are escaped and
the rows holding them refused one by one. Some (UTF-16, Shift JIS, …) meet bytes they can neither
decode nor escape; reading would then stop in the middle of a buffer, after rows were imported
and with the rows of that buffer lost. Such a file is refused whole, before its first row,
naming the line of those bytes.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO

from contactbook.domain.encodings import DECODE_ERRORS, NEVER_FAILING, reading_codec
from contactbook.domain.errors import InvalidInput, ProblemCode

CHUNK = 1 << 16


def check_decodes(path: Path, encoding: str) -> None:
    """Raises: InvalidInput (`encoding`) naming the line of the first bytes `encoding` cannot
    read, when there are such bytes."""
    if encoding in NEVER_FAILING:
        return
    codec = reading_codec(encoding)
    with path.open("rb") as binary:
        good = _failing_chunk(binary, codec)
        if good is None:
            return
        # Again, counting lines up to the failing chunk, then through it a byte at a time
        # (once per refused file): the line and the byte of the failure.
        binary.seek(0)
        lines = LineCounter()
        decoder = codecs.getincrementaldecoder(codec)(DECODE_ERRORS)
        while binary.tell() < good:
            lines.feed(decoder.decode(binary.read(min(CHUNK, good - binary.tell()))))
        try:
            while byte := binary.read(1):
                lines.feed(decoder.decode(byte))
            decoder.decode(b"", final=True)
            reason, where = "the bytes cannot be decoded", ""  # not reproduced byte by byte
        except UnicodeDecodeError as exc:
            reason = exc.reason
            where = f" (byte {binary.tell()}: 0x{byte.hex().upper()})" if byte else ""
    raise InvalidInput.single(
        "encoding",
        ProblemCode.INVALID_VALUE,
        f"Line {lines.line} cannot be read as {encoding}{where}: {reason}; nothing was imported.",
        encoding,
    )


def _failing_chunk(binary: BinaryIO, codec: str) -> int | None:
    """None when `binary` decodes; else the offset of the chunk where decoding failed."""
    decoder = codecs.getincrementaldecoder(codec)(DECODE_ERRORS)
    start = 0
    try:
        while chunk := binary.read(CHUNK):
            decoder.decode(chunk)
            start += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return start
    return None


class LineCounter:
    """The line a reader is on, counted as the readers split lines: at `\\n`, `\\r\\n` or a
    lone `\\r` (a text stream with `newline=""`)."""

    def __init__(self) -> None:
        self.line = 1
        self._after_cr = False

    def feed(self, text: str) -> None:
        if not text:
            return
        self.line += text.count("\n") + text.count("\r") - text.count("\r\n")
        if self._after_cr and text[0] == "\n":
            self.line -= 1  # the second half of a `\r\n` split between two pieces
        self._after_cr = text[-1] == "\r"

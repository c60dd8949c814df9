"""Reading import files row by row (CSV with a header, or NDJSON) and writing error files.

Readers stream: they hold one batch of rows at a time, whatever the file's size. Every line is
accounted for: a row is read, or refused with the line it starts on (a row whose cells hold bytes
the file's encoding cannot decode is refused alone, naming the column).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from contactbook.domain.delimiters import detect_delimiter
from contactbook.domain.encodings import (
    DECODE_ERRORS,
    DEFAULT_ENCODING,
    reading_codec,
    shown,
    undecodable,
    undecodable_reason,
)
from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.imports import ImportFormat, RowError, object_columns
from contactbook.services.jobs.import_decoding import check_decodes

RawRow = tuple[int, dict[str, Any] | None]
"""(line number of the row's start, the row's cells by column; None for a row that could not be
read at all, already described in `ImportFile.bad_rows`)."""

# Enough lines to tell the delimiter, read once per file.
DELIMITER_SAMPLE = 64 * 1024
# Large cells (notes, JSON) are legal; the csv module's default limit is 128 KiB.
csv.field_size_limit(16 * 1024 * 1024)


class ImportFile:
    """A file to import: its header and its rows, in batches, with progress in bytes.

    `encoding` is a canonical codec name (`check_encoding`).
    """

    def __init__(
        self,
        path: Path,
        fmt: ImportFormat,
        aliases: Mapping[str, str] | None = None,
        *,
        encoding: str = DEFAULT_ENCODING,
    ) -> None:
        self.path = path
        self.format = fmt
        self.aliases = dict(aliases or {})
        self.encoding = encoding
        self.size = path.stat().st_size
        self._binary: IO[bytes] = path.open("rb")
        self._text = io.TextIOWrapper(
            self._binary, encoding=reading_codec(encoding), errors=DECODE_ERRORS, newline=""
        )
        self.header: list[str] = []
        self._rows = self._csv_rows() if fmt is ImportFormat.CSV else self._ndjson_rows()
        self.bad_rows: list[RowError] = []

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> ImportFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def position(self) -> int:
        """Bytes consumed so far (for progress)."""
        return self._binary.tell()

    def read_header(self) -> list[str]:
        """Read the header row (CSV) or nothing (NDJSON).

        Raises: InvalidInput when the file holds bytes its encoding cannot read at all
        (`encoding`), or when the header is missing, empty, repeats a column or holds bytes
        that are not valid in the encoding (`header`).
        """
        check_decodes(self.path, self.encoding)
        if self.format is ImportFormat.NDJSON:
            return []
        reader = self._reader = csv.reader(self._text, delimiter=self._delimiter())
        try:
            header = next(reader)
        except StopIteration as exc:
            raise InvalidInput.single(
                "header", ProblemCode.REQUIRED, "Line 1: the file is empty; a header row is due."
            ) from exc
        except csv.Error as exc:
            raise InvalidInput.single(
                "header", ProblemCode.INVALID_VALUE, f"Line 1: unreadable header row: {exc}."
            ) from exc
        for index, name in enumerate(header):
            if undecodable(name):
                reason = undecodable_reason(name, self.encoding)
                raise InvalidInput.single(
                    "header",
                    ProblemCode.INVALID_VALUE,
                    f"Line 1, column {index + 1}: {reason} Is the file in another encoding?",
                )
        self.header = [self.aliases.get(name.strip(), name.strip()) for name in header]
        names = [name for name in self.header if name]
        if not names:
            raise InvalidInput.single(
                "header", ProblemCode.REQUIRED, "Line 1: the header row is empty."
            )
        if len(set(names)) != len(names):
            raise InvalidInput.single(
                "header", ProblemCode.INVALID_VALUE, "Line 1: the header repeats a column name."
            )
        return self.header

    def _delimiter(self) -> str:
        """The file's delimiter, from its first lines (read, then read again as rows)."""
        sample = self._text.read(DELIMITER_SAMPLE)
        self._text.seek(0)
        if len(sample) == DELIMITER_SAMPLE:  # a line cut short would count cells wrong
            sample = sample[: sample.rfind("\n") + 1] or sample
        return detect_delimiter(sample)

    def take_bad_rows(self) -> list[RowError]:
        taken, self.bad_rows = self.bad_rows, []
        return taken

    def batches(self, size: int, skip: int = 0) -> Iterator[tuple[list[RawRow], list[RowError]]]:
        """Rows in batches of `size`, after skipping the first `skip` data rows (resuming), each
        with the reasons of its rows that could not be read at all (those come as
        `(line, None)`, so counts and resume positions include them)."""
        batch: list[RawRow] = []
        seen = 0
        for row in self._rows:
            seen += 1
            if seen <= skip:
                self.bad_rows.clear()
                continue
            batch.append(row)
            if len(batch) >= size:
                yield batch, self.take_bad_rows()
                batch = []
        if batch:
            yield batch, self.take_bad_rows()

    def _csv_rows(self) -> Iterator[RawRow]:
        reader = self._reader
        width = len(self.header)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.bad_rows.append(RowError(start, "row", f"Unreadable row: {exc}", {}))
                yield start, None
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are not rows
            if undecodable("".join(cells)):
                self.bad_rows.append(self._undecodable_cells(start, cells))
                yield start, None
                continue
            if len(cells) > width:
                reason = f"The row has {len(cells)} cells; the header has {width}."
                self.bad_rows.append(RowError(start, "row", reason, _raw(self.header, cells)))
                yield start, None
                continue
            yield start, {name: cells[i] for i, name in enumerate(self.header[: len(cells)])
                          if name}  # fmt: skip

    def _undecodable_cells(self, line: int, cells: list[str]) -> RowError:
        width = len(self.header)
        named = [
            (self.header[i] if i < width else f"extra_{i - width + 1}") or f"column_{i + 1}"
            for i, cell in enumerate(cells)
            if undecodable(cell)
        ]
        reasons = [undecodable_reason(cell, self.encoding) for cell in cells if undecodable(cell)]
        reason = "; ".join(f"{name}: {why}" for name, why in zip(named, reasons, strict=True))
        return RowError(line, named[0], reason, _raw(self.header, [shown(c) for c in cells]))

    def _ndjson_rows(self) -> Iterator[RawRow]:
        for number, line in enumerate(self._text, start=1):
            if not line.strip():
                continue
            if undecodable(line):
                self.bad_rows.append(self._undecodable_line(number, line))
                yield number, None
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                self.bad_rows.append(RowError(number, "row", "Not a JSON object.", {"raw": line}))
                yield number, None
                continue
            if not isinstance(value, dict):
                self.bad_rows.append(RowError(number, "row", "Not a JSON object.", {"raw": line}))
                yield number, None
                continue
            try:
                columns = self._shape(value)
            except InvalidInput as exc:
                self.bad_rows.append(RowError.refusing(number, exc, value))
                yield number, None
                continue
            yield number, columns

    def _shape(self, value: dict[str, Any]) -> dict[str, Any]:
        """Raises: InvalidInput for a row that is not a native contact object."""
        if self.aliases:
            value = {self.aliases.get(key, key): item for key, item in value.items()}
        return object_columns(value)

    def _undecodable_line(self, number: int, line: str) -> RowError:
        """A refusal naming the keys whose values (or names) hold the bytes, when the line
        parses as an object (orjson refuses lone surrogates; this rare path uses json)."""
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        named: list[tuple[str, str]] = []
        if isinstance(value, dict):
            try:
                columns = self._shape(value)
            except InvalidInput:
                columns = value  # the bytes are named by top-level key then
            texts = {
                key: key + json.dumps(item, ensure_ascii=False) for key, item in columns.items()
            }
            named = [(shown(key), text) for key, text in texts.items() if undecodable(text)]
        if not named:  # not an object, or the bytes are in a value the row's shape drops
            reason = f"row: {undecodable_reason(line, self.encoding)}"
            return RowError(number, "row", reason, {"raw": shown(line)})
        reason = "; ".join(
            f"{key}: {undecodable_reason(text, self.encoding)}" for key, text in named
        )
        raw = json.loads(shown(line))  # the row as it was, each undecodable byte as U+FFFD
        return RowError(number, named[0][0], reason, raw)


def _raw(header: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    named = {name: cells[i] for i, name in enumerate(header) if name and i < len(cells)}
    for extra, cell in enumerate(cells[len(header) :], start=1):
        named[f"extra_{extra}"] = cell
    return named


class ErrorFile:
    """The refused rows of an import as CSV: line, field, reason, then the row's own cells.

    Nothing is written until the first refused row; the header comes from `header` then (the
    import file's header is known only once it is read). With `append`, rows go after those of
    an earlier run (resuming).
    """

    def __init__(
        self, path: Path, header: Callable[[], Sequence[str]], *, append: bool = False
    ) -> None:
        self.path = path
        self._header = header
        self._append = append
        self._file: IO[str] | None = None
        self._writer: Any = None
        self._columns: list[str] = []
        self.count = 0

    def write(self, errors: Sequence[RowError]) -> None:
        if not errors:
            return
        if self._file is None:
            self._open()
        for error in sorted(errors, key=lambda e: e.line):
            raw: Mapping[str, object] = error.raw
            if self._columns:
                cells = [_cell(raw.get(name)) for name in self._columns]
            else:
                cells = [orjson.dumps(dict(raw)).decode() if raw else ""]
            self._writer.writerow([error.line, error.field, error.reason, *cells])
        self.count += len(errors)
        assert self._file is not None
        self._file.flush()

    def _open(self) -> None:
        self._columns = [name for name in self._header() if name]
        exists = self._append and self.path.exists() and self.path.stat().st_size > 0
        self._file = self.path.open("a" if exists else "w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file)
        if not exists:
            self._writer.writerow(["line", "field", "reason", *(self._columns or ["row"])])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def keep_errors_up_to(path: Path, last_line: int) -> None:
    """Drop the error rows past `last_line` (resuming after the batches that committed)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        for index, row in enumerate(rows):
            if index == 0 or (row and row[0].isdigit() and int(row[0]) <= last_line):
                writer.writerow(row)

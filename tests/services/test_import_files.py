"""Reading import files from disk: every line is read or refused with its true line, whatever
bytes the file holds and wherever they fall in the reader's buffers."""

from __future__ import annotations

import io
import random
from pathlib import Path

import orjson
import pytest

from contactbook.domain.encodings import DEFAULT_ENCODING, check_encoding
from contactbook.domain.errors import InvalidInput
from contactbook.domain.imports import ImportFormat, RowError
from contactbook.services.jobs.import_files import ImportFile, RawRow

HEADER = ["phone", "name", "notes"]
BAD = [b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x80"]  # none valid UTF-8


def read_all(
    path: Path,
    fmt: ImportFormat = ImportFormat.CSV,
    *,
    size: int = 50,
    skip: int = 0,
    encoding: str = DEFAULT_ENCODING,
) -> tuple[list[RawRow], list[RowError]]:
    rows: list[RawRow] = []
    errors: list[RowError] = []
    with ImportFile(path, fmt, encoding=encoding) as source:
        source.read_header()
        for batch, unreadable in source.batches(size, skip):
            rows += batch
            errors += unreadable
    return rows, errors


def messy_file(path: Path, seed: int, rows: int = 3000) -> list[tuple[int, list[str] | None]]:
    """A CSV with multi-byte characters, quoted cells over several lines and invalid bytes in
    about one row in twelve; returns each row's (start line, cells) with None for a row that
    holds an invalid byte."""
    chance = random.Random(seed)
    out = io.BytesIO()
    out.write(",".join(HEADER).encode() + b"\n")
    line = 2
    expected: list[tuple[int, list[str] | None]] = []
    for n in range(rows):
        notes = chance.choice(["", "plain", "Zoë — ☎ 👍", "two\nlines", 'a\r\nb\nc, "q"'])
        cells = [f"+4477009{n:05d}", chance.choice(["Ann", "Łukasz", "Ірина", "李"]), notes]
        encoded = [cell.encode() for cell in cells]
        bad = chance.random() < 0.08
        if bad:
            column = chance.randrange(3)
            cut = chance.randrange(len(encoded[column]) + 1)
            wrong = chance.choice(BAD)
            encoded[column] = encoded[column][:cut] + wrong + encoded[column][cut:]
        quoted = [b'"' + cell.replace(b'"', b'""') + b'"' if b"\n" in cell or b'"' in cell
                  or b"," in cell or b"\r" in cell else cell for cell in encoded]  # fmt: skip
        out.write(b",".join(quoted) + b"\n")
        expected.append((line, None if bad else cells))
        joined = b"".join(encoded)  # a lone \r breaks a line too (an invalid byte after one)
        line += 1 + joined.count(b"\n") + joined.count(b"\r") - joined.count(b"\r\n")
    path.write_bytes(out.getvalue())
    return expected


@pytest.mark.parametrize("seed", range(6))
def test_invalid_bytes_refuse_their_row_only_wherever_they_fall(tmp_path: Path, seed: int) -> None:
    expected = messy_file(tmp_path / "messy.csv", seed)
    rows, errors = read_all(tmp_path / "messy.csv", size=37)
    assert [line for line, _ in rows] == [line for line, _ in expected]
    for (line, raw), (_, cells) in zip(rows, expected, strict=True):
        if cells is None:
            assert raw is None, line
        else:
            assert raw == dict(zip(HEADER, cells, strict=True)), line
    refused = [line for line, cells in expected if cells is None]
    assert [error.line for error in errors] == refused
    for error in errors:
        assert error.field in HEADER
        assert "not valid utf-8" in error.reason
        cells = [cell for cell in error.raw.values() if isinstance(cell, str)]
        assert len(cells) == len(error.raw)
        assert all(char < "\udc80" or char > "\udcff" for cell in cells for char in cell)


@pytest.mark.parametrize("skip", [0, 1, 36, 37, 38, 500, 2999, 3000])
def test_a_resume_lands_on_the_same_rows(tmp_path: Path, skip: int) -> None:
    messy_file(tmp_path / "messy.csv", seed=11)
    everything, all_errors = read_all(tmp_path / "messy.csv", size=37)
    rest, rest_errors = read_all(tmp_path / "messy.csv", size=37, skip=skip)
    assert rest == everything[skip:]
    first = everything[skip][0] if skip < len(everything) else 10**9
    assert rest_errors == [error for error in all_errors if error.line >= first]


def test_bytes_at_the_readers_buffer_edges(tmp_path: Path) -> None:
    # A bad byte and a split multi-byte character at each offset around the 8 KiB chunks the
    # text layer decodes (an error there used to drop the whole buffer's rows).
    for offset in range(8180, 8200):
        head = b"phone,name\n"
        filler = []
        size = len(head)
        n = 0
        while size < offset - 40:
            row = f"+4477009{n:05d},Person {n}\n".encode()
            filler.append(row)
            size += len(row)
            n += 1
        pad = b"x" * (offset - size - len(b"+447700999999,"))
        body = head + b"".join(filler) + b"+447700999999," + pad + b"\xff\xe2\x82\xac\n"
        body += b"+447700999998,after\n"
        path = tmp_path / f"edge-{offset}.csv"
        path.write_bytes(body)
        rows, errors = read_all(path, size=5)
        assert len(rows) == n + 2
        assert [error.line for error in errors] == [n + 2]
        assert rows[-1] == (n + 3, {"phone": "+447700999998", "name": "after"})


def test_cp1251_reads_like_its_utf8_twin(tmp_path: Path) -> None:
    text = 'phone,name,notes\n+447700900001,Ірина,"Київ\nвул. Хрещатик"\n+447700900002,Їжак,\n'
    (tmp_path / "u.csv").write_bytes(text.encode())
    (tmp_path / "w.csv").write_bytes(text.encode("cp1251"))
    twin, _ = read_all(tmp_path / "u.csv")
    rows, errors = read_all(tmp_path / "w.csv", encoding=check_encoding("windows-1251"))
    assert rows == twin and errors == []
    as_utf8, refused = read_all(tmp_path / "w.csv")
    assert [line for line, _ in as_utf8] == [2, 4] and [e.line for e in refused] == [2, 4]
    assert [e.field for e in refused] == ["name", "name"]


def test_a_utf8_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfphone,name\n+447700900001,A\n")
    rows, _ = read_all(tmp_path / "bom.csv")
    assert rows == [(2, {"phone": "+447700900001", "name": "A"})]


def test_a_header_with_invalid_bytes_refuses_the_file(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_bytes(b"phone,na\xffme\n+447700900001,A\n")
    with pytest.raises(InvalidInput) as raised:
        read_all(tmp_path / "h.csv")
    assert raised.value.problems[0].field == "header"
    assert "Line 1, column 2" in raised.value.problems[0].message


def test_bytes_the_encoding_cannot_even_escape_refuse_the_file_with_their_line(
    tmp_path: Path,
) -> None:
    good = "phone,name\n+447700900001,Аня\n+447700900002,Боб\n".encode("utf-16-le")
    # A lone low surrogate (0x0A 0xDC) holds a byte below 0x80, which no handler can escape.
    path = tmp_path / "u16.csv"
    path.write_bytes(b"\xff\xfe" + good + b"\x0a\xdc" + "x\n".encode("utf-16-le"))
    with pytest.raises(InvalidInput) as raised:
        read_all(path, encoding="utf-16")
    problem = raised.value.problems[0]
    assert problem.field == "encoding"
    assert problem.message.startswith("Line 4 cannot be read as utf-16")
    path.write_bytes(b"\xff\xfe" + good)
    rows, errors = read_all(path, encoding="utf-16")
    assert [raw["name"] for _, raw in rows if raw] == ["Аня", "Боб"] and errors == []


def test_ndjson_names_the_key_that_holds_invalid_bytes(tmp_path: Path) -> None:
    lines = [
        b'{"phone": "+447700900001"}',
        b'{"phone": "+447700900002", "custom_fields": {"plan": "g\xffold"}}',
        b'{"name": "x\xfe", "phone": 5\xfd}',
        b"",
        b'{"phone": "+447700900003", "name": "Z\xc3\xab"}',
    ]
    (tmp_path / "n.ndjson").write_bytes(b"\n".join(lines) + b"\n")
    rows, errors = read_all(tmp_path / "n.ndjson", ImportFormat.NDJSON)
    assert [(line, raw is not None) for line, raw in rows] == [
        (1, True), (2, False), (3, False), (5, True),
    ]  # fmt: skip
    assert rows[-1][1] == {"phone": "+447700900003", "name": "Zë"}
    assert [(e.line, e.field) for e in errors] == [(2, "plan"), (3, "row")]
    assert errors[0].raw == {"phone": "+447700900002", "custom_fields": {"plan": "g\ufffdold"}}
    orjson.dumps(dict(errors[1].raw))  # valid text, ready for the error file


@pytest.mark.parametrize("name", ["nope", "base64", "rot13", "idna", "", "utf-8\x00", "x" * 300])
def test_unknown_encodings_are_refused_by_name(name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_encoding(name)
    assert raised.value.problems[0].field == "encoding"


def test_encoding_names_are_canonical() -> None:
    assert [check_encoding(n) for n in ("UTF8", "windows-1251", "latin1", "utf-16")] == [
        "utf-8", "cp1251", "iso8859-1", "utf-16",
    ]  # fmt: skip

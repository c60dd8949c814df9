"""`contactbook import` of files with bytes their encoding cannot decode: each such row is
refused alone with its true line and column, every other row is imported."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.databases import fresh_database


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = Path(tmp_path_factory.mktemp("encoding"))
    with fresh_database(directory) as url:
        yield url, directory


def account(url: str) -> str:
    made = run_cli("accounts", "create", "--name", "Encodings", "--database-url", url)
    assert made.code == 0, made.err
    return str(json.loads(made.out)["account_id"])


def run_import(url: str, path: Path, *args: str) -> tuple[str, dict[str, int], list[list[str]]]:
    """(account id, summary, error rows without the header) of importing `path` anew."""
    account_id = account(url)
    done = run_cli("import", str(path), "--account-id", account_id, "--database-url", url, "--json",
               *args)  # fmt: skip
    assert done.code == 0, done.err
    summary = json.loads(done.out)
    errors = Path(f"{path}.errors.csv")
    rows: list[list[str]] = []
    if errors.exists():  # written from the first refused row on
        rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8"))))[1:]
        errors.unlink()
    return account_id, {k: v for k, v in summary.items() if k != "seconds"}, rows


def exported(url: str, account_id: str) -> list[dict[str, str]]:
    done = run_cli("export", "--account-id", account_id, "--database-url", url)
    assert done.code == 0, done.err
    rows = list(csv.DictReader(io.StringIO(done.out)))
    for row in rows:
        del row["id"]
    return sorted(rows, key=lambda row: row["phone"])


def people(count: int, bad: dict[int, bytes] | None = None) -> bytes:
    """`count` data rows (row n on line n + 1); rows in `bad` get those bytes in `city`."""
    lines = [b"phone,name,city"]
    for n in range(1, count + 1):
        city = b"Kyiv" + (bad or {}).get(n, b"")
        lines.append(b"+44770%07d,Person %d,%s" % (n, n, city))
    return b"\n".join(lines) + b"\n"


def test_one_invalid_byte_refuses_its_row_and_no_other(database: tuple[str, Path]) -> None:
    url, directory = database
    path = directory / "ten-thousand.csv"
    path.write_bytes(people(10_000, {5001: b"\xff"}))
    account_id, summary, errors = run_import(url, path)
    assert summary == {"rows": 10_000, "created": 9_999, "updated": 0, "skipped": 0,
                       "rejected": 1}  # fmt: skip
    assert [row[:2] for row in errors] == [["5002", "city"]]  # data row 5,001 is on line 5,002
    assert "0xFF" in errors[0][2] and "utf-8" in errors[0][2]
    assert errors[0][3:] == ["+447700005001", "Person 5001", "Kyiv\ufffd"]
    phones = {row["phone"] for row in exported(url, account_id)}
    assert phones == {f"+44770{n:07d}" for n in range(1, 10_001)} - {"+447700005001"}


def test_invalid_bytes_at_batch_boundaries(database: tuple[str, Path]) -> None:
    url, directory = database
    # With batches of 7: the last row of a batch, the first of the next, a whole batch of them.
    bad = dict.fromkeys((7, 8, 14, 15, 22, 23, 24, 25, 26, 27, 28, 100), b"\xc3")
    path = directory / "boundaries.csv"
    path.write_bytes(people(100, bad))
    for workers in ("0", "1"):
        account_id, summary, errors = run_import(url, path, "--batch-size", "7",
                                                 "--workers", workers)  # fmt: skip
        assert summary == {"rows": 100, "created": 88, "updated": 0, "skipped": 0,
                           "rejected": 12}  # fmt: skip
        assert [int(row[0]) for row in errors] == [n + 1 for n in sorted(bad)]
        assert {row[1] for row in errors} == {"city"}
        assert len(exported(url, account_id)) == 88


def test_an_invalid_byte_inside_a_quoted_cell_over_several_lines(
    database: tuple[str, Path],
) -> None:
    url, directory = database
    path = directory / "multiline.csv"
    path.write_bytes(
        b"phone,name,notes\n"  # line 1
        b'+447700900001,One,"first\nsecond"\n'  # lines 2-3
        b'+447700900002,Two,"first\nsec\xffond\nthird"\n'  # lines 4-6: refused, line 4
        b"not a phone,Three,\n"  # line 7: refused by the phone rule
        b'+447700900004,Four,"a\n\nb"\n'  # lines 8-10
        b"+447700900005,Five,\n"  # line 11
    )
    account_id, summary, errors = run_import(url, path)
    assert summary["rows"] == 5 and summary["created"] == 3 and summary["rejected"] == 2
    assert [row[:2] for row in errors] == [["4", "notes"], ["7", "phone"]]
    assert errors[0][5] == "first\nsec\ufffdond\nthird"
    notes = {row["phone"]: row["notes"] for row in exported(url, account_id)}
    assert notes == {"+447700900001": "first\nsecond", "+447700900004": "a\n\nb",
                     "+447700900005": ""}  # fmt: skip


def cyrillic() -> str:
    rows = [["phone", "name", "city", "tags", "Улюблений колір", "notes"]]
    for n in range(1, 301):
        tags = "вип;лід" if n % 3 else ""
        colour = "синій" if n % 2 else ""
        notes = "рядок один\nрядок два" if n % 5 == 0 else ""
        rows.append([f"+380661{n:06d}", f"Ірина {n}", "Київ", tags, colour, notes])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_a_cp1251_file_imports_like_its_utf8_twin(database: tuple[str, Path]) -> None:
    url, directory = database
    (directory / "utf8.csv").write_bytes(cyrillic().encode())
    (directory / "cp1251.csv").write_bytes(cyrillic().encode("cp1251"))
    twin, twin_summary, twin_errors = run_import(url, directory / "utf8.csv")
    assert twin_summary["created"] == 300 and twin_errors == []
    windows, summary, errors = run_import(url, directory / "cp1251.csv", "--encoding", "cp1251")
    assert summary == twin_summary and errors == []
    assert exported(url, windows) == exported(url, twin)
    # Read as UTF-8, the same file refuses every row (the column named), and loses none.
    # Read as UTF-8 the header holds invalid bytes: the file is refused, naming the column.
    done = run_cli("import", str(directory / "cp1251.csv"), "--account-id", account(url),
               "--database-url", url)  # fmt: skip
    assert done.code == 2 and "header: Line 1, column 5" in done.err


def test_ndjson_with_invalid_bytes(database: tuple[str, Path]) -> None:
    url, directory = database
    path = directory / "people.ndjson"
    path.write_bytes(
        b'{"phone": "+447700900001", "custom_fields": {"plan": "gold"}}\n'
        b'{"phone": "+447700900002", "custom_fields": {"plan": "g\xe9ld"}}\n'
        b'{"phone": "+447700900003", "name": "Zo\xc3\xab"}\n'
        b"\n"
        b'{"phone": "+447700900004", "name": \xff}\n'
        b'{"phone": "+447700900005"}\n'
    )
    account_id, summary, errors = run_import(url, path)
    assert summary == {"rows": 5, "created": 3, "updated": 0, "skipped": 0, "rejected": 2}
    assert [row[:2] for row in errors] == [["2", "plan"], ["5", "row"]]
    assert json.loads(errors[0][3]) == {"phone": "+447700900002",
                                        "custom_fields": {"plan": "g\ufffdld"}}  # fmt: skip
    phones = [row["phone"] for row in exported(url, account_id)]
    assert phones == ["+447700900001", "+447700900003", "+447700900005"]
    _, latin, none_refused = run_import(url, path, "--encoding", "latin-1")
    assert latin["rejected"] == 1 and [row[:2] for row in none_refused] == [["5", "row"]]


def test_files_that_cannot_be_read_are_refused_whole(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)

    def attempt(path: Path, *args: str) -> str:
        done = run_cli("import", str(path), "--account-id", account_id, "--database-url", url,
                   *args)  # fmt: skip
        assert done.code == 2, (done.out, done.err)
        return done.err

    (directory / "fine.csv").write_bytes(people(3))
    assert "encoding" in attempt(directory / "fine.csv", "--encoding", "klingon")
    assert "encoding" in attempt(directory / "fine.csv", "--encoding", "base64")
    (directory / "header.csv").write_bytes(b"phone,n\xe4me\n+447700900001,A\n")
    assert "header: Line 1, column 2" in attempt(directory / "header.csv")
    text = "phone,name\n+447700900001,Аня\n+447700900002,Боб\n".encode("utf-16")
    (directory / "utf16.csv").write_bytes(text + b"\x41")  # an odd byte: no whole character
    stderr = attempt(directory / "utf16.csv", "--encoding", "utf-16")
    assert "encoding: Line 4 cannot be read as utf-16" in stderr
    assert exported(url, account_id) == []  # nothing was imported
    (directory / "utf16.csv").write_bytes(text)
    _, summary, _ = run_import(url, directory / "utf16.csv", "--encoding", "UTF-16")
    assert summary["created"] == 2

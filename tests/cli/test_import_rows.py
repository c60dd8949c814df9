"""`contactbook import`: every row-level problem is a refused row with its line, field and
reason, and the rows around it are imported; NDJSON rows follow the native contact schema."""

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
    directory = Path(tmp_path_factory.mktemp("rows"))
    with fresh_database(directory) as url:
        yield url, directory


def account(url: str) -> str:
    made = run_cli("accounts", "create", "--name", "Rows", "--database-url", url)
    assert made.code == 0, made.err
    return str(json.loads(made.out)["account_id"])


def run_import(
    url: str, account_id: str, path: Path, *args: str
) -> tuple[dict[str, int], list[list[str]]]:
    """(summary, error rows without the header) of importing `path`."""
    done = run_cli("import", str(path), "--account-id", account_id, "--database-url", url, "--json",
               "--workers", "0", *args)  # fmt: skip
    assert done.code == 0, done.err
    summary = json.loads(done.out)
    errors = Path(f"{path}.errors.csv")
    rows: list[list[str]] = []
    if errors.exists():
        rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8"))))[1:]
        errors.unlink()
    return {k: v for k, v in summary.items() if k != "seconds"}, rows


def export(url: str, account_id: str) -> list[dict[str, str]]:
    done = run_cli("export", "--account-id", account_id, "--database-url", url)
    assert done.code == 0, done.err
    return list(csv.DictReader(io.StringIO(done.out)))


def test_ndjson_rows_follow_the_native_contact_schema(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)
    path = directory / "people.ndjson"
    path.write_text(
        '{"phone": "+447700900001", "custom_fields": {"plan": "gold"}}\n'
        '{"phone": "+447700900002", "colour": "red"}\n'
        '{"phone": "+447700900003", "custom_fields": "gold"}\n'
        '{"phone": "+447700900004", "custom_fields": {"name": "Not a name"}}\n'
        '{"phone": "+447700900005", "name": "Five", "custom_fields": {"plan": null}}\n'
        '{"phone": "+447700900006", "custom_fields": {"created_at": "2024-01-01"}}\n'
    )
    summary, errors = run_import(url, account_id, path)
    assert summary == {"rows": 6, "created": 2, "updated": 0, "skipped": 0, "rejected": 4}
    assert [row[:2] for row in errors] == [
        ["2", "colour"],
        ["3", "custom_fields"],
        ["4", "custom_fields.name"],
        ["6", "custom_fields.created_at"],
    ]
    assert "reserved" in errors[3][2]
    assert json.loads(errors[3][3]) == {"phone": "+447700900006",
                                        "custom_fields": {"created_at": "2024-01-01"}}  # fmt: skip
    assert "extra_forbidden" in errors[0][2] and "custom_fields" in errors[0][2]
    assert json.loads(errors[0][3]) == {"phone": "+447700900002", "colour": "red"}
    rows = export(url, account_id)
    assert [(r["phone"], r["name"], r["plan"]) for r in rows] == [
        ("+447700900001", "", "gold"),
        ("+447700900005", "Five", ""),
    ]
    assert "colour" not in rows[0]  # a refused key defines no field


def test_a_bad_lists_cell_refuses_its_row_and_the_import_goes_on(
    database: tuple[str, Path],
) -> None:
    url, directory = database
    account_id = account(url)
    lines = ["phone,name,lists"]
    for n in range(1, 13):
        lists = {4: "ab", 7: "[99999]", 9: "[true]", 11: "Good;x"}.get(n, "Good")
        lines.append(f"+44770090{n:04d},Person {n},{lists}")
    path = directory / "lists.csv"
    path.write_text("\n".join(lines) + "\n")
    summary, errors = run_import(url, account_id, path, "--batch-size", "5")
    assert summary == {"rows": 12, "created": 8, "updated": 0, "skipped": 0, "rejected": 4}
    assert [row[:2] for row in errors] == [
        ["5", "lists"],
        ["8", "lists"],
        ["10", "lists"],
        ["12", "lists"],
    ]
    assert "too short" in errors[0][2] and errors[0][3:] == ["+447700900004", "Person 4", "ab"]
    assert "No list 99999" in errors[1][2]
    phones = sorted(row["phone"] for row in export(url, account_id))
    assert phones == [f"+44770090{n:04d}" for n in (1, 2, 3, 5, 6, 8, 10, 12)]


def test_only_a_file_level_problem_stops_the_import(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)
    path = directory / "fine.csv"
    path.write_text("phone\n+447700900001\n")
    bad_list = run_cli("import", str(path), "--account-id", account_id, "--database-url", url,
                   "--list", "ab")  # fmt: skip
    assert bad_list.code == 2 and "list: " in bad_list.err, bad_list.err
    (directory / "reserved.csv").write_text("phone,created_at\n+447700900001,today\n")
    reserved = run_cli("import", str(directory / "reserved.csv"), "--account-id", account_id,
                   "--database-url", url)  # fmt: skip
    assert reserved.code == 2
    assert "header: Line 1, column 2 (created_at)" in reserved.err, reserved.err
    (directory / "blank.csv").write_text("")
    empty = run_cli("import", str(directory / "blank.csv"), "--account-id", account_id,
                "--database-url", url)  # fmt: skip
    assert empty.code == 2 and "header: Line 1" in empty.err, empty.err
    assert export(url, account_id) == []

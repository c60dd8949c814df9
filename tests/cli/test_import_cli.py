"""`contactbook import` and `export` as operators run them."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.databases import fresh_database

ROWS = [
    ["phone", "email", "name", "external_id", "tags", "Favourite Colour", "blocked"],
    ["+447700900001", "a@example.com", "Ada", "u1", "vip;lead", "red", "false"],
    ["+447700900002", "b@example.com", "Bob", "u2", "", "", ""],
    ["call me", "c@example.com", "Carol", "u3", "", "", ""],
    ["+447700900001", "", "Ada Again", "", "new", "", "yes"],
    ["", "bad-email", "Eve", "u5", "", "", ""],
    ["+447700900003", "b@example.com", "Clash", "u1", "", "", ""],
]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = Path(tmp_path_factory.mktemp("import"))
    with fresh_database(directory) as url:
        yield url, directory


def account(url: str) -> str:
    made = run_cli("accounts", "create", "--name", "Importer", "--database-url", url)
    return str(json.loads(made.out)["account_id"])


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def test_import_reports_every_row_and_names_refused_ones(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)
    source = write(directory / "people.csv", ROWS)
    done = run_cli("import", str(source), "--account-id", account_id, "--database-url", url,
               "--list", "Imported", "--json", "--workers", "1")  # fmt: skip
    assert done.code == 0, done.err
    summary = json.loads(done.out)
    assert {k: summary[k] for k in ("rows", "created", "updated", "skipped", "rejected")} == {
        "rows": 6, "created": 2, "updated": 1, "skipped": 0, "rejected": 3,
    }  # fmt: skip
    errors = list(csv.reader((directory / "people.csv.errors.csv").read_text().splitlines()))
    assert errors[0][:3] == ["line", "field", "reason"]
    assert [(row[0], row[1]) for row in errors[1:]] == [
        ("4", "phone"),
        ("6", "email"),
        ("7", "phone"),
    ]
    assert errors[1][3:] == ROWS[3]  # the refused row as it was
    again = json.loads(run_cli("import", str(source), "--account-id", account_id, "--database-url",
                           url, "--json", "--workers", "0").out)  # fmt: skip
    assert again["created"] == 0 and again["updated"] == 3


def test_export_round_trips_through_import(database: tuple[str, Path]) -> None:
    url, directory = database
    first = account(url)
    write(directory / "a.csv", ROWS)
    run_cli("import", str(directory / "a.csv"), "--account-id", first, "--database-url", url)
    for fmt in ("csv", "ndjson"):
        exported = directory / f"export.{fmt}"
        done = run_cli("export", "--account-id", first, "--format", fmt, str(exported),
                   "--database-url", url)  # fmt: skip
        assert done.code == 0, done.err
        second = account(url)
        imported = run_cli("import", str(exported), "--account-id", second, "--database-url", url,
                       "--json")  # fmt: skip
        assert json.loads(imported.out)["rejected"] == 0
        back = run_cli("export", "--account-id", second, "--database-url", url).out
        original = run_cli("export", "--account-id", first, "--database-url", url).out
        rows = lambda text: sorted(tuple(r[1:]) for r in csv.reader(text.splitlines()))  # noqa: E731
        assert rows(back) == rows(original)


def test_nothing_to_process_exits_non_zero(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)
    missing = run_cli("import", str(directory / "nope.csv"), "--account-id", account_id,
                  "--database-url", url)  # fmt: skip
    assert missing.code == 2 and "no such file" in missing.err
    (directory / "empty.csv").write_text("")
    empty = run_cli("import", str(directory / "empty.csv"), "--account-id", account_id,
                "--database-url", url)  # fmt: skip
    assert empty.code == 2 and "header" in empty.err
    nobody = run_cli("import", str(directory / "a.csv"), "--account-id", "999999",
                 "--database-url", url)  # fmt: skip
    assert nobody.code == 2

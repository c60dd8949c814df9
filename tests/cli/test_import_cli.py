"""`contactbook import` and `export` as operators run them."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import cli
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
    made = cli("accounts", "create", "--name", "Importer", "--database-url", url)
    return str(json.loads(made.stdout)["account_id"])


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def test_import_reports_every_row_and_names_refused_ones(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)
    source = write(directory / "people.csv", ROWS)
    done = cli("import", str(source), "--account-id", account_id, "--database-url", url,
               "--list", "Imported", "--json", "--workers", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
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
    again = json.loads(cli("import", str(source), "--account-id", account_id, "--database-url",
                           url, "--json", "--workers", "0").stdout)  # fmt: skip
    assert again["created"] == 0 and again["updated"] == 3


def test_export_round_trips_through_import(database: tuple[str, Path]) -> None:
    url, directory = database
    first = account(url)
    write(directory / "a.csv", ROWS)
    cli("import", str(directory / "a.csv"), "--account-id", first, "--database-url", url)
    for fmt in ("csv", "ndjson"):
        exported = directory / f"export.{fmt}"
        done = cli("export", "--account-id", first, "--format", fmt, str(exported),
                   "--database-url", url)  # fmt: skip
        assert done.returncode == 0, done.stderr
        second = account(url)
        imported = cli("import", str(exported), "--account-id", second, "--database-url", url,
                       "--json")  # fmt: skip
        assert json.loads(imported.stdout)["rejected"] == 0
        back = cli("export", "--account-id", second, "--database-url", url).stdout
        original = cli("export", "--account-id", first, "--database-url", url).stdout
        rows = lambda text: sorted(tuple(r[1:]) for r in csv.reader(text.splitlines()))  # noqa: E731
        assert rows(back) == rows(original)


def test_nothing_to_process_exits_non_zero(database: tuple[str, Path]) -> None:
    url, directory = database
    account_id = account(url)
    missing = cli("import", str(directory / "nope.csv"), "--account-id", account_id,
                  "--database-url", url)  # fmt: skip
    assert missing.returncode == 2 and "no such file" in missing.stderr
    (directory / "empty.csv").write_text("")
    empty = cli("import", str(directory / "empty.csv"), "--account-id", account_id,
                "--database-url", url)  # fmt: skip
    assert empty.returncode == 2 and "header" in empty.stderr
    nobody = cli("import", str(directory / "a.csv"), "--account-id", "999999",
                 "--database-url", url)  # fmt: skip
    assert nobody.returncode == 2

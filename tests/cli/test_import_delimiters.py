"""`contactbook import` of CSV files as spreadsheet programs write them: separated by commas,
semicolons, tabs or bars, in UTF-8 or in a legacy encoding named with `--encoding`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.databases import fresh_database

LATIN_1 = (
    "phone;name;Ville de départ;tags\n"
    "+447700900001;José;München;a,b\n"
    '+447700900002;"Zoë; Jr";Orléans;\n'
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = Path(tmp_path_factory.mktemp("delimiters"))
    with fresh_database(directory) as url:
        yield url, directory


def account(url: str) -> str:
    made = run_cli("accounts", "create", "--name", "Delimiters", "--database-url", url)
    assert made.code == 0, made.err
    return str(json.loads(made.out)["account_id"])


def imported(url: str, path: Path, *args: str) -> list[dict[str, str]]:
    """The contacts of a new account after importing `path`, which refuses no row."""
    account_id = account(url)
    done = run_cli("import", str(path), "--account-id", account_id, "--database-url", url, "--json",
               "--workers", "0", *args)  # fmt: skip
    assert done.code == 0, done.err
    assert json.loads(done.out)["rejected"] == 0, Path(f"{path}.errors.csv").read_text()
    exported = run_cli("export", "--account-id", account_id, "--database-url", url)
    assert exported.code == 0, exported.err
    return list(csv.DictReader(io.StringIO(exported.out)))


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_the_separator_is_detected(database: tuple[str, Path], separator: str) -> None:
    url, directory = database
    path = directory / "people.csv"
    rows = [["phone", "name", "notes"], ["+447700900001", "Ann", "a, b; c | d"],
            ["+447700900002", "Bob", ""]]  # fmt: skip
    with path.open("w", newline="") as out:
        csv.writer(out, delimiter=separator).writerows(rows)
    contacts = imported(url, path)
    assert [(c["phone"], c["name"], c["notes"]) for c in contacts] == [
        ("+447700900001", "Ann", "a, b; c | d"),
        ("+447700900002", "Bob", ""),
    ]


def test_a_latin_1_file_with_semicolons_imports_with_its_encoding(
    database: tuple[str, Path],
) -> None:
    url, directory = database
    path = directory / "excel.csv"
    path.write_bytes(LATIN_1.encode("latin-1"))
    contacts = imported(url, path, "--encoding", "latin-1")
    assert [(c["name"], c["ville_de_d_part"], c["tags"]) for c in contacts] == [
        ("José", "München", "a,b"),
        ("Zoë; Jr", "Orléans", ""),
    ]


def test_without_its_encoding_the_message_names_the_line(database: tuple[str, Path]) -> None:
    url, directory = database
    path = directory / "excel.csv"
    path.write_bytes(LATIN_1.encode("latin-1"))
    account_id = account(url)
    done = run_cli("import", str(path), "--account-id", account_id, "--database-url", url)
    assert done.code == 2
    assert "header: Line 1, column 3" in done.err and "0xE9" in done.err, done.err

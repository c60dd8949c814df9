"""`contactbook check`: every counter recomputed from the rows, drift reported as JSON with exit
status 1, and `--repair` fixing it in one transaction, as an operator runs it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from contactbook.storage.engine import make_engine
from contactbook.storage.migrate import migrate
from tests.support.databases import fresh_database
from tests.support.served import cli, new_account


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(Path(tmp_path_factory.mktemp("check"))) as database_url:
        asyncio.run(migrate(database_url))
        yield database_url


def _sql(url: str, account_id: int, *statements: str) -> None:
    async def go() -> None:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                for statement in statements:
                    await conn.execute(text(statement), {"account": account_id})
        finally:
            await engine.dispose()

    asyncio.run(go())


def _orphan_membership(url: str, account_id: int) -> None:
    """A membership of a contact that does not exist, written past the foreign keys (as only
    a damaged database or a hand-made change could)."""
    orphan = (
        "INSERT INTO list_members (account_id, list_id, contact_id) "
        "SELECT account_id, id, 999999999 FROM lists WHERE account_id = ? AND name = 'Leads'"
    )
    if url.startswith("sqlite"):
        # A plain connection: SQLite checks foreign keys only where a connection asks it to.
        with sqlite3.connect(make_url(url).database or "") as conn:
            conn.execute(orphan, (account_id,))
        return

    async def go() -> None:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                await conn.exec_driver_sql(orphan.replace("?", "$1"), (account_id,))
        finally:
            await engine.dispose()

    asyncio.run(go())


def _check(url: str, account_id: int, *extra: str) -> tuple[int, dict[str, object]]:
    done = cli("check", "--account-id", str(account_id), "--database-url", url, *extra)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _import(url: str, account_id: int, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "phone,email,name,lists\n"
        "+447700900001,a@example.com,A,Clients\n"
        "+447700900002,,B,Clients;Leads\n"
        ",c@example.com,C,Leads\n"
        ",,D,\n"
    )
    done = cli("import", str(source), "--account-id", str(account_id), "--database-url", url,
               "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_consistent_account_is_clean(url: str, tmp_path: Path) -> None:
    account_id, _ = new_account(url, "Clean")
    _import(url, account_id, tmp_path)
    status, report = _check(url, account_id)
    assert (status, report) == (
        0,
        {"account_id": account_id, "clean": True, "differences": [], "repaired": False},
    )


def test_drift_is_reported_then_repaired(url: str, tmp_path: Path) -> None:
    account_id, _ = new_account(url, "Drifted")
    _import(url, account_id, tmp_path)
    # Corrupt what writers maintain: a list's counters and the account's totals.
    _sql(
        url,
        account_id,
        "UPDATE lists SET items = items + 5, stop_list_count = stop_list_count - 2 "
        "WHERE account_id = :account AND name = 'Clients'",
        "UPDATE account_counters SET contacts_total = contacts_total - 3 "
        "WHERE account_id = :account AND shard = "
        "(SELECT min(shard) FROM account_counters WHERE account_id = :account)",
    )
    status, report = _check(url, account_id)
    assert status == 1
    assert report["clean"] is False and report["repaired"] is False
    found = {(d["invariant"], d["stored"], d["actual"]) for d in report["differences"]}  # type: ignore[attr-defined]
    assert found == {
        ("account.contacts_total", 1, 4),
        ("list.items", 7, 2),
        ("list.stop_list_count", -2, 0),
    }
    assert all("list_id" in d for d in report["differences"] if d["invariant"].startswith("list."))  # type: ignore[attr-defined]

    status, repaired = _check(url, account_id, "--repair")
    assert status == 1 and repaired["repaired"] is True
    assert repaired["differences"] == report["differences"]
    assert _check(url, account_id) == (
        0,
        {"account_id": account_id, "clean": True, "differences": [], "repaired": False},
    )


def test_rows_past_the_foreign_keys_are_reported_then_dropped(url: str, tmp_path: Path) -> None:
    account_id, _ = new_account(url, "Orphaned")
    _import(url, account_id, tmp_path)
    _orphan_membership(url, account_id)
    status, report = _check(url, account_id)
    assert status == 1
    assert report["differences"] == [
        {"invariant": "memberships_without_contact", "stored": 1, "actual": 0}
    ]
    assert _check(url, account_id, "--repair")[0] == 1
    assert _check(url, account_id)[0] == 0


def test_an_unknown_account_is_a_usage_error(url: str) -> None:
    done = cli("check", "--account-id", "987654321", "--database-url", url)
    assert done.returncode == 2
    assert "987654321" in done.stderr or "account" in done.stderr.lower()

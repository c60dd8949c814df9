"""Importing the same file twice changes nothing the second time: no version, no counter; a
row that only adds a tag or a list moves its contact's version once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import text

from contactbook.storage.engine import make_engine
from tests.support.cli import run_cli
from tests.support.databases import fresh_database


def _import(url: str, account_id: int, source: Path) -> dict[str, int]:
    done = run_cli("import", str(source), "--account-id", str(account_id), "--database-url", url,
               "--json")  # fmt: skip
    assert done.code == 0, done.err
    summary: dict[str, int] = json.loads(done.out)
    return summary


def _versions(url: str, account_id: int) -> dict[str, tuple[int, list[str]]]:
    """Each contact's version and tags, by phone, as stored."""

    async def read() -> dict[str, tuple[int, list[str]]]:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text(
                        "SELECT c.phone, c.version, t.name FROM contacts c "
                        "LEFT JOIN contact_tags ct ON ct.account_id = c.account_id "
                        "AND ct.contact_id = c.id "
                        "LEFT JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id "
                        "WHERE c.account_id = :account ORDER BY c.phone, ct.position, t.name"
                    ),
                    {"account": account_id},
                )
                found: dict[str, tuple[int, list[str]]] = {}
                for phone, version, tag in rows:
                    found.setdefault(phone, (version, []))[1].extend([tag] if tag else [])
                return found
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_a_file_imported_again_changes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "phone,name,plan,tags,lists\n"
        "+447700900001,Ada,gold,vip,Clients\n"
        "+447700900002,Bob,,,Clients\n"
        "+447700900003,Cy,silver,vip;beta,\n"
    )
    with fresh_database(tmp_path) as url:
        account = json.loads(run_cli("accounts", "create", "--name", "Again",
                                 "--database-url", url).out)["account_id"]  # fmt: skip
        _import(url, account, source)
        first = _versions(url, account)
        _import(url, account, source)
        assert _versions(url, account) == first
        checked = run_cli("check", "--account-id", str(account), "--database-url", url)
        assert checked.code == 0, checked.out
        # Only a new tag for Bob: his version moves once, nobody else's.
        source.write_text("phone,tags\n+447700900002,new\n+447700900001,vip\n")
        _import(url, account, source)
        third = _versions(url, account)
        assert third["+447700900002"] == (first["+447700900002"][0] + 1, ["new"])
        assert first["+447700900001"][1] == ["vip"]
        assert third["+447700900001"] == first["+447700900001"]
        assert third["+447700900003"] == first["+447700900003"]

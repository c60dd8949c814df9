"""The one migration history runs forwards and backwards, and matches the table definitions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from contactbook.storage.engine import make_engine
from contactbook.storage.migrate import alembic_config, head_revision, migrate
from contactbook.storage.tables import metadata
from tests.support.databases import fresh_database

NOW = {"now": datetime(2026, 12, 1, tzinfo=UTC)}


def _on(url: str, work) -> object:
    async def go() -> object:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.connect() as conn:
                result = await conn.run_sync(work)
                await conn.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _diff(conn: Connection) -> list[object]:
    def keep(_obj: object, name: str | None, kind: str, reflected: bool, _other: object) -> bool:
        return not (kind == "index" and reflected and (name or "").endswith("_trgm"))

    context = MigrationContext.configure(conn, opts={"include_object": keep, "compare_type": True})
    return list(compare_metadata(context, metadata))


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        assert asyncio.run(migrate(url)) == head_revision()
        assert {"contacts", "lists", "stoplist", "fields"} <= _on(url, _tables)  # type: ignore[operator]
        _on(url, lambda conn: command.downgrade(alembic_config(conn), "base"))
        assert _on(url, _tables) <= {"alembic_version"}  # type: ignore[operator]
        assert asyncio.run(migrate(url)) == head_revision()
        assert asyncio.run(migrate(url)) == head_revision()  # idempotent


def test_schema_matches_table_definitions(database_url: str) -> None:
    assert _on(database_url, _diff) == []


def test_fields_defined_before_implicit_ones_existed_stay_explicit(tmp_path: Path) -> None:
    def before(conn: Connection) -> None:
        command.upgrade(alembic_config(conn), "0005")
        conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES (1, 'a', :now)"), NOW)
        conn.execute(
            text(
                "INSERT INTO fields (account_id, id, scope, key, name, type, created_at, "
                "updated_at) VALUES (1, 7, 'contact', 'plan', 'Plan', 'text', :now, :now)"
            ),
            NOW,
        )

    def implicit(conn: Connection) -> list[object]:
        return list(conn.execute(text("SELECT id, implicit FROM fields")).all())

    with fresh_database(tmp_path) as url:
        _on(url, before)
        assert asyncio.run(migrate(url)) == head_revision()
        assert _on(url, implicit) == [(7, False)]
        _on(url, lambda conn: command.downgrade(alembic_config(conn), "0005"))
        assert _on(url, lambda conn: conn.execute(text("SELECT id FROM fields")).all()) == [(7,)]
        assert asyncio.run(migrate(url)) == head_revision()
        assert _on(url, implicit) == [(7, False)]

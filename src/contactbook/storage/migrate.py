"""Apply the migration history to a database (used by `contactbook migrate` and `serve`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from contactbook.storage.engine import make_engine
from contactbook.storage.unreachable import check_openable

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number: processes starting together take turns on this PostgreSQL lock.
_PG_LOCK = 0x636F6E74  # "cont"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    command.upgrade(alembic_config(connection), "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def migrate(url: str) -> str | None:
    """Bring the database at `url` to the newest schema; return the revision it is at.

    Raises: DatabaseUnreachable (an SQLite file in a folder that does not exist).
    """
    # Told here in words, and before aiosqlite's thread can fail (see check_openable).
    check_openable(url, create=True)
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_upgrade)
            await conn.commit()
            return await conn.run_sync(_current)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()

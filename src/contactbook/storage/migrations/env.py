"""Alembic environment: runs on a connection handed in by `storage.migrate`, or on the URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from contactbook.storage.engine import make_engine
from contactbook.storage.tables import metadata

config = context.config


def _include_object(
    _obj: object, name: str | None, kind: str, reflected: bool, _compare_to: object
) -> bool:
    # PostgreSQL-only search indexes live in migrations, not in the portable metadata.
    return not (kind == "index" and reflected and (name or "").endswith("_trgm"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=_include_object,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_on_url(url: str) -> None:
    engine = make_engine(url)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get(
        "CONTACTBOOK_DATABASE_URL", "sqlite:///./contactbook.db"
    )
    asyncio.run(_run_on_url(url))


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `contactbook migrate`.")
main()

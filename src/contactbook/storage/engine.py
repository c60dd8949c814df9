"""Engines: database URLs in, async SQLAlchemy engines with the right per-database settings out."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_MS = 30_000


def masked_url(url: str) -> str:
    """`url` with its password shown as `***`, fit for logs and error lines."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL at all: nothing in it reads as a password
        return url


def async_url(url: str) -> URL:
    """Pick the async driver for a user-facing URL.

    `sqlite:///PATH` → aiosqlite; `postgresql://…` (or `postgres://…`) → asyncpg. A URL that
    already names a driver is kept as it is.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.drivername == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgresql+psycopg2"):
        return parsed.set(drivername="postgresql+asyncpg")
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(
            f"Unsupported database URL {masked_url(url)!r}: use sqlite:///PATH or postgresql://…"
        )
    return parsed


def backend_name(url: str) -> str:
    """`sqlite` or `postgresql`."""
    return async_url(url).get_backend_name()


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """An async engine for `url`.

    SQLite runs in WAL mode with foreign keys on; BEGIN is issued by us so write transactions can
    take the write lock up front (`BEGIN IMMEDIATE`) instead of failing on upgrade.
    """
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(
            target,
            echo=echo,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            poolclass=NullPool if target.database in (None, "", ":memory:") else None,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        target,
        echo=echo,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=pool_size,
        # No overflow: past the pool, callers wait for a connection instead of opening and
        # closing extra ones under load (that churn costs more than the wait).
        max_overflow=0,
        pool_timeout=30,
        pool_pre_ping=False,
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the driver; the "begin" hook below issues it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

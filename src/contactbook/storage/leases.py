"""Job leases that die with their holder.

A worker runs a job only while it holds the job's lease, and the lease is something the
operating system or the database takes away the moment the worker is gone: on PostgreSQL a
session advisory lock on a connection the worker keeps open for the job; on SQLite (one
machine) an exclusive `flock` on a file beside the database. A live worker's lease cannot be
taken over however long its batch takes; a killed worker's is free at once.

The lease is paired with a fencing token (`jobs.lease`, moved by every claim and checked by
every batch's commit), so a worker that lost its lease without noticing (its connection cut)
cannot commit another batch.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contactbook.storage.locks import JOBS

_TRY = text("SELECT pg_try_advisory_lock(:ns, :key)")


class Lease(Protocol):
    async def release(self) -> None: ...


class JobLeases(Protocol):
    async def take(self, job_id: int) -> Lease | None:
        """The job's lease if no live worker holds it, else None."""
        ...


def _key(job_id: int) -> int:
    return job_id & 0x7FFFFFFF


class _PgLease:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def release(self) -> None:
        # Closing the session releases its advisory locks; the pool gets a clean connection
        # back because SQLAlchemy resets it (and an unlock first keeps that cheap).
        with contextlib.suppress(Exception):
            await self.conn.execute(text("SELECT pg_advisory_unlock_all()"))
        await self.conn.close()


class PostgresLeases:
    """Session advisory locks, one connection per held lease."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def take(self, job_id: int) -> Lease | None:
        conn = await self.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            held = (await conn.execute(_TRY, {"ns": JOBS, "key": _key(job_id)})).scalar_one()
        except BaseException:
            await conn.close()
            raise
        if not held:
            await conn.close()
            return None
        return _PgLease(conn)


class _FileLease:
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    async def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


class FileLeases:
    """Exclusive `flock`s on one file per job, in a folder beside the SQLite database: every
    process of the machine sees them, and the kernel drops them with their process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def take(self, job_id: int) -> Lease | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = (self.folder / f"job-{job_id}.lock").open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return _FileLease(handle)


def leases_for(url: str, engine: AsyncEngine) -> JobLeases:
    """The lease kind for the database at `url`."""
    if engine.dialect.name == "postgresql":
        return PostgresLeases(engine)
    database = make_url(url).database or ""
    if database in ("", ":memory:"):
        folder = Path(os.getcwd()) / ".contactbook-leases"
    else:
        path = Path(database)
        folder = path.parent / f"{path.name}.leases"
    return FileLeases(folder)

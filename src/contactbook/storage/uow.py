"""The unit of work: one connection, one transaction, repositories bound to one account.

The edge (a request handler or a CLI command) opens a unit, calls services, and the unit commits
when the block ends without an exception and rolls back otherwise. Services never commit.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from functools import cached_property

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contactbook.domain.context import RequestContext
from contactbook.domain.fields import FieldDefinition
from contactbook.storage.engine import backend_name, make_engine
from contactbook.storage.repositories.accounts import AccountRepository
from contactbook.storage.repositories.contacts import ContactRepository
from contactbook.storage.repositories.events import EventRepository
from contactbook.storage.repositories.fields import FieldRepository
from contactbook.storage.repositories.inboxes import InboxRepository
from contactbook.storage.repositories.jobs import JobQueue, JobRepository
from contactbook.storage.repositories.lists import ListRepository
from contactbook.storage.repositories.stoplist import StopListRepository
from contactbook.storage.repositories.tags import TagRepository


class UnitOfWork:
    """Repositories over one transaction; tenant repositories are bound to `account_id`."""

    def __init__(self, conn: AsyncConnection, account_id: int | None) -> None:
        self.conn = conn
        self.account_id = account_id
        self._catalog: dict[int, FieldDefinition] | None = None

    def _tenant(self) -> int:
        if self.account_id is None:
            raise RuntimeError("this unit of work is not bound to an account")
        return self.account_id

    @cached_property
    def accounts(self) -> AccountRepository:
        return AccountRepository(self.conn)

    @cached_property
    def fields(self) -> FieldRepository:
        return FieldRepository(self.conn, self._tenant())

    @cached_property
    def contacts(self) -> ContactRepository:
        return ContactRepository(self.conn, self._tenant(), self.field_catalog)

    @cached_property
    def lists(self) -> ListRepository:
        return ListRepository(self.conn, self._tenant())

    @cached_property
    def tags(self) -> TagRepository:
        return TagRepository(self.conn, self._tenant())

    @cached_property
    def stoplist(self) -> StopListRepository:
        return StopListRepository(self.conn, self._tenant())

    @cached_property
    def inboxes(self) -> InboxRepository:
        return InboxRepository(self.conn, self._tenant())

    @cached_property
    def events(self) -> EventRepository:
        return EventRepository(self.conn, self._tenant())

    @cached_property
    def jobs(self) -> JobRepository:
        return JobRepository(self.conn, self._tenant())

    @cached_property
    def job_queue(self) -> JobQueue:
        return JobQueue(self.conn)

    async def field_catalog(self) -> dict[int, FieldDefinition]:
        """The account's field definitions by id, read once per unit."""
        if self._catalog is None:
            self._catalog = {d.id: d for d in await self.fields.list_all()}
        return self._catalog

    def forget_catalog(self) -> None:
        """Call after changing definitions so the next read sees them."""
        self._catalog = None


class Database:
    """The engine and the way to open units of work on it."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = url
        self.backend = backend_name(url)
        self.engine: AsyncEngine = make_engine(url, pool_size=pool_size, echo=echo)
        # SQLite has one writer at a time; queueing writers here keeps them off the busy loop.
        self._write_lock: asyncio.Lock | None = None

    @contextlib.asynccontextmanager
    async def unit(
        self, ctx: RequestContext | None = None, *, write: bool = True
    ) -> AsyncIterator[UnitOfWork]:
        """A unit bound to `ctx`'s account (or to none, for operator work)."""
        account_id = ctx.account_id if ctx is not None else None
        async with self._writer(write), self.engine.connect() as conn:
            if self.backend == "sqlite" and write:
                conn = await conn.execution_options(sqlite_immediate=True)
            async with conn.begin():
                yield UnitOfWork(conn, account_id)

    @contextlib.asynccontextmanager
    async def _writer(self, write: bool) -> AsyncIterator[None]:
        if self.backend != "sqlite" or not write:
            yield
            return
        if self._write_lock is None:
            self._write_lock = asyncio.Lock()
        async with self._write_lock:
            yield

    async def ping(self) -> bool:
        """True if a connection can be opened and answers."""
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
        except (OSError, SQLAlchemyError):
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()

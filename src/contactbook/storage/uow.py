"""The unit of work: one connection, one transaction, repositories bound to one account.

The edge (a request handler or a CLI command) opens a unit, calls services, and the unit commits
when the block ends without an exception and rolls back otherwise. Services never commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import AsyncIterator, Iterable
from functools import cached_property
from typing import Any

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contactbook.domain.context import RequestContext
from contactbook.domain.errors import Busy
from contactbook.domain.fields import FieldDefinition
from contactbook.storage.engine import backend_name, make_engine
from contactbook.storage.leases import leases_for
from contactbook.storage.ledger import Ledger
from contactbook.storage.locks import lock_phones
from contactbook.storage.positions import PositionIndex
from contactbook.storage.repositories.accounts import AccountRepository
from contactbook.storage.repositories.bulk import BulkContactRepository
from contactbook.storage.repositories.changes import ChangeRepository
from contactbook.storage.repositories.contacts import ContactRepository
from contactbook.storage.repositories.events import EventRepository
from contactbook.storage.repositories.fields import FieldRepository
from contactbook.storage.repositories.inboxes import InboxRepository
from contactbook.storage.repositories.integrity import IntegrityRepository
from contactbook.storage.repositories.jobs import JobQueue, JobRepository
from contactbook.storage.repositories.lists import ListRepository
from contactbook.storage.repositories.stoplist import StopListRepository
from contactbook.storage.repositories.tags import TagRepository
from contactbook.storage.repositories.trash import TrashRepository

_PG_DATA_VERSION = "SELECT sum(data_version) FROM account_counters WHERE account_id = $1"

# Deadlock detected, serialisation failure, lock not available: the transaction was rolled
# back whole, so the unit of work can run again.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})


def transient(exc: BaseException) -> bool:
    """Whether a database error means "run the transaction again", not "this is wrong"."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    if code in _TRANSIENT_SQLSTATES:
        return True
    # SQLite past its busy timeout: another process kept the write lock.
    return "database is locked" in str(exc.orig)


class CatalogCache:
    """Field definitions by account, shared by the units of one process for `ttl` seconds.

    Definitions change rarely and every contact read needs them. A process drops its entry
    when it changes definitions itself; a definition another process made is fetched as soon
    as a contact or a request names it (a miss always refetches), so the cache can only lag on
    another process's renames and adoptions (a field given its type and options), by at most
    `ttl`.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[int, tuple[float, dict[int, FieldDefinition]]] = {}

    def get(self, account_id: int) -> dict[int, FieldDefinition] | None:
        entry = self._entries.get(account_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, account_id: int, catalog: dict[int, FieldDefinition]) -> None:
        if self.ttl > 0:
            self._entries[account_id] = (time.monotonic() + self.ttl, catalog)

    def drop(self, account_id: int) -> None:
        self._entries.pop(account_id, None)


class UnitOfWork:
    """Repositories over one transaction; tenant repositories are bound to `account_id`."""

    def __init__(
        self,
        conn: AsyncConnection,
        account_id: int | None,
        catalogs: CatalogCache | None = None,
        positions: PositionIndex | None = None,
    ) -> None:
        self.conn = conn
        self._positions = positions
        self.account_id = account_id
        self._catalogs = catalogs if catalogs is not None else CatalogCache(0)
        self._catalog: dict[int, FieldDefinition] | None = None
        # What this unit's writes moved; applied to the counters as it commits.
        self.ledger = Ledger()

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
        return ContactRepository(
            self.conn, self._tenant(), self.ledger, self.field_catalog, self._positions
        )

    @cached_property
    def changes(self) -> ChangeRepository:
        return ChangeRepository(self.conn, self._tenant())

    @cached_property
    def trash(self) -> TrashRepository:
        return TrashRepository(self.conn, self._tenant(), self.ledger)

    @cached_property
    def bulk(self) -> BulkContactRepository:
        return BulkContactRepository(self.conn, self._tenant(), self.ledger)

    @cached_property
    def lists(self) -> ListRepository:
        return ListRepository(self.conn, self._tenant(), self.ledger)

    @cached_property
    def tags(self) -> TagRepository:
        return TagRepository(self.conn, self._tenant())

    @cached_property
    def stoplist(self) -> StopListRepository:
        return StopListRepository(self.conn, self._tenant(), self.ledger)

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

    def integrity(self, account_id: int) -> IntegrityRepository:
        """The invariants of any account (operator work: this unit need not be bound)."""
        return IntegrityRepository(self.conn, account_id)

    async def hold_phones(self, phones: Iterable[str | None]) -> None:
        """Before locking contacts that will get these phones: take the phones' buckets
        (shared), so their stop-list state holds still until this unit ends."""
        await lock_phones(self.conn, self._tenant(), [p for p in phones if p], exclusive=False)

    async def field_catalog(self, fresh: bool = False) -> dict[int, FieldDefinition]:
        """The account's field definitions by id (`fresh`: from the database, not a cache)."""
        account_id = self._tenant()
        if fresh or self._catalog is None:
            cached = None if fresh else self._catalogs.get(account_id)
            if cached is None:
                cached = {d.id: d for d in await self.fields.list_all()}
                self._catalogs.put(account_id, cached)
            self._catalog = cached
        return self._catalog

    def forget_catalog(self) -> None:
        """Call after changing definitions so the next read sees them."""
        self._catalog = None
        if self.account_id is not None:
            self._catalogs.drop(self.account_id)


class Database:
    """The engine and the way to open units of work on it."""

    def __init__(
        self, url: str, *, pool_size: int = 10, echo: bool = False, catalog_ttl: float = 5.0
    ) -> None:
        self.url = url
        self.catalogs = CatalogCache(catalog_ttl)
        self._prepared: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self.backend = backend_name(url)
        self.engine: AsyncEngine = make_engine(url, pool_size=pool_size, echo=echo)
        self.positions = PositionIndex(self.engine)
        self.leases = leases_for(url, self.engine)
        # Reads run without a transaction on PostgreSQL (each is one statement): no BEGIN and
        # COMMIT round trips. Same pool; the option is set as a connection is handed out.
        self._reader = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.backend == "postgresql"
            else self.engine
        )
        # SQLite has one writer at a time; queueing writers here keeps them off the busy loop.
        self._write_lock: asyncio.Lock | None = None

    @contextlib.asynccontextmanager
    async def unit(
        self, ctx: RequestContext | None = None, *, write: bool = True
    ) -> AsyncIterator[UnitOfWork]:
        """A unit bound to `ctx`'s account (or to none, for operator work).

        Raises: Busy when the database rolled the transaction back because of concurrent
        writers (a deadlock, a serialisation failure): the unit can simply run again.
        """
        account_id = ctx.account_id if ctx is not None else None
        if self.backend == "postgresql" and not write:
            async with self._reader.connect() as conn:
                yield UnitOfWork(conn, account_id, self.catalogs, self.positions)
            return
        try:
            async with self._writer(write), self.engine.connect() as conn:
                if self.backend == "sqlite" and write:
                    conn = await conn.execution_options(sqlite_immediate=True)
                async with conn.begin():
                    uow = UnitOfWork(conn, account_id, self.catalogs, self.positions)
                    yield uow
                    if write and account_id is not None:
                        # Last: list counters, then the account's shard, locked only while
                        # committing and always in that order (see storage.locks).
                        await uow.ledger.apply(conn, account_id)
        except DBAPIError as exc:
            if transient(exc):
                raise Busy() from exc
            raise

    @contextlib.asynccontextmanager
    async def _writer(self, write: bool) -> AsyncIterator[None]:
        if self.backend != "sqlite" or not write:
            yield
            return
        if self._write_lock is None:
            self._write_lock = asyncio.Lock()
        async with self._write_lock:
            yield

    async def data_version(self, account_id: int) -> int:
        """The account's data version, by the shortest path there is: it is read before every
        cached response, so on PostgreSQL it skips the statement machinery for one prepared
        query on a pooled connection."""
        if self.backend != "postgresql":
            async with self.unit(None, write=False) as uow:
                return await uow.accounts.data_version(account_id)
        # The plain pool: the driver runs the prepared query outside any transaction, so the
        # read engine's isolation switching would only add work.
        async with self.engine.connect() as conn:
            driver: Any = (await conn.get_raw_connection()).driver_connection
            statement = self._prepared.get(driver)
            if statement is None:  # the driver's own statement cache is off under SQLAlchemy
                statement = self._prepared[driver] = await driver.prepare(_PG_DATA_VERSION)
            value = await statement.fetchval(account_id)
        return 0 if value is None else int(value)

    async def ping(self) -> bool:
        """True if a connection can be opened and answers."""
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
        except (OSError, SQLAlchemyError):
            return False
        return True

    async def dispose(self) -> None:
        await self.positions.close()
        await self.engine.dispose()

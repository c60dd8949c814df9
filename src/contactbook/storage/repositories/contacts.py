"""Contacts: rows, lookups, pages, and the account and list counters their writes move."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    delete,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.util import ClauseAdapter

from contactbook.domain.contacts import Contact, CustomValue
from contactbook.domain.errors import ContactNotFound, DuplicateContact, PreconditionFailed
from contactbook.domain.fields import FieldDefinition, FieldScope
from contactbook.domain.queries import Condition, ContactQuery, Op, SortKey
from contactbook.storage.backend_sql import one_of
from contactbook.storage.counters import Counters, Identity, stop_counted
from contactbook.storage.ids import next_id
from contactbook.storage.ledger import Ledger
from contactbook.storage.positions import MIN_OFFSET, PositionIndex
from contactbook.storage.repositories.accounts import AccountRepository, totals_of
from contactbook.storage.repositories.contact_query import QueryCompiler
from contactbook.storage.repositories.contact_relations import (
    parse_inboxes,
    parse_lists,
    parse_tags,
    relation_columns,
)
from contactbook.storage.tables import contacts, list_members

# The account's field definitions by id; called with True to bypass any cache.
Catalog = Callable[..., Awaitable[dict[int, FieldDefinition]]]

DEFAULT_INCLUDE = frozenset({"lists", "tags"})

# Columns written from cleaned input, as opposed to those the store manages itself.
WRITABLE = (
    "phone", "phone_region", "phone_type", "phone_valid", "email", "name", "external_id",
    "company", "avatar_url", "city", "country_code", "region_code", "locale", "notes", "source",
    "referer", "last_page", "created_from", "integration_id", "device", "blocked",
    "unsubscribed", "first_seen", "last_seen", "additional_attributes", "hlr_status",
    "hlr_last_check",
)  # fmt: skip

_UNIQUE_CONSTRAINTS = {
    "phone": ("uq_contacts_account_id_phone", "contacts.phone"),
    "email": ("uq_contacts_account_id_email", "contacts.email"),
    "external_id": ("uq_contacts_account_id_external_id", "contacts.external_id"),
}


# Ids a set-based statement handles at once (SQLite binds each id as a parameter).
_CHUNK = 10_000


# Filtered pages by id (see `_filtered_ids`): rows walked in id order before turning to the
# filter's indexes, and the deepest page position served that way.
_HEAD = 10_000
_HEAD_PAGE_REACH = 2_000
_BY_ID = ((), (SortKey("id"),), (SortKey("id", descending=True),))


class ContactRepository:
    """The account's contacts."""

    def __init__(
        self,
        conn: AsyncConnection,
        account_id: int,
        ledger: Ledger,
        catalog: Catalog,
        positions: PositionIndex | None = None,
    ) -> None:
        self.conn = conn
        self._positions = positions
        self.account_id = account_id
        self.ledger = ledger
        self._catalog = catalog
        self._dialect = conn.dialect.name
        self._compiler = QueryCompiler(account_id, conn.dialect.name)
        self.counters = Counters(conn, account_id, ledger)

    # --- reading ------------------------------------------------------------------------------

    async def get(
        self, contact_id: int, include: frozenset[str] = DEFAULT_INCLUDE, *, lock: bool = False
    ) -> Contact:
        """Raises: ContactNotFound (also for another account's id).

        With `lock`, the row stays locked for this transaction (for a change that depends on
        what is read: no concurrent change is lost); relations are then not read, since a
        locked read may return a row newer than its statement's view of the related rows.
        """
        if lock:
            assert not include, "a locked read returns the contact's own columns only"
            rows = (await self.conn.execute(self._locking([contact_id], delete=False))).all()
            found = await self._hydrate(rows, frozenset())
        else:
            found = await self.get_many([contact_id], include)
        if not found:
            raise ContactNotFound(contact_id)
        return found[0]

    async def hold(self, contact_id: int) -> None:
        """Keep the contact from being deleted until this transaction ends (a key share lock:
        for adding rows that belong to it, such as events and identities).

        Raises: ContactNotFound.
        """
        held = await self.conn.execute(
            select(contacts.c.id)
            .where(contacts.c.account_id == self.account_id, contacts.c.id == contact_id)
            .with_for_update(read=True, key_share=True)
        )
        if held.first() is None:
            raise ContactNotFound(contact_id)

    async def lock(self, contact_ids: Iterable[int]) -> list[Contact]:
        """Lock the contacts that exist among `contact_ids` (ascending id, the lock order) and
        return them as they are now, without relations."""
        ids = sorted(set(contact_ids))
        found: list[Contact] = []
        for start in range(0, len(ids), _CHUNK):
            statement = self._locking(ids[start : start + _CHUNK], delete=False)
            found += await self._hydrate((await self.conn.execute(statement)).all(), frozenset())
        return found

    async def lock_for_delete(self, contact_ids: Iterable[int]) -> list[Contact]:
        """As `lock`, with the lock a delete needs (it waits for writers adding memberships,
        tags or identities to these contacts, so what is filed in the trash is complete)."""
        ids = sorted(set(contact_ids))
        found: list[Contact] = []
        for start in range(0, len(ids), _CHUNK):
            statement = self._locking(ids[start : start + _CHUNK], delete=True)
            found += await self._hydrate((await self.conn.execute(statement)).all(), frozenset())
        return found

    def _locking(self, ids: Sequence[int], *, delete: bool) -> Select[Any]:
        # FOR NO KEY UPDATE leaves the key share that a new membership or tag takes on the
        # contact free; a delete needs FOR UPDATE, which waits for those.
        return (
            select(contacts)
            .where(contacts.c.account_id == self.account_id, one_of(self.conn, contacts.c.id, ids))
            .order_by(contacts.c.id)
            .with_for_update(key_share=not delete, of=contacts)
        )

    async def get_many(
        self, contact_ids: Sequence[int], include: frozenset[str] = DEFAULT_INCLUDE
    ) -> list[Contact]:
        """The contacts that exist among `contact_ids`, in the order asked."""
        ids = list(dict.fromkeys(contact_ids))
        by_id: dict[int, Any] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = await self.conn.execute(
                select(contacts, *relation_columns(self._dialect, include)).where(
                    contacts.c.account_id == self.account_id,
                    one_of(self.conn, contacts.c.id, chunk),
                )
            )
            by_id.update((row.id, row) for row in rows)
        return await self._hydrate([by_id[i] for i in ids if i in by_id], include)

    async def existing_ids(self, contact_ids: Iterable[int]) -> set[int]:
        ids = sorted(set(contact_ids))
        if not ids:
            return set()
        rows = await self.conn.execute(
            select(contacts.c.id).where(
                contacts.c.account_id == self.account_id, contacts.c.id.in_(ids)
            )
        )
        return {row[0] for row in rows}

    async def find(
        self, column: str, value: str, include: frozenset[str] = DEFAULT_INCLUDE
    ) -> Contact | None:
        """The contact whose unique `column` (phone, email, external_id) is `value`, with its
        relations, in one statement."""
        rows = (
            await self.conn.execute(
                select(contacts, *relation_columns(self._dialect, include)).where(
                    contacts.c.account_id == self.account_id, contacts.c[column] == value
                )
            )
        ).all()
        found = await self._hydrate(rows, include)
        return found[0] if found else None

    async def conflicts(
        self, values: Mapping[str, object], exclude_id: int | None = None
    ) -> dict[str, int]:
        """Which of phone/email/external_id in `values` another contact already holds."""
        probes = [
            contacts.c[name] == values[name]
            for name in _UNIQUE_CONSTRAINTS
            if values.get(name) is not None
        ]
        if not probes:
            return {}
        where = [contacts.c.account_id == self.account_id, or_(*probes)]
        if exclude_id is not None:
            where.append(contacts.c.id != exclude_id)
        rows = await self.conn.execute(
            select(contacts.c.id, contacts.c.phone, contacts.c.email, contacts.c.external_id).where(
                *where
            )
        )
        found: dict[str, int] = {}
        for row in rows:
            for name in _UNIQUE_CONSTRAINTS:
                if values.get(name) is not None and getattr(row, name) == values[name]:
                    found.setdefault(name, row.id)
        return found

    async def page(
        self, query: ContactQuery, *, account_totals: bool = False
    ) -> tuple[list[Contact], bool, tuple[int, int, int] | None]:
        """The contacts of one page, whether more follow (when `probe_next`), and with
        `account_totals` the account's counters; one statement, relations included."""
        where = self._compiler.where(query)
        if query.after is not None:
            where.append(self._compiler.after(query.sort, query.after))
        order = self._compiler.order_by(query.sort)
        # Deferred join: pick the page's ids first (narrow rows, index order), then read those
        # rows with their relations; the relations' subqueries never run for skipped rows.
        wanted = query.limit + (1 if query.probe_next else 0)
        extra = relation_columns(self._dialect, query.include)
        if account_totals:
            extra.append(self._totals_column())
        if self._head_first(query, wanted):
            ids = await self._filtered_ids(query, where, wanted)
            statement = (
                select(contacts, *extra)
                .where(contacts.c.account_id == self.account_id, contacts.c.id.in_(ids))
                .order_by(*order)
            )
        else:
            chosen = select(contacts.c.id).where(*where).order_by(*order).limit(wanted)
            if query.after is None and query.offset:
                chosen = await self._skip(chosen, query, where)
            page_ids = chosen.subquery("page")
            statement = (
                select(contacts, *extra)
                .select_from(
                    contacts.join(
                        page_ids,
                        (contacts.c.account_id == self.account_id)
                        & (contacts.c.id == page_ids.c.id),
                    )
                )
                .order_by(*order)
            )
        rows = (await self.conn.execute(statement)).all()
        more = len(rows) > query.limit
        totals = None
        if account_totals:
            # An empty page carries no row to read the counters from.
            totals = _totals(rows[0].acct_totals) if rows else await self._account_totals()
        return await self._hydrate(rows[: query.limit], query.include), more, totals

    def _head_first(self, query: ContactQuery, wanted: int) -> bool:
        """Whether a filtered page by id takes the two-step path of `_filtered_ids`."""
        return (
            self._dialect == "postgresql"
            and query.where is not None
            and query.sort in _BY_ID
            and query.offset + wanted <= _HEAD_PAGE_REACH
        )

    async def _filtered_ids(
        self, query: ContactQuery, where: list[ColumnElement[bool]], wanted: int
    ) -> list[int]:
        """The ids of a filtered page by id, in two bounded steps.

        Asked for the first rows matching a filter in id order, PostgreSQL either walks the
        primary key testing each row (instant when matches are common, a scan of the whole
        account when they are rare) or gathers every match through the filter's indexes and
        sorts them (the reverse). Its row estimates for substring patterns and JSON values are
        too rough to choose well, and a wrong guess costs seconds. So the choice is made here:
        first test the `_HEAD` rows next in id order (a LIMIT subquery, which the planner
        cannot turn into anything but that walk, stopping as soon as the page is full); only
        if the page is still short, gather the matches beyond them through the filter's own
        indexes (ordering by `id + 0` keeps the planner off the walk). Each step is slow only
        in the case the other one serves.
        """
        descending = bool(query.sort) and query.sort[0].descending
        by_id = contacts.c.id.desc() if descending else contacts.c.id.asc()
        span = [contacts.c.account_id == self.account_id]
        if query.after is not None:
            span.append(self._compiler.after(query.sort, query.after))
        reach = query.offset + wanted
        window = select(contacts).where(*span).order_by(by_id).limit(_HEAD).subquery("head")
        adapt = ClauseAdapter(window).traverse
        head = (
            select(window.c.id)
            .where(*(adapt(clause) for clause in where))
            .order_by(window.c.id.desc() if descending else window.c.id.asc())
            .limit(reach)
        )
        ids = [row[0] for row in await self.conn.execute(head)]
        if len(ids) < reach:
            edge = (
                select(contacts.c.id).where(*span).order_by(by_id)
                .offset(_HEAD - 1).limit(1).scalar_subquery()
            )  # fmt: skip
            beyond = contacts.c.id < edge if descending else contacts.c.id > edge
            gather = (contacts.c.id + 0).desc() if descending else (contacts.c.id + 0).asc()
            tail = select(contacts.c.id).where(*where, beyond).order_by(gather)
            ids += [row[0] for row in await self.conn.execute(tail.limit(reach - len(ids)))]
        return ids[query.offset : reach]

    async def _skip(
        self, chosen: Select[Any], query: ContactQuery, where: list[ColumnElement[bool]]
    ) -> Select[Any]:
        """Apply the query's offset, from a checkpoint when one is current (see positions)."""
        key = self._position_key(query)
        if key is None or self._positions is None or query.offset < MIN_OFFSET:
            return chosen.offset(query.offset)
        version = await self._data_version()
        found = self._positions.lookup(key, version, query.offset)
        if found is None:
            self._positions.refresh(key, self.account_id, where)
            return chosen.offset(query.offset)
        start, skip = found
        return chosen.where(contacts.c.id >= start).offset(skip)

    def _position_key(self, query: ContactQuery) -> tuple[Any, ...] | None:
        """The listing's checkpoint key, for the listings checkpoints serve: by id, over a
        whole visibility or one list."""
        if query.sort not in ((), (SortKey("id"),)):
            return None
        if query.where is None:
            return (self.account_id, query.visibility, None)
        cond = query.where
        if isinstance(cond, Condition) and cond.target == "lists" and cond.op in (Op.EQ, Op.IN):
            values = cond.value if isinstance(cond.value, list | tuple) else (cond.value,)
            if len(values) == 1:
                return (self.account_id, query.visibility, int(str(values[0])))
        return None

    async def _data_version(self) -> int:
        return await AccountRepository(self.conn).data_version(self.account_id)

    def _totals_column(self) -> Any:
        sums = totals_of(self.account_id).subquery("totals")
        array = func.json_build_array if self._dialect == "postgresql" else func.json_array
        return type_coerce(select(array(*sums.c)).scalar_subquery(), JSON).label("acct_totals")

    async def _account_totals(self) -> tuple[int, int, int]:
        row = (await self.conn.execute(totals_of(self.account_id))).one()
        return int(row[0]), int(row[1]), int(row[2])

    async def count(self, query: ContactQuery) -> int:
        """Matches of `query` across all pages (a COUNT: not for unfiltered hot paths)."""
        statement = select(func.count()).select_from(contacts).where(*self._compiler.where(query))
        return int((await self.conn.execute(statement)).scalar_one())

    def select_ids(self, query: ContactQuery) -> Select[Any]:
        """A subquery of the ids matching `query`'s conditions (for set-based writes)."""
        return select(contacts.c.id).where(*self._compiler.where(query))

    def sort_values(self, contact: Contact, query: ContactQuery) -> tuple[object, ...]:
        """The keyset position of `contact` in `query`'s order (for the next cursor)."""
        values: list[object] = []
        for key in query.sort:
            value = getattr(contact, str(key.target))
            values.append(value.lower() if key.ci and isinstance(value, str) else value)
        if not any(key.target == "id" for key in query.sort):
            values.append(contact.id)
        return tuple(values)

    async def _hydrate(self, rows: Sequence[Any], include: frozenset[str]) -> list[Contact]:
        if not rows:
            return []
        catalog = await self._catalog()
        if any(int(key) not in catalog for row in rows for key in row.custom or ()):
            catalog = await self._catalog(True)  # a field newer than the cached catalogue
        with_lists, with_tags = "lists" in include, "tags" in include
        with_inboxes = "inboxes" in include
        result = []
        for row in rows:
            stored = row.custom or {}
            custom = tuple(
                CustomValue(catalog[int(key)], value)
                for key, value in stored.items()
                if int(key) in catalog and catalog[int(key)].scope is FieldScope.CONTACT
            )
            result.append(
                Contact(
                    id=row.id,
                    account_id=row.account_id,
                    phone=row.phone,
                    phone_region=row.phone_region,
                    phone_type=row.phone_type,
                    phone_valid=row.phone_valid,
                    email=row.email,
                    name=row.name,
                    external_id=row.external_id,
                    company=row.company,
                    avatar_url=row.avatar_url,
                    city=row.city,
                    country_code=row.country_code,
                    region_code=row.region_code,
                    locale=row.locale,
                    notes=row.notes,
                    source=row.source,
                    referer=row.referer,
                    last_page=row.last_page,
                    created_from=row.created_from,
                    integration_id=row.integration_id,
                    device=row.device,
                    blocked=row.blocked,
                    unsubscribed=row.unsubscribed,
                    first_seen=row.first_seen,
                    last_seen=row.last_seen,
                    additional_attributes=row.additional_attributes or {},
                    custom=custom,
                    tags=parse_tags(row.rel_tags) if with_tags else (),
                    lists=tuple(map(self.ledger.seen, parse_lists(row.rel_lists)))
                    if with_lists
                    else (),
                    inboxes=parse_inboxes(row.id, row.rel_inboxes) if with_inboxes else (),
                    hlr_status=row.hlr_status,
                    hlr_last_check=row.hlr_last_check,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                    version=row.version,
                )
            )
        return result

    # --- writing ------------------------------------------------------------------------------
    #
    # Callers hold the lock of every existing contact they change (`get(lock=True)`, `lock`),
    # and of the phone buckets of phones they give (storage.locks): what is read here for the
    # counters is then what the statements change.

    async def insert(
        self, values: Mapping[str, object], custom: Mapping[str, object], now: datetime
    ) -> int:
        """Store a new contact; return its id.

        Raises: DuplicateContact (a concurrent writer took a unique value).
        """
        contact_id = await next_id(self.conn, "contacts")
        row = {name: values[name] for name in WRITABLE if name in values}
        row.update(
            account_id=self.account_id,
            id=contact_id,
            custom=dict(custom),
            additional_attributes=dict(values.get("additional_attributes") or {}),  # type: ignore[call-overload]
            created_at=now,
            updated_at=now,
            version=1,
        )
        try:
            await self.conn.execute(insert(contacts).values(row))
        except IntegrityError as exc:
            raise self._translate(exc) from exc
        self.counters.contacts_moved([Identity.of(row)], +1)
        return contact_id

    async def update(
        self,
        current: Contact,
        values: Mapping[str, object],
        custom: Mapping[str, object] | None,
        now: datetime,
        expected_version: int | None = None,
    ) -> int | None:
        """Write the columns of `current` (read locked) whose value `values` changes, and its
        custom values when given and different; return the new version, or None when nothing
        differs (then nothing is written: version, `updated_at` and ETag stay).

        Raises: PreconditionFailed (version moved), DuplicateContact.
        """
        changes: dict[str, object] = {
            name: values[name]
            for name in WRITABLE
            if name in values and values[name] != _stored(current, name)
        }
        if custom is not None and dict(custom) != _stored_custom(current):
            changes["custom"] = dict(custom)
        if not changes:
            return None
        where = [contacts.c.account_id == self.account_id, contacts.c.id == current.id]
        if expected_version is not None:
            where.append(contacts.c.version == expected_version)
        try:
            result = await self.conn.execute(
                update(contacts)
                .where(*where)
                .values({**changes, "updated_at": now, "version": contacts.c.version + 1})
                .returning(
                    contacts.c.version, contacts.c.phone, contacts.c.email, contacts.c.external_id
                )
            )
        except IntegrityError as exc:
            raise self._translate(exc) from exc
        written = result.first()
        if written is None:
            raise PreconditionFailed(current.version)
        self.counters.identity_changed(Identity.of(current), Identity.of(written))
        await self.counters.phone_changed(current.id, current.phone, written.phone)
        return int(written.version)

    async def touch(self, contact_ids: Sequence[int], now: datetime) -> None:
        """Mark contacts changed (a relation moved), so their version and ETag move."""
        ids = sorted(set(contact_ids))
        for start in range(0, len(ids), _CHUNK):
            await self.conn.execute(
                update(contacts)
                .where(
                    contacts.c.account_id == self.account_id,
                    one_of(self.conn, contacts.c.id, ids[start : start + _CHUNK]),
                )
                .values(updated_at=now, version=contacts.c.version + 1)
            )

    async def delete_ids(self, contact_ids: Sequence[int]) -> int:
        """Delete the given contacts of this account; return how many went."""
        ids = sorted(set(contact_ids))
        total = 0
        for start in range(0, len(ids), _CHUNK):
            total += await self._delete_chunk(ids[start : start + _CHUNK])
        return total

    async def ids_of(self, selected: Select[Any]) -> list[int]:
        """The ids of this account's contacts that `selected` (a select of ids) names."""
        rows = await self.conn.execute(
            select(contacts.c.id).where(
                contacts.c.account_id == self.account_id, contacts.c.id.in_(selected)
            )
        )
        return [row[0] for row in rows]

    async def _delete_chunk(self, ids: Sequence[int]) -> int:
        """Lock, then delete: the memberships first (their RETURNING moves the lists), then
        the contacts (theirs moves the account)."""
        counted = stop_counted(contacts.c.account_id, contacts.c.phone).label("stopped")
        locked = {
            row.id: row
            for row in await self.conn.execute(
                select(
                    contacts.c.id,
                    contacts.c.phone,
                    contacts.c.email,
                    contacts.c.external_id,
                    counted,
                )
                .where(
                    contacts.c.account_id == self.account_id, one_of(self.conn, contacts.c.id, ids)
                )
                .order_by(contacts.c.id)
                .with_for_update(of=contacts)
            )
        }
        if not locked:
            return 0
        mine = list(locked)
        left = await self.conn.execute(
            delete(list_members)
            .where(
                list_members.c.account_id == self.account_id,
                one_of(self.conn, list_members.c.contact_id, mine),
            )
            .returning(list_members.c.list_id, list_members.c.contact_id)
        )
        phoned = {cid for cid, row in locked.items() if row.phone is not None}
        stopped = {cid for cid, row in locked.items() if row.stopped}
        self.counters.memberships_of(left, -1, phoned, stopped)
        gone = await self.conn.execute(
            delete(contacts)
            .where(contacts.c.account_id == self.account_id, one_of(self.conn, contacts.c.id, mine))
            .returning(contacts.c.id)
        )
        went = [Identity.of(locked[contact_id]) for (contact_id,) in gone]
        self.counters.contacts_moved(went, -1)
        return len(went)

    @staticmethod
    def _translate(exc: IntegrityError) -> Exception:
        for name, markers in _UNIQUE_CONSTRAINTS.items():
            if any(marker in str(exc.orig) for marker in markers):
                return DuplicateContact([name])
        return exc


def _stored(contact: Contact, column: str) -> object:
    """What `contact` holds in `column`, in the form cleaned input takes."""
    value = getattr(contact, column)
    if column in ("device", "additional_attributes") and value is not None:
        return dict(value)
    return value


def _stored_custom(contact: Contact) -> dict[str, object]:
    return {str(item.field.id): item.value for item in contact.custom}


def _totals(value: Sequence[Any]) -> tuple[int, int, int]:
    return int(value[0]), int(value[1]), int(value[2])

"""The trash: deleted contacts kept whole (row, lists, tags, channel identities) until they
are restored or purged.

A trashed contact leaves `contacts` at once, so no live query, counter, unique index or export
can see it: its phone, email and external id are free for a new contact the moment it goes.
Filing and restoring are set-based (INSERT … SELECT between the live and the trash tables),
never a statement per contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.context import Origin, Source
from contactbook.domain.errors import ContactNotFound, DuplicateContact
from contactbook.domain.queries import IDENTIFIERS
from contactbook.storage.backend_sql import insert_ignore, one_of
from contactbook.storage.counters import Counters, Identity
from contactbook.storage.ledger import Ledger
from contactbook.storage.repositories.lists import ListRepository
from contactbook.storage.tables import (
    changes,
    contact_inboxes,
    contact_tags,
    contacts,
    inboxes,
    list_members,
    tags,
    trashed_contacts,
    trashed_relations,
)

_COLUMNS = [column.name for column in contacts.columns]
_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class TrashedContact:
    """A contact in the trash, as listed: who it was, when and by whom it went."""

    id: int
    name: str | None
    phone: str | None
    email: str | None
    external_id: str | None
    version: int
    deleted_at: datetime
    merged_into: int | None
    deleted_by: Origin | None
    change_id: int = 0  # its `deleted` record: which deletion filed it


class TrashRepository:
    """One account's trash."""

    def __init__(self, conn: AsyncConnection, account_id: int, ledger: Ledger) -> None:
        self.conn = conn
        self.account_id = account_id
        self.counters = Counters(conn, account_id, ledger)
        self._lists = ListRepository(conn, account_id, ledger)

    # --- filing -------------------------------------------------------------------------------

    async def file(
        self, contact_ids: Sequence[int], now: datetime, merged_into: int | None = None
    ) -> None:
        """Copy the contacts (locked for deletion by the caller) and their relations into the
        trash, pointing each at its newest `deleted` record. The caller then deletes them."""
        ids = sorted(set(contact_ids))
        for start in range(0, len(ids), _CHUNK):
            await self._file_chunk(ids[start : start + _CHUNK], now, merged_into)

    async def _file_chunk(self, ids: list[int], now: datetime, merged_into: int | None) -> None:
        mine = one_of(self.conn, contacts.c.id, ids)
        live = and_(contacts.c.account_id == self.account_id, mine)
        # A contact restored and deleted again replaces its earlier trash row.
        await self.conn.execute(
            delete(trashed_contacts).where(
                trashed_contacts.c.account_id == self.account_id,
                one_of(self.conn, trashed_contacts.c.id, ids),
            )
        )
        await self.conn.execute(
            insert(trashed_contacts).from_select(
                [*_COLUMNS, "deleted_at", "change_id", "merged_into"],
                select(
                    *[contacts.c[name] for name in _COLUMNS],
                    literal(now, trashed_contacts.c.deleted_at.type),
                    literal(0),
                    literal(merged_into, trashed_contacts.c.merged_into.type),
                ).where(live),
            )
        )
        newest = (
            select(func.max(changes.c.id))
            .where(
                changes.c.account_id == trashed_contacts.c.account_id,
                changes.c.contact_id == trashed_contacts.c.id,
                changes.c.action == "deleted",
            )
            .scalar_subquery()
        )
        await self.conn.execute(
            update(trashed_contacts)
            .where(
                trashed_contacts.c.account_id == self.account_id,
                one_of(self.conn, trashed_contacts.c.id, ids),
            )
            .values(change_id=func.coalesce(newest, 0))
        )
        relation_columns = ["account_id", "contact_id", "kind", "ref_id", "item_id", "position",
                            "source_id", "hmac_verified", "created_at"]  # fmt: skip
        await self.conn.execute(
            insert(trashed_relations).from_select(
                relation_columns,
                select(
                    list_members.c.account_id, list_members.c.contact_id, literal("list"),
                    list_members.c.list_id, literal(0), literal(0), literal(None),
                    literal(None), literal(None),
                ).where(
                    list_members.c.account_id == self.account_id,
                    one_of(self.conn, list_members.c.contact_id, ids),
                ),
            )
        )  # fmt: skip
        await self.conn.execute(
            insert(trashed_relations).from_select(
                relation_columns,
                select(
                    contact_tags.c.account_id, contact_tags.c.contact_id, literal("tag"),
                    contact_tags.c.tag_id, literal(0), contact_tags.c.position, literal(None),
                    literal(None), literal(None),
                ).where(
                    contact_tags.c.account_id == self.account_id,
                    one_of(self.conn, contact_tags.c.contact_id, ids),
                ),
            )
        )  # fmt: skip
        await self.conn.execute(
            insert(trashed_relations).from_select(
                relation_columns,
                select(
                    contact_inboxes.c.account_id, contact_inboxes.c.contact_id, literal("inbox"),
                    contact_inboxes.c.inbox_id, contact_inboxes.c.id, literal(0),
                    contact_inboxes.c.source_id, contact_inboxes.c.hmac_verified,
                    contact_inboxes.c.created_at,
                ).where(
                    contact_inboxes.c.account_id == self.account_id,
                    one_of(self.conn, contact_inboxes.c.contact_id, ids),
                ),
            )
        )  # fmt: skip

    # --- reading ------------------------------------------------------------------------------

    async def page(
        self, *, after: tuple[datetime, int] | None = None, limit: int = 50
    ) -> list[TrashedContact]:
        """Trashed contacts, newest deletion first; `after` the (deleted_at, id) of the last
        one of the previous page."""
        t = trashed_contacts
        query = (
            select(t, changes.c.source.label("by_source"), changes.c.actor_type,
                   changes.c.actor_id, changes.c.request_id)
            .select_from(
                t.outerjoin(
                    changes,
                    and_(changes.c.account_id == t.c.account_id, changes.c.id == t.c.change_id),
                )
            )
            .where(t.c.account_id == self.account_id)
            .order_by(t.c.deleted_at.desc(), t.c.id.desc())
            .limit(limit)
        )  # fmt: skip
        if after is not None:
            at, last_id = after
            query = query.where(
                or_(t.c.deleted_at < at, and_(t.c.deleted_at == at, t.c.id < last_id))
            )
        return [_trashed(row) for row in await self.conn.execute(query)]

    async def get(self, contact_id: int, *, lock: bool = False) -> TrashedContact:
        """Raises: ContactNotFound (not in this account's trash)."""
        t = trashed_contacts
        query = select(t, literal(None).label("by_source")).where(
            t.c.account_id == self.account_id, t.c.id == contact_id
        )
        if lock:
            query = query.with_for_update(of=t)
        row = (await self.conn.execute(query)).first()
        if row is None:
            raise ContactNotFound(contact_id)
        return _trashed(row)

    async def contains(self, contact_ids: Sequence[int]) -> set[int]:
        """Which of `contact_ids` are in this account's trash."""
        ids = sorted(set(contact_ids))
        found: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            rows = await self.conn.execute(
                select(trashed_contacts.c.id).where(
                    trashed_contacts.c.account_id == self.account_id,
                    one_of(self.conn, trashed_contacts.c.id, ids[start : start + _CHUNK]),
                )
            )
            found |= {row[0] for row in rows}
        return found

    # --- restoring ----------------------------------------------------------------------------

    async def conflicts(self, contact_id: int) -> dict[str, int]:
        """The identifiers of a trashed contact that a live contact now holds, with the id of
        the contact holding each."""
        trashed = await self.get(contact_id)
        taken: dict[str, int] = {}
        for name in IDENTIFIERS:
            value = getattr(trashed, name)
            if value is None:
                continue
            held = (
                await self.conn.execute(
                    select(contacts.c.id).where(
                        contacts.c.account_id == self.account_id, contacts.c[name] == value
                    )
                )
            ).first()
            if held is not None:
                taken[name] = int(held[0])
        return taken

    async def restore(self, contact_id: int, now: datetime) -> int:
        """Put a trashed contact (locked by the caller) back with the same id and its relations
        that still can be (lists and tags that exist, identities nobody else took), every
        counter moved; return its new version. The trash row goes.

        Raises: ContactNotFound, DuplicateContact (a live contact took one of its identifiers
        meanwhile: each such identifier is named, and nothing is changed).
        """
        row = await self._insert_live(contact_id, now)
        if row is None:
            raise ContactNotFound(contact_id)
        self.counters.contacts_moved([Identity.of(row)], +1)
        r = trashed_relations
        of_contact = and_(r.c.account_id == self.account_id, r.c.contact_id == contact_id)
        kept = await self.conn.execute(select(r.c.kind, r.c.ref_id).where(of_contact))
        refs: dict[str, list[int]] = {"list": [], "tag": []}
        for kind, ref_id in kept:
            refs.setdefault(kind, []).append(ref_id)
        if refs["list"]:
            existing = await self._lists.existing_ids(refs["list"], hold=True)
            await self._lists.add_members(sorted(existing), [contact_id])
        if refs["tag"]:
            # Held like the lists: a tag deleted meanwhile is skipped, never a foreign key
            # violation at the insert.
            await self._hold(tags, refs["tag"])
            await self.conn.execute(
                insert_ignore(self.conn, contact_tags, ["account_id", "contact_id", "tag_id"])
                .from_select(
                    ["account_id", "contact_id", "tag_id", "position"],
                    select(r.c.account_id, r.c.contact_id, r.c.ref_id, r.c.position)
                    .select_from(r.join(tags, and_(tags.c.account_id == r.c.account_id,
                                                   tags.c.id == r.c.ref_id)))
                    .where(of_contact, r.c.kind == "tag"),
                )
            )  # fmt: skip
        # An identity another contact holds stays with it: NOT EXISTS skips one it holds
        # already (on SQLite too, where the conflict clause covers only its own constraint),
        # the conflict clause one that is being taken right now, which NOT EXISTS cannot see.
        claimed = select(literal(1)).where(
            contact_inboxes.c.account_id == r.c.account_id,
            contact_inboxes.c.inbox_id == r.c.ref_id,
            contact_inboxes.c.source_id == r.c.source_id,
        )
        await self.conn.execute(
            insert_ignore(self.conn, contact_inboxes, ["account_id", "inbox_id", "source_id"])
            .from_select(
                ["account_id", "id", "contact_id", "inbox_id", "source_id", "hmac_verified",
                 "created_at"],
                select(r.c.account_id, r.c.item_id, r.c.contact_id, r.c.ref_id, r.c.source_id,
                       func.coalesce(r.c.hmac_verified, False), r.c.created_at)
                .select_from(r.join(inboxes, and_(inboxes.c.account_id == r.c.account_id,
                                                  inboxes.c.id == r.c.ref_id)))
                .where(of_contact, r.c.kind == "inbox", ~claimed.exists()),
            )
        )  # fmt: skip
        await self.conn.execute(
            delete(trashed_contacts).where(
                trashed_contacts.c.account_id == self.account_id,
                trashed_contacts.c.id == contact_id,
            )
        )
        return int(row.version)

    async def _insert_live(self, contact_id: int, now: datetime) -> Any:
        """Copy the trash row back into `contacts`; the inserted identifiers and version, or
        None when there is no such trash row.

        Raises: DuplicateContact. A unique violation (a contact that took the same phone,
        email or external id committed while this insert waited for it) aborts a PostgreSQL
        transaction, so the insert runs in a savepoint: rolled back to it, the unit can still
        read which identifiers are taken and say so, and the caller's rollback changes nothing.
        """
        t = trashed_contacts
        kept = [name for name in _COLUMNS if name not in ("updated_at", "version")]
        statement = (
            insert(contacts)
            .from_select(
                [*kept, "updated_at", "version"],
                select(*[t.c[name] for name in kept], literal(now, contacts.c.updated_at.type),
                       t.c.version + 1)
                .where(t.c.account_id == self.account_id, t.c.id == contact_id),
            )
            .returning(contacts.c.version, *[contacts.c[n] for n in IDENTIFIERS])
        )  # fmt: skip
        try:
            async with self.conn.begin_nested():
                return (await self.conn.execute(statement)).first()
        except IntegrityError as exc:
            taken = await self.conflicts(contact_id)
            if not taken:  # not an identifier: a fault, not a conflict
                raise
            first = next(iter(taken))
            raise DuplicateContact(list(taken), existing_id=taken[first]) from exc

    async def _hold(self, table: Any, ids: Sequence[int]) -> None:
        """Key-share lock rows of `table` (lists, tags) so they cannot be deleted until this
        transaction ends; counter updates do not wait for it."""
        await self.conn.execute(
            select(table.c.id)
            .where(table.c.account_id == self.account_id, one_of(self.conn, table.c.id, ids))
            .order_by(table.c.id)
            .with_for_update(read=True, key_share=True)
        )

    # --- removing for good --------------------------------------------------------------------

    async def remove(self, contact_ids: Sequence[int]) -> int:
        """Drop contacts from the trash for good (an erase); return how many were there."""
        ids = sorted(set(contact_ids))
        gone = 0
        for start in range(0, len(ids), _CHUNK):
            result = await self.conn.execute(
                delete(trashed_contacts).where(
                    trashed_contacts.c.account_id == self.account_id,
                    one_of(self.conn, trashed_contacts.c.id, ids[start : start + _CHUNK]),
                )
            )
            gone += result.rowcount or 0
        return gone


async def purge_expired(conn: AsyncConnection, before: datetime, batch: int = 500) -> int:
    """Remove up to `batch` contacts of any account deleted before `before`; return how many.

    Only trash rows are touched, so no live contact is locked; rows another purger holds are
    skipped rather than waited for.
    """
    t = trashed_contacts
    doomed = select(t.c.account_id, t.c.id).where(t.c.deleted_at < before).limit(batch)
    if conn.dialect.name == "postgresql":
        doomed = doomed.with_for_update(skip_locked=True)
    rows = (await conn.execute(doomed)).all()
    if not rows:
        return 0
    by_account: dict[int, list[int]] = {}
    for account_id, contact_id in rows:
        by_account.setdefault(account_id, []).append(contact_id)
    for account_id, ids in sorted(by_account.items()):
        await conn.execute(
            delete(t).where(t.c.account_id == account_id, one_of(conn, t.c.id, sorted(ids)))
        )
    return len(rows)


def _trashed(row: Any) -> TrashedContact:
    by = None
    if getattr(row, "by_source", None) is not None:
        by = Origin(
            source=Source(row.by_source),
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            request_id=row.request_id,
        )
    return TrashedContact(
        id=row.id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        external_id=row.external_id,
        version=row.version,
        deleted_at=row.deleted_at,
        merged_into=row.merged_into,
        deleted_by=by,
        change_id=row.change_id,
    )

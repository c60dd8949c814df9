"""Lists, their members, and the three counters every list keeps.

`items` is the number of members; `stop_list_count` the number of members whose phone is on the
stop list for a counted channel (SMS or Viber); `items_with_phone` the number of members with a
phone (the total of a group's contacts as phone-only APIs list them). All three move by what
the statements that move membership, phones or stop entries report they changed, through
`storage.counters` (recorded in the unit's ledger and applied at commit), never by counting on
read and never by what was read before a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.errors import DuplicateList, ListNotFound
from contactbook.domain.lists import ContactList
from contactbook.domain.queries import Condition, Op
from contactbook.storage.backend_sql import insert_ignore, one_of
from contactbook.storage.counters import Counters
from contactbook.storage.ids import next_id
from contactbook.storage.ledger import Ledger
from contactbook.storage.repositories._errors import violated
from contactbook.storage.tables import contacts, list_members, lists

# Three bound parameters a new membership; SQLite allows 32766 parameters a statement.
_PAIRS_PER_STATEMENT = 5000

_LIST_COLUMNS = (
    lists.c.id,
    lists.c.name,
    lists.c.description,
    lists.c.is_default,
    lists.c.created_at,
    lists.c["items"],
    lists.c.stop_list_count,
)


def to_list(row: Any) -> ContactList:
    return ContactList(
        id=row.id,
        name=row.name,
        description=row.description,
        is_default=row.is_default,
        created_at=row.created_at,
        items=int(row.items),
        stop_list_count=int(row.stop_list_count),
    )


class ListRepository:
    """The account's lists and memberships."""

    def __init__(self, conn: AsyncConnection, account_id: int, ledger: Ledger) -> None:
        self.conn = conn
        self.account_id = account_id
        self.ledger = ledger
        self.counters = Counters(conn, account_id, ledger)

    # --- lists --------------------------------------------------------------------------------

    async def page(
        self,
        offset: int,
        limit: int,
        where: Sequence[Condition] = (),
        sort: str = "id",
        descending: bool = False,
    ) -> tuple[list[ContactList], int]:
        """A page of lists matching every condition, and the number of matches."""
        conditions = [lists.c.account_id == self.account_id, *map(self._condition, where)]
        total = (
            await self.conn.execute(select(func.count()).select_from(lists).where(*conditions))
        ).scalar_one()
        column = {
            "id": lists.c.id,
            "name": lists.c.name_folded,
            "description": lists.c.description,
            "created_at": lists.c.created_at,
            "items": lists.c["items"],
        }[sort]
        order = [column.desc() if descending else column.asc()]
        if sort != "id":
            order.append(lists.c.id.desc() if descending else lists.c.id.asc())
        rows = await self.conn.execute(
            select(*_LIST_COLUMNS).where(*conditions).order_by(*order).offset(offset).limit(limit)
        )
        return [self.ledger.seen(to_list(row)) for row in rows], int(total)

    def _condition(self, condition: Condition) -> ColumnElement[bool]:
        target, op, value = condition.target, condition.op, condition.value
        if target == "phone":
            return exists().where(
                list_members.c.account_id == self.account_id,
                list_members.c.list_id == lists.c.id,
                contacts.c.account_id == list_members.c.account_id,
                contacts.c.id == list_members.c.contact_id,
                contacts.c.phone.contains(str(value), autoescape=True)
                if op is Op.CONTAINS
                else contacts.c.phone == value,
            )
        column: Any = {
            "id": lists.c.id,
            "name": lists.c.name,
            "description": lists.c.description,
            "created_at": lists.c.created_at,
            "items": lists.c["items"],
            "is_default": lists.c.is_default,
        }[str(target)]
        if op is Op.CONTAINS:
            return func.lower(column).contains(str(value).lower(), autoescape=True)
        return _compare(column, op, value)

    async def get(self, list_id: int) -> ContactList:
        """Raises: ListNotFound."""
        row = (
            await self.conn.execute(
                select(*_LIST_COLUMNS).where(
                    lists.c.account_id == self.account_id, lists.c.id == list_id
                )
            )
        ).first()
        if row is None:
            raise ListNotFound(list_id)
        return self.ledger.seen(to_list(row))

    async def existing_ids(self, list_ids: Iterable[int], *, hold: bool = False) -> set[int]:
        """Which of `list_ids` exist; with `hold`, they cannot be deleted until this
        transaction ends (a key share lock, which counter updates do not wait for)."""
        ids = sorted(set(list_ids))
        if not ids:
            return set()
        statement = select(lists.c.id).where(
            lists.c.account_id == self.account_id, lists.c.id.in_(ids)
        )
        if hold:
            statement = statement.order_by(lists.c.id).with_for_update(read=True, key_share=True)
        return {row[0] for row in await self.conn.execute(statement)}

    async def add(
        self, name: str, description: str | None, is_default: bool, now: datetime
    ) -> ContactList:
        """Raises: DuplicateList."""
        list_id = await next_id(self.conn, "lists")
        try:
            await self.conn.execute(
                insert(lists).values(
                    account_id=self.account_id,
                    id=list_id,
                    name=name,
                    name_folded=name.casefold(),
                    description=description,
                    is_default=is_default,
                    created_at=now,
                    updated_at=now,
                )
            )
        except IntegrityError as exc:
            raise self._translate(exc, name) from exc
        return ContactList(list_id, name, description, is_default, now)

    async def save(self, item: ContactList, now: datetime) -> ContactList:
        """Raises: ListNotFound, DuplicateList."""
        try:
            result = await self.conn.execute(
                update(lists)
                .where(lists.c.account_id == self.account_id, lists.c.id == item.id)
                .values(
                    name=item.name,
                    name_folded=item.name.casefold(),
                    description=item.description,
                    is_default=item.is_default,
                    updated_at=now,
                )
            )
        except IntegrityError as exc:
            raise self._translate(exc, item.name) from exc
        if not result.rowcount:
            raise ListNotFound(item.id)
        return await self.get(item.id)

    async def clear_default(self, except_id: int | None = None) -> None:
        """Only one list is the default: the others lose the flag. The rows involved (and the
        one about to become the default) are locked in id order first, the lock order."""
        involved = (
            lists.c.is_default
            if except_id is None
            else lists.c.is_default | (lists.c.id == except_id)
        )
        await self.conn.execute(
            select(lists.c.id)
            .where(lists.c.account_id == self.account_id, involved)
            .order_by(lists.c.id)
            .with_for_update(key_share=True)
        )
        where = [lists.c.account_id == self.account_id, lists.c.is_default]
        if except_id is not None:
            where.append(lists.c.id != except_id)
        await self.conn.execute(update(lists).where(*where).values(is_default=False))

    async def find_or_add(self, name: str, now: datetime) -> int:
        """The id of the list named `name` (case-insensitively), adding it if there is none;
        concurrent writers adding the same name get the same list."""
        folded = name.casefold()
        list_id = await next_id(self.conn, "lists")
        await self.conn.execute(
            insert_ignore(self.conn, lists, ["account_id", "name_folded"]).values(
                account_id=self.account_id, id=list_id, name=name, name_folded=folded,
                description=None, is_default=False, created_at=now, updated_at=now,
            )
        )  # fmt: skip
        found = await self.conn.execute(
            select(lists.c.id).where(
                lists.c.account_id == self.account_id, lists.c.name_folded == folded
            )
        )
        return int(found.scalar_one())

    async def lock(self, list_id: int) -> None:
        """Lock the list row for a change of the list itself (step 4 of the lock order): it
        waits for writers holding the list to add members, and keeps new ones out.

        Raises: ListNotFound.
        """
        held = await self.conn.execute(
            select(lists.c.id)
            .where(lists.c.account_id == self.account_id, lists.c.id == list_id)
            .with_for_update()
        )
        if held.first() is None:
            raise ListNotFound(list_id)

    async def delete(self, list_id: int) -> list[int]:
        """Delete a list (its contacts stay); return the ids of its former members.

        The caller has locked the members it knew of; the list row is locked next, so no
        membership can be added meanwhile, and the memberships are deleted by a statement that
        names every one (late members included).

        Raises: ListNotFound.
        """
        await self.lock(list_id)
        members = await self.conn.execute(
            delete(list_members)
            .where(list_members.c.account_id == self.account_id, list_members.c.list_id == list_id)
            .returning(list_members.c.contact_id)
        )
        former = sorted(row[0] for row in members)
        await self.conn.execute(
            delete(lists).where(lists.c.account_id == self.account_id, lists.c.id == list_id)
        )
        self.ledger.lists.pop(list_id, None)  # nothing left to count
        return former

    @staticmethod
    def _translate(exc: IntegrityError, name: str) -> Exception:
        if violated(exc, "uq_lists_account_id_name_folded", "lists.name_folded"):
            return DuplicateList(f"A list named {name!r} already exists.", name=name)
        return exc

    # --- membership ---------------------------------------------------------------------------

    async def member_ids(self, list_ids: Sequence[int]) -> list[int]:
        rows = await self.conn.execute(
            select(list_members.c.contact_id)
            .where(
                list_members.c.account_id == self.account_id,
                list_members.c.list_id.in_(list(list_ids)),
            )
            .distinct()
        )
        return [row[0] for row in rows]

    async def for_contacts(self, contact_ids: Sequence[int]) -> dict[int, list[ContactList]]:
        """Each contact's lists, by list id."""
        if not contact_ids:
            return {}
        rows = await self.conn.execute(
            select(list_members.c.contact_id, *_LIST_COLUMNS)
            .select_from(
                list_members.join(
                    lists,
                    (lists.c.account_id == list_members.c.account_id)
                    & (lists.c.id == list_members.c.list_id),
                )
            )
            .where(
                list_members.c.account_id == self.account_id,
                list_members.c.contact_id.in_(contact_ids),
            )
            .order_by(list_members.c.contact_id, lists.c.id)
        )
        result: dict[int, list[ContactList]] = {}
        for row in rows:
            result.setdefault(row.contact_id, []).append(self.ledger.seen(to_list(row)))
        return result

    async def add_members(
        self, list_ids: Sequence[int], contact_ids: Sequence[int]
    ) -> list[tuple[int, int]]:
        """Put every contact (locked by the caller) in every list (idempotent); return the
        (list, contact) pairs that were new."""
        return await self.add_members_by_list(dict.fromkeys(set(list_ids), contact_ids))

    async def add_members_by_list(
        self, members: Mapping[int, Iterable[int]]
    ) -> list[tuple[int, int]]:
        """Put contacts (locked by the caller, or new in this transaction) in lists (list id →
        contact ids); return the (list, contact) pairs that were new."""
        wanted = sorted({(lid, cid) for lid, cids in members.items() for cid in cids})
        added: list[tuple[int, int]] = []
        for start in range(0, len(wanted), _PAIRS_PER_STATEMENT):
            added += await self._insert_pairs(wanted[start : start + _PAIRS_PER_STATEMENT])
        await self.counters.memberships_moved(added, +1)
        return added

    async def _insert_pairs(self, pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Insert (list, contact) memberships that are missing; return those inserted."""
        if not pairs:
            return []
        if self.conn.dialect.name == "postgresql":
            rows = await self.conn.execute(
                text(_PG_ADD_MEMBERS),
                {
                    "account_id": self.account_id,
                    "lists": [lid for lid, _ in pairs],
                    "contacts": [cid for _, cid in pairs],
                },
            )
        else:
            # Many parameter sets, one cached statement (a multi-row VALUES would be compiled
            # anew for every batch size); the rows a conflict skipped are not returned.
            rows = await self.conn.execute(
                insert_ignore(self.conn, list_members, ["account_id", "list_id", "contact_id"])
                .returning(list_members.c.list_id, list_members.c.contact_id),
                [{"account_id": self.account_id, "list_id": lid, "contact_id": cid}
                 for lid, cid in pairs],
            )  # fmt: skip
        return [(row[0], row[1]) for row in rows]

    async def remove_members(
        self, list_ids: Sequence[int], contact_ids: Sequence[int]
    ) -> list[tuple[int, int]]:
        """Take every contact (locked by the caller) out of every list; return the (list,
        contact) pairs that were removed."""
        lids, cids = sorted(set(list_ids)), sorted(set(contact_ids))
        if not lids or not cids:
            return []
        gone: list[tuple[int, int]] = []
        for start in range(0, len(cids), _PAIRS_PER_STATEMENT):
            rows = await self.conn.execute(
                delete(list_members)
                .where(
                    list_members.c.account_id == self.account_id,
                    one_of(self.conn, list_members.c.list_id, lids),
                    one_of(
                        self.conn,
                        list_members.c.contact_id,
                        cids[start : start + _PAIRS_PER_STATEMENT],
                    ),
                )
                .returning(list_members.c.list_id, list_members.c.contact_id)
            )
            gone += [(row[0], row[1]) for row in rows]
        await self.counters.memberships_moved(gone, -1)
        return gone

    async def replace_for_contact(self, contact_id: int, list_ids: Sequence[int]) -> bool:
        """Make the contact (locked by the caller) a member of exactly `list_ids`; True if
        anything changed."""
        current = {
            row[0]
            for row in await self.conn.execute(
                select(list_members.c.list_id).where(
                    list_members.c.account_id == self.account_id,
                    list_members.c.contact_id == contact_id,
                )
            )
        }
        target = set(list_ids)
        leave, join = sorted(current - target), sorted(target - current)
        changed = False
        if leave:
            changed |= bool(await self.remove_members(leave, [contact_id]))
        if join:
            changed |= bool(await self.add_members(join, [contact_id]))
        return changed

    async def members_with_phone(self, list_id: int) -> int:
        """How many of the list's members have a phone (a maintained counter); a list that
        does not exist has none."""
        row = await self.conn.execute(
            select(lists.c.items_with_phone).where(
                lists.c.account_id == self.account_id, lists.c.id == list_id
            )
        )
        return self.ledger.seen_with_phone(list_id, int(row.scalar_one_or_none() or 0))


_PG_ADD_MEMBERS = """
INSERT INTO list_members (account_id, list_id, contact_id)
SELECT :account_id, l, c
FROM unnest(CAST(:lists AS bigint[]), CAST(:contacts AS bigint[])) AS x(l, c)
ON CONFLICT DO NOTHING
RETURNING list_id, contact_id
"""


def _compare(column: Any, op: Op, value: object) -> ColumnElement[bool]:
    if op is Op.EQ:
        return column == value  # type: ignore[no-any-return]
    if op is Op.NE:
        return column != value  # type: ignore[no-any-return]
    if op is Op.GT:
        return column > value  # type: ignore[no-any-return]
    if op is Op.GTE:
        return column >= value  # type: ignore[no-any-return]
    if op is Op.LT:
        return column < value  # type: ignore[no-any-return]
    if op is Op.LTE:
        return column <= value  # type: ignore[no-any-return]
    raise ValueError(f"operator {op} is not supported on lists")

"""Lists, their members, and the two counters every list keeps.

`items` is the number of members; `stop_list_count` the number of members whose phone is on the
stop list for SMS or Viber; `items_with_phone` the number of members with a phone (the total of a
group's contacts as phone-only APIs list them). All three move here, in the statement batch that
moves membership, phones or stop entries, never by counting on read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.errors import DuplicateList, ListNotFound
from contactbook.domain.lists import ContactList
from contactbook.domain.queries import Condition, Op
from contactbook.storage.dialect import one_of
from contactbook.storage.ids import next_id
from contactbook.storage.repositories._errors import violated
from contactbook.storage.tables import contacts, list_members, lists, stoplist

# Two bound parameters a pair; SQLite allows 32766 parameters a statement.
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


def stop_counted(account_col: Any, phone_col: Any) -> ColumnElement[bool]:
    """EXISTS a stop entry for the phone on a counted channel (SMS or Viber)."""
    return exists().where(
        stoplist.c.account_id == account_col,
        stoplist.c.phone == phone_col,
        or_(stoplist.c.sms, stoplist.c.viber),
    )


class ListRepository:
    """The account's lists and memberships."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

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
        return [to_list(row) for row in rows], int(total)

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
        return to_list(row)

    async def existing_ids(self, list_ids: Iterable[int]) -> set[int]:
        ids = sorted(set(list_ids))
        if not ids:
            return set()
        rows = await self.conn.execute(
            select(lists.c.id).where(lists.c.account_id == self.account_id, lists.c.id.in_(ids))
        )
        return {row[0] for row in rows}

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
        """Only one list is the default."""
        where = [lists.c.account_id == self.account_id, lists.c.is_default]
        if except_id is not None:
            where.append(lists.c.id != except_id)
        await self.conn.execute(update(lists).where(*where).values(is_default=False))

    async def delete(self, list_id: int) -> list[int]:
        """Delete a list (its contacts stay); return the ids of its former members.

        Raises: ListNotFound.
        """
        members = await self.member_ids([list_id])
        result = await self.conn.execute(
            delete(lists).where(lists.c.account_id == self.account_id, lists.c.id == list_id)
        )
        if not result.rowcount:
            raise ListNotFound(list_id)
        return members

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
            result.setdefault(row.contact_id, []).append(to_list(row))
        return result

    async def add_members(self, list_ids: Sequence[int], contact_ids: Sequence[int]) -> int:
        """Put every contact in every list (idempotent); return how many pairs were new."""
        wanted = {(lid, cid) for lid in set(list_ids) for cid in set(contact_ids)}
        if not wanted:
            return 0
        present = await self._existing_pairs(list_ids, contact_ids)
        new = sorted(wanted - present)
        if not new:
            return 0
        await self.conn.execute(
            insert(list_members),
            [
                {"account_id": self.account_id, "list_id": lid, "contact_id": cid}
                for lid, cid in new
            ],
        )
        await self._move_counters(new, +1)
        return len(new)

    async def remove_members(self, list_ids: Sequence[int], contact_ids: Sequence[int]) -> int:
        """Take every contact out of every list; return how many pairs were removed."""
        gone = sorted(await self._existing_pairs(list_ids, contact_ids))
        if not gone:
            return 0
        await self._move_counters(gone, -1)
        for start in range(0, len(gone), _PAIRS_PER_STATEMENT):
            await self.conn.execute(
                delete(list_members).where(
                    list_members.c.account_id == self.account_id,
                    tuple_(list_members.c.list_id, list_members.c.contact_id).in_(
                        gone[start : start + _PAIRS_PER_STATEMENT]
                    ),
                )
            )
        return len(gone)

    async def replace_for_contact(self, contact_id: int, list_ids: Sequence[int]) -> bool:
        """Make the contact a member of exactly `list_ids`; True if anything changed."""
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
        if leave:
            await self.remove_members(leave, [contact_id])
        if join:
            await self.add_members(join, [contact_id])
        return bool(leave or join)

    async def _existing_pairs(
        self, list_ids: Sequence[int], contact_ids: Sequence[int]
    ) -> set[tuple[int, int]]:
        rows = await self.conn.execute(
            select(list_members.c.list_id, list_members.c.contact_id).where(
                list_members.c.account_id == self.account_id,
                list_members.c.list_id.in_(sorted(set(list_ids))),
                list_members.c.contact_id.in_(sorted(set(contact_ids))),
            )
        )
        return {(row[0], row[1]) for row in rows}

    async def _move_counters(self, pairs: Sequence[tuple[int, int]], sign: int) -> None:
        phoned, stopped = await self.phone_flags(cid for _, cid in pairs)
        items: Counter[int] = Counter()
        with_phone: Counter[int] = Counter()
        stops: Counter[int] = Counter()
        for lid, cid in pairs:
            items[lid] += 1
            with_phone[lid] += cid in phoned
            stops[lid] += cid in stopped
        for lid, count in items.items():
            await self.conn.execute(
                update(lists)
                .where(lists.c.account_id == self.account_id, lists.c.id == lid)
                .values(
                    items=lists.c["items"] + sign * count,
                    items_with_phone=lists.c.items_with_phone + sign * with_phone[lid],
                    stop_list_count=lists.c.stop_list_count + sign * stops[lid],
                )
            )

    async def phone_flags(self, contact_ids: Iterable[int]) -> tuple[set[int], set[int]]:
        """Of `contact_ids`: those with a phone, and those whose phone is counted as stopped
        (on SMS or Viber)."""
        wanted = sorted(set(contact_ids))
        if not wanted:
            return set(), set()
        rows = await self.conn.execute(
            select(contacts.c.id, stop_counted(contacts.c.account_id, contacts.c.phone)).where(
                contacts.c.account_id == self.account_id,
                one_of(self.conn, contacts.c.id, wanted),
                contacts.c.phone.is_not(None),
            )
        )
        phoned, stopped = set(), set()
        for contact_id, is_stopped in rows:
            phoned.add(contact_id)
            if is_stopped:
                stopped.add(contact_id)
        return phoned, stopped

    async def members_with_phone(self, list_id: int) -> int:
        """How many of the list's members have a phone (a maintained counter); a list that
        does not exist has none."""
        row = await self.conn.execute(
            select(lists.c.items_with_phone).where(
                lists.c.account_id == self.account_id, lists.c.id == list_id
            )
        )
        return int(row.scalar_one_or_none() or 0)

    # --- counter upkeep for changes made elsewhere ---------------------------------------------

    async def shift_counts_of_contact(
        self, contact_id: int, *, with_phone: int = 0, stopped: int = 0
    ) -> None:
        """The contact gained or lost a phone (`with_phone` ±1), or its phone moved on or off
        the counted stop list (`stopped` ±1): every list holding it moves with it."""
        if with_phone == 0 and stopped == 0:
            return
        await self.conn.execute(
            update(lists)
            .where(
                lists.c.account_id == self.account_id,
                lists.c.id.in_(
                    select(list_members.c.list_id).where(
                        list_members.c.account_id == self.account_id,
                        list_members.c.contact_id == contact_id,
                    )
                ),
            )
            .values(
                items_with_phone=lists.c.items_with_phone + with_phone,
                stop_list_count=lists.c.stop_list_count + stopped,
            )
        )

    async def shift_stop_count_of_phones(self, phones: Sequence[str], delta: int) -> None:
        """Phones moved on (+1) or off (-1) the counted stop list: every list holding a
        contact with one of them moves by the number of such members."""
        if not phones or delta == 0:
            return
        per_list = (
            select(list_members.c.list_id, func.count().label("n"))
            .select_from(
                list_members.join(
                    contacts,
                    (contacts.c.account_id == list_members.c.account_id)
                    & (contacts.c.id == list_members.c.contact_id),
                )
            )
            .where(list_members.c.account_id == self.account_id, contacts.c.phone.in_(phones))
            .group_by(list_members.c.list_id)
            .subquery()
        )
        await self.conn.execute(
            update(lists)
            .where(lists.c.account_id == self.account_id, lists.c.id == per_list.c.list_id)
            .values(stop_list_count=lists.c.stop_list_count + delta * per_list.c.n)
        )

    async def release_contacts(self, doomed: Select[Any]) -> None:
        """Before contacts are deleted: take them off every list's counters.

        `doomed` selects the contact ids about to go.
        """
        counted = stop_counted(contacts.c.account_id, contacts.c.phone)
        per_list = (
            select(
                list_members.c.list_id,
                func.count().label("n"),
                func.count(contacts.c.phone).label("p"),
                func.sum(case((counted, 1), else_=0)).label("s"),
            )
            .select_from(
                list_members.join(
                    contacts,
                    and_(
                        contacts.c.account_id == list_members.c.account_id,
                        contacts.c.id == list_members.c.contact_id,
                    ),
                )
            )
            .where(
                list_members.c.account_id == self.account_id,
                list_members.c.contact_id.in_(doomed),
            )
            .group_by(list_members.c.list_id)
            .subquery()
        )
        await self.conn.execute(
            update(lists)
            .where(lists.c.account_id == self.account_id, lists.c.id == per_list.c.list_id)
            .values(
                items=lists.c["items"] - per_list.c.n,
                items_with_phone=lists.c.items_with_phone - per_list.c.p,
                stop_list_count=lists.c.stop_list_count - per_list.c.s,
            )
        )


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

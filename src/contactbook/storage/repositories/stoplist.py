"""The stop list; entries move the `stop_list_count` of every list holding their phone.

A change takes its phones' buckets exclusively, then locks the contacts holding those phones
(storage.locks), so the members it counts hold still and a contact getting one of the phones
waits: the count it moves is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.queries import Condition, Op
from contactbook.domain.stoplist import Channel, StopEntry
from contactbook.storage.backend_sql import one_of
from contactbook.storage.counters import STOP_FLAGS, Counters
from contactbook.storage.ids import next_ids
from contactbook.storage.ledger import Ledger
from contactbook.storage.locks import lock_phones
from contactbook.storage.tables import contacts, list_members, stoplist


def to_entry(row: Any) -> StopEntry:
    return StopEntry(
        id=row.id,
        phone=row.phone,
        channels=frozenset(channel for channel in Channel if getattr(row, channel.value)),
        created_at=row.created_at,
    )


class StopListRepository:
    """The account's stop list."""

    def __init__(self, conn: AsyncConnection, account_id: int, ledger: Ledger) -> None:
        self.conn = conn
        self.account_id = account_id
        self.counters = Counters(conn, account_id, ledger)

    async def page(
        self,
        offset: int,
        limit: int,
        channels: frozenset[Channel] = frozenset(),
        where: Sequence[Condition] = (),
        list_id: int | None = None,
        sort: str = "id",
        descending: bool = False,
    ) -> tuple[list[StopEntry], int]:
        """Entries on any of `channels` (all when empty) that meet every condition."""
        conditions: list[ColumnElement[bool]] = [stoplist.c.account_id == self.account_id]
        if channels:
            conditions.append(or_(*(STOP_FLAGS[channel] for channel in channels)))
        conditions.extend(self._condition(condition) for condition in where)
        if list_id is not None:
            conditions.append(
                exists().where(
                    contacts.c.account_id == self.account_id,
                    contacts.c.phone == stoplist.c.phone,
                    list_members.c.account_id == self.account_id,
                    list_members.c.list_id == list_id,
                    list_members.c.contact_id == contacts.c.id,
                )
            )
        total = (
            await self.conn.execute(select(func.count()).select_from(stoplist).where(*conditions))
        ).scalar_one()
        column = stoplist.c.phone if sort == "phone" else stoplist.c.id
        rows = await self.conn.execute(
            select(stoplist)
            .where(*conditions)
            .order_by(column.desc() if descending else column.asc(), stoplist.c.id)
            .offset(offset)
            .limit(limit)
        )
        return [to_entry(row) for row in rows], int(total)

    @staticmethod
    def _condition(condition: Condition) -> ColumnElement[bool]:
        target, op, value = condition.target, condition.op, condition.value
        if target == "channel":
            flag = STOP_FLAGS[Channel(str(value))]
            return flag if op is Op.EQ else ~flag
        column: Any = {"id": stoplist.c.id, "phone": stoplist.c.phone,
                       "created_at": stoplist.c.created_at}[str(target)]  # fmt: skip
        ops = {
            Op.EQ: column.__eq__,
            Op.NE: column.__ne__,
            Op.GT: column.__gt__,
            Op.GTE: column.__ge__,
            Op.LT: column.__lt__,
            Op.LTE: column.__le__,
        }
        if op is Op.CONTAINS:
            return column.contains(str(value), autoescape=True)  # type: ignore[no-any-return]
        return ops[op](value)  # type: ignore[no-any-return]

    async def by_phones(self, phones: Sequence[str]) -> dict[str, StopEntry]:
        if not phones:
            return {}
        rows = await self.conn.execute(
            select(stoplist).where(
                stoplist.c.account_id == self.account_id, stoplist.c.phone.in_(sorted(set(phones)))
            )
        )
        return {row.phone: to_entry(row) for row in rows}

    async def by_ids(self, entry_ids: Sequence[int]) -> list[StopEntry]:
        if not entry_ids:
            return []
        rows = await self.conn.execute(
            select(stoplist)
            .where(
                stoplist.c.account_id == self.account_id, stoplist.c.id.in_(sorted(set(entry_ids)))
            )
            .order_by(stoplist.c.id)
        )
        return [to_entry(row) for row in rows]

    async def add(
        self, phones: Sequence[str], channels: frozenset[Channel], now: datetime
    ) -> list[StopEntry]:
        """Stop each phone on `channels` (keeping channels already set); one entry per phone,
        in the order given."""
        ordered = list(dict.fromkeys(phones))
        await self._hold(ordered)
        before = await self.by_phones(ordered)
        missing = [phone for phone in ordered if phone not in before]
        ids = await next_ids(self.conn, "stoplist", len(missing))
        if missing:
            await self.conn.execute(
                insert(stoplist),
                [
                    {
                        "account_id": self.account_id,
                        "id": entry_id,
                        "phone": phone,
                        "created_at": now,
                        "updated_at": now,
                        **{c.value: c in channels for c in Channel},
                    }
                    for entry_id, phone in zip(ids, missing, strict=True)
                ],
            )
        grow = [
            phone for phone in ordered if phone in before and not channels <= before[phone].channels
        ]
        if grow:
            await self.conn.execute(
                update(stoplist)
                .where(stoplist.c.account_id == self.account_id, stoplist.c.phone.in_(grow))
                .values({**{c.value: True for c in channels}, "updated_at": now})
            )
        after = await self.by_phones(ordered)
        await self._recount(before, after)
        return [after[phone] for phone in ordered]

    async def remove_phones(
        self, phones: Sequence[str], channels: frozenset[Channel], now: datetime
    ) -> int:
        """Take `channels` off each phone's entry (an entry left with no channel is deleted);
        return how many of the phones had an entry."""
        ordered = sorted(set(phones))
        if not ordered or not channels:
            return 0
        await self._hold(ordered)
        before = await self.by_phones(ordered)
        await self._remove(before, channels, now)
        return len(before)

    async def remove_ids(
        self, entry_ids: Sequence[int], channels: frozenset[Channel], now: datetime
    ) -> int:
        """`remove_phones` for entries named by id; unknown ids are skipped."""
        if not entry_ids or not channels:
            return 0
        phones = [entry.phone for entry in await self.by_ids(entry_ids)]
        await self._hold(phones)
        # Read again under the locks: an entry may have gone meanwhile.
        held = {entry.phone: entry for entry in await self.by_ids(entry_ids)}
        await self._remove(held, channels, now)
        return len(held)

    async def _remove(
        self, before: dict[str, StopEntry], channels: frozenset[Channel], now: datetime
    ) -> None:
        if not before:
            return
        phones = sorted(before)
        await self.conn.execute(
            update(stoplist)
            .where(stoplist.c.account_id == self.account_id, stoplist.c.phone.in_(phones))
            .values({**{c.value: False for c in channels}, "updated_at": now})
        )
        await self.conn.execute(
            delete(stoplist).where(
                stoplist.c.account_id == self.account_id,
                stoplist.c.phone.in_(phones),
                and_(*(~flag for flag in STOP_FLAGS.values())),
            )
        )
        await self._recount(before, await self.by_phones(phones))

    async def _hold(self, phones: Sequence[str]) -> None:
        await self.hold(phones)

    async def hold(self, phones: Sequence[str]) -> list[int]:
        """Steps 1 and 2 of the lock order for a stop-list change: the phones' buckets
        (exclusive), then the contacts holding the phones; return those contacts' ids,
        ascending. Holding again in the same transaction changes nothing."""
        await lock_phones(self.conn, self.account_id, phones, exclusive=True)
        if not phones:
            return []
        statement = (
            select(contacts.c.id)
            .where(
                contacts.c.account_id == self.account_id,
                one_of(self.conn, contacts.c.phone, sorted(set(phones)), String()),
            )
            .order_by(contacts.c.id)
        )
        if self.conn.dialect.name == "postgresql":
            statement = statement.with_for_update(key_share=True)
        return [row[0] for row in await self.conn.execute(statement)]

    async def phones_of(self, entry_ids: Sequence[int]) -> list[str]:
        """The phones of the given entries (unknown ids skipped)."""
        return [entry.phone for entry in await self.by_ids(entry_ids)]

    async def _recount(self, before: dict[str, StopEntry], after: dict[str, StopEntry]) -> None:
        def counted(entries: dict[str, StopEntry], phone: str) -> bool:
            entry = entries.get(phone)
            return entry is not None and entry.counted

        phones = set(before) | set(after)
        on = sorted(p for p in phones if counted(after, p) and not counted(before, p))
        off = sorted(p for p in phones if counted(before, p) and not counted(after, p))
        await self.counters.phones_stopped(on, +1)
        await self.counters.phones_stopped(off, -1)

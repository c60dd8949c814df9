"""What a unit of work's writes moved, applied to the counters when the unit commits.

Repositories record deltas here as their statements report what they changed (rows inserted,
deleted, returned); nothing is counted from what was read earlier. At commit the unit applies
them in the one order every writer uses (see `storage.locks`): list rows by ascending id, then
the account's counter shard, last. Holding those rows only for the commit keeps writers of one
account from queueing behind each other for the length of their work, and the fixed order
keeps them from deadlocking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.lists import ContactList
from contactbook.storage.tables import account_counters, lists

# Shard rows per account. A writer adds to the shard of its connection (PostgreSQL backend
# pid), so at most this many rows are summed on read and two concurrent writers share a row
# one time in SHARDS. SQLite has one writer at a time: shard 0.
SHARDS = 16

_LIST_DELTAS = (
    update(lists)
    .where(lists.c.account_id == bindparam("d_account"), lists.c.id == bindparam("d_list"))
    .values(
        items=lists.c["items"] + bindparam("d_items"),
        items_with_phone=lists.c.items_with_phone + bindparam("d_phones"),
        stop_list_count=lists.c.stop_list_count + bindparam("d_stops"),
    )
)


@dataclass
class ListDelta:
    items: int = 0
    with_phone: int = 0
    stopped: int = 0

    def __bool__(self) -> bool:
        return bool(self.items or self.with_phone or self.stopped)


@dataclass
class Ledger:
    """Counter deltas of one unit of work."""

    total: int = 0
    with_phone: int = 0
    resolved: int = 0
    lists: defaultdict[int, ListDelta] = field(default_factory=lambda: defaultdict(ListDelta))

    def contacts(self, total: int = 0, with_phone: int = 0, resolved: int = 0) -> None:
        """Contacts came (+) or went (-), or gained or lost a phone or an identifier."""
        self.total += total
        self.with_phone += with_phone
        self.resolved += resolved

    def members(self, list_id: int, items: int = 0, with_phone: int = 0, stopped: int = 0) -> None:
        """A list gained or lost members, members with a phone, or stopped members."""
        delta = self.lists[list_id]
        delta.items += items
        delta.with_phone += with_phone
        delta.stopped += stopped

    def seen(self, item: ContactList) -> ContactList:
        """`item` as read in this unit, with the unit's own pending deltas: what it will be
        once the unit commits (so a write answers with the counters it moved)."""
        delta = self.lists.get(item.id)
        if not delta:
            return item
        return replace(
            item,
            items=item.items + delta.items,
            stop_list_count=item.stop_list_count + delta.stopped,
        )

    def seen_with_phone(self, list_id: int, stored: int) -> int:
        delta = self.lists.get(list_id)
        return stored + delta.with_phone if delta else stored

    async def apply(self, conn: AsyncConnection, account_id: int) -> None:
        """Write the deltas and move the account's data version; the unit's last statements."""
        moved = sorted((lid, d) for lid, d in self.lists.items() if d)
        if moved:
            await conn.execute(
                _LIST_DELTAS,
                [
                    {"d_account": account_id, "d_list": lid, "d_items": d.items,
                     "d_phones": d.with_phone, "d_stops": d.stopped}
                    for lid, d in moved
                ],
            )  # fmt: skip
        await conn.execute(_shard_upsert(conn.dialect.name), {
            "account_id": account_id, "total": self.total, "with_phone": self.with_phone,
            "resolved": self.resolved,
        })  # fmt: skip
        self.lists.clear()
        self.total = self.with_phone = self.resolved = 0


@cache
def _shard_upsert(dialect: str) -> Any:
    values = {
        "account_id": bindparam("account_id"),
        "contacts_total": bindparam("total"),
        "contacts_with_phone": bindparam("with_phone"),
        "contacts_resolved": bindparam("resolved"),
        "data_version": literal(1),
    }
    if dialect == "postgresql":
        statement = postgresql.insert(account_counters).values(
            shard=func.pg_backend_pid() % SHARDS, **values
        )
    else:
        statement = sqlite.insert(account_counters).values(shard=literal(0), **values)  # type: ignore[assignment]
    added = statement.excluded
    table = account_counters.c
    return statement.on_conflict_do_update(
        index_elements=["account_id", "shard"],
        set_={
            "contacts_total": table.contacts_total + added.contacts_total,
            "contacts_with_phone": table.contacts_with_phone + added.contacts_with_phone,
            "contacts_resolved": table.contacts_resolved + added.contacts_resolved,
            "data_version": table.data_version + 1,
        },
    )

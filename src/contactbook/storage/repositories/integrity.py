"""The account's invariants, recomputed from its rows, and their repair.

Each check is one statement, so what is stored and what is counted come from one snapshot:
the difference between them is the drift itself, whatever other writers are doing, and a
repair adds exactly that difference (as any writer adds its deltas), so it is safe to run
while the account is being written to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, func, literal, not_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.storage.counters import resolved, stop_counted
from contactbook.storage.tables import (
    account_counters,
    contact_tags,
    contacts,
    list_members,
    lists,
    stoplist,
    tags,
)

ACCOUNT_TOTALS = ("contacts_total", "contacts_with_phone", "contacts_resolved")
LIST_COUNTERS = ("items", "items_with_phone", "stop_list_count")


@dataclass(frozen=True, slots=True)
class Drift:
    """One counter whose stored value differs from the rows."""

    invariant: str
    stored: int
    actual: int
    list_id: int | None = None


class IntegrityRepository:
    """Invariants of one account."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def account_drift(self) -> list[Drift]:
        """The account totals (summed shards) against a count of its contacts."""
        mine = contacts.c.account_id == self.account_id
        counted = [
            select(func.count()).where(mine),
            select(func.count(contacts.c.phone)).where(mine),
            select(func.count()).where(mine, resolved(contacts)),
        ]
        stored = [
            select(func.coalesce(func.sum(account_counters.c[name]), 0)).where(
                account_counters.c.account_id == self.account_id
            )
            for name in ACCOUNT_TOTALS
        ]
        row = (
            await self.conn.execute(select(*(q.scalar_subquery() for q in (*stored, *counted))))
        ).one()
        return [
            Drift(f"account.{name}", int(row[i]), int(row[i + 3]))
            for i, name in enumerate(ACCOUNT_TOTALS)
            if int(row[i]) != int(row[i + 3])
        ]

    async def list_drift(self) -> list[Drift]:
        """Every list's counters against a count of its members."""
        members = (
            select(
                list_members.c.list_id,
                func.count().label("items"),
                func.count(contacts.c.phone).label("items_with_phone"),
                func.sum(
                    case((stop_counted(contacts.c.account_id, contacts.c.phone), 1), else_=0)
                ).label("stop_list_count"),
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
            .where(list_members.c.account_id == self.account_id)
            .group_by(list_members.c.list_id)
            .subquery("members")
        )
        rows = await self.conn.execute(
            select(
                lists.c.id,
                *(lists.c[name] for name in LIST_COUNTERS),
                *(func.coalesce(members.c[name], 0) for name in LIST_COUNTERS),
            )
            .select_from(lists.outerjoin(members, members.c.list_id == lists.c.id))
            .where(lists.c.account_id == self.account_id)
            .order_by(lists.c.id)
        )
        found = []
        for row in rows:
            for i, name in enumerate(LIST_COUNTERS):
                stored, actual = int(row[1 + i]), int(row[4 + i])
                if stored != actual:
                    found.append(Drift(f"list.{name}", stored, actual, list_id=int(row[0])))
        return found

    async def orphans(self) -> dict[str, int]:
        """Rows that belong to a contact, list or tag that does not exist (the foreign keys
        forbid them; counted so a check says so if they ever appear)."""
        row = (
            await self.conn.execute(
                select(
                    select(func.count())
                    .select_from(list_members)
                    .where(*self._memberships_without_contact())
                    .scalar_subquery(),
                    select(func.count())
                    .select_from(contact_tags)
                    .where(*self._tag_links_without_tag())
                    .scalar_subquery(),
                )
            )
        ).one()
        return {"memberships_without_contact": int(row[0]), "tags_without_tag": int(row[1])}

    def _memberships_without_contact(self) -> list[Any]:
        contact = select(contacts.c.id).where(
            contacts.c.account_id == list_members.c.account_id,
            contacts.c.id == list_members.c.contact_id,
        )
        return [list_members.c.account_id == self.account_id, not_(contact.exists())]

    def _tag_links_without_tag(self) -> list[Any]:
        tag = select(tags.c.id).where(
            tags.c.account_id == contact_tags.c.account_id, tags.c.id == contact_tags.c.tag_id
        )
        return [contact_tags.c.account_id == self.account_id, not_(tag.exists())]

    async def duplicates(self) -> dict[str, list[str]]:
        """Values that must be unique in the account and are not (phone, email, external id,
        stop-list phone, tag name)."""
        found: dict[str, list[str]] = {}
        probes: list[tuple[str, Any, Any]] = [
            ("contacts.phone", contacts.c.phone, contacts.c.account_id),
            ("contacts.email", contacts.c.email, contacts.c.account_id),
            ("contacts.external_id", contacts.c.external_id, contacts.c.account_id),
            ("stoplist.phone", stoplist.c.phone, stoplist.c.account_id),
            ("tags.name", tags.c.name_folded, tags.c.account_id),
        ]
        for name, column, account in probes:
            rows = await self.conn.execute(
                select(column)
                .where(account == self.account_id, column.is_not(None))
                .group_by(column)
                .having(func.count() > 1)
                .limit(100)
            )
            values = [str(row[0]) for row in rows]
            if values:
                found[name] = values
        return found

    # --- repair -------------------------------------------------------------------------------

    async def repair_lists(self, drift: list[Drift]) -> None:
        """Move each drifted list counter by its difference (lists in ascending id)."""
        deltas: dict[int, dict[str, int]] = {}
        for item in drift:
            if item.list_id is not None:
                name = item.invariant.removeprefix("list.")
                deltas.setdefault(item.list_id, {})[name] = item.actual - item.stored
        for list_id in sorted(deltas):
            await self.conn.execute(
                update(lists)
                .where(lists.c.account_id == self.account_id, lists.c.id == list_id)
                .values({name: lists.c[name] + d for name, d in deltas[list_id].items()})
            )

    async def repair_account(self, drift: list[Drift]) -> None:
        """Add each drifted account total's difference to shard 0, and move the data version
        (replies cached with the old counters must not be served again)."""
        deltas = dict.fromkeys(ACCOUNT_TOTALS, 0)
        for item in drift:
            name = item.invariant.removeprefix("account.")
            if name in deltas:
                deltas[name] += item.actual - item.stored
        insert = (
            postgresql.insert(account_counters)
            if self.conn.dialect.name == "postgresql"
            else sqlite.insert(account_counters)
        )
        statement = insert.values(
            account_id=self.account_id, shard=literal(0), data_version=literal(1), **deltas
        )
        table = account_counters.c
        await self.conn.execute(
            statement.on_conflict_do_update(
                index_elements=["account_id", "shard"],
                set_={
                    **{name: table[name] + statement.excluded[name] for name in ACCOUNT_TOTALS},
                    "data_version": table.data_version + 1,
                },
            )
        )

    async def drop_orphans(self) -> None:
        await self.conn.execute(delete(list_members).where(*self._memberships_without_contact()))
        await self.conn.execute(delete(contact_tags).where(*self._tag_links_without_tag()))

"""Tags and which contacts carry them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.errors import Conflict, TagNotFound
from contactbook.domain.tags import DEFAULT_TAG_COLOR, Tag, TagInput
from contactbook.storage.backend_sql import insert_ignore
from contactbook.storage.ids import next_ids
from contactbook.storage.tables import contact_tags, tags


class TagRepository:
    """The account's tags."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def list_all(self) -> list[tuple[Tag, int]]:
        """Every tag with the number of contacts carrying it, by name."""
        usage = (
            select(contact_tags.c.tag_id, func.count().label("n"))
            .where(contact_tags.c.account_id == self.account_id)
            .group_by(contact_tags.c.tag_id)
            .subquery()
        )
        rows = await self.conn.execute(
            select(tags.c.id, tags.c.name, tags.c.color, func.coalesce(usage.c.n, 0))
            .select_from(tags.outerjoin(usage, usage.c.tag_id == tags.c.id))
            .where(tags.c.account_id == self.account_id)
            .order_by(tags.c.name_folded)
        )
        return [(Tag(row[0], row[1], row[2]), int(row[3])) for row in rows]

    async def get_by_name(self, name: str) -> Tag:
        """Raises: TagNotFound."""
        row = (
            await self.conn.execute(
                select(tags.c.id, tags.c.name, tags.c.color).where(
                    tags.c.account_id == self.account_id, tags.c.name_folded == name.casefold()
                )
            )
        ).first()
        if row is None:
            raise TagNotFound(name)
        return Tag(row[0], row[1], row[2])

    async def find(self, names: Iterable[str]) -> dict[str, Tag]:
        """Existing tags among `names`, keyed by folded name."""
        folded = sorted({name.casefold() for name in names})
        if not folded:
            return {}
        rows = await self.conn.execute(
            select(tags.c.id, tags.c.name, tags.c.color, tags.c.name_folded).where(
                tags.c.account_id == self.account_id, tags.c.name_folded.in_(folded)
            )
        )
        return {row[3]: Tag(row[0], row[1], row[2]) for row in rows}

    async def ensure(self, wanted: Sequence[TagInput], now: datetime) -> list[Tag]:
        """The tags named in `wanted`, creating missing ones and recolouring where a colour is
        given; in the order given.

        Two writers may create the same tag at once: inserts skip names taken meanwhile and
        go in name order, so they wait for each other instead of deadlocking.
        """
        existing = await self.find(tag.name for tag in wanted)
        missing = sorted(
            {
                tag.name.casefold(): tag for tag in wanted if tag.name.casefold() not in existing
            }.items()
        )
        if missing:
            ids = await next_ids(self.conn, "tags", len(missing))
            await self.conn.execute(
                insert_ignore(self.conn, tags, ["account_id", "name_folded"]),
                [
                    {
                        "account_id": self.account_id,
                        "id": tag_id,
                        "name": tag.name,
                        "name_folded": folded,
                        "color": tag.color or DEFAULT_TAG_COLOR,
                        "created_at": now,
                    }
                    for tag_id, (folded, tag) in zip(ids, missing, strict=True)
                ],
            )
            existing.update(await self.find(folded for folded, _ in missing))
        result: list[Tag] = []
        for tag in wanted:
            stored = existing[tag.name.casefold()]
            if tag.color and tag.color != stored.color:
                await self.conn.execute(
                    update(tags)
                    .where(tags.c.account_id == self.account_id, tags.c.id == stored.id)
                    .values(color=tag.color)
                )
                stored = Tag(stored.id, stored.name, tag.color)
                existing[tag.name.casefold()] = stored
            result.append(stored)
        return result

    async def rename(self, tag: Tag, name: str, color: str) -> Tag:
        """Raises: Conflict when another tag already has `name`."""
        try:
            await self.conn.execute(
                update(tags)
                .where(tags.c.account_id == self.account_id, tags.c.id == tag.id)
                .values(name=name, name_folded=name.casefold(), color=color)
            )
        except IntegrityError as exc:
            raise Conflict(f"A tag named {name!r} already exists.", name=name) from exc
        return Tag(tag.id, name, color)

    async def lock(self, tag_id: int) -> None:
        """Lock the tag row for a change of the tag itself (after its carriers, the lock
        order): it waits for writers putting it on contacts (their memberships hold the row)
        and keeps new ones out until the transaction ends."""
        await self.conn.execute(
            select(tags.c.id)
            .where(tags.c.account_id == self.account_id, tags.c.id == tag_id)
            .with_for_update()
        )

    async def delete(self, tag: Tag) -> list[int]:
        """Delete the tag; return the ids of contacts that carried it."""
        carriers = await self.carriers(tag.id)
        await self.conn.execute(
            delete(tags).where(tags.c.account_id == self.account_id, tags.c.id == tag.id)
        )
        return carriers

    async def carriers(self, tag_id: int) -> list[int]:
        rows = await self.conn.execute(
            select(contact_tags.c.contact_id).where(
                contact_tags.c.account_id == self.account_id, contact_tags.c.tag_id == tag_id
            )
        )
        return [row[0] for row in rows]

    # --- contacts' tags -----------------------------------------------------------------------

    async def for_contacts(self, contact_ids: Sequence[int]) -> dict[int, list[Tag]]:
        if not contact_ids:
            return {}
        rows = await self.conn.execute(
            select(contact_tags.c.contact_id, tags.c.id, tags.c.name, tags.c.color)
            .select_from(
                contact_tags.join(
                    tags,
                    (tags.c.account_id == contact_tags.c.account_id)
                    & (tags.c.id == contact_tags.c.tag_id),
                )
            )
            .where(
                contact_tags.c.account_id == self.account_id,
                contact_tags.c.contact_id.in_(contact_ids),
            )
            .order_by(contact_tags.c.contact_id, contact_tags.c.position, tags.c.id)
        )
        result: dict[int, list[Tag]] = {}
        for row in rows:
            result.setdefault(row[0], []).append(Tag(row[1], row[2], row[3]))
        return result

    async def replace_on_contact(self, contact_id: int, tag_ids: Sequence[int]) -> bool:
        """Make the contact's (locked) tags exactly `tag_ids`, in order; True if that changed
        anything."""
        wanted = list(dict.fromkeys(tag_ids))
        current = await self._ordered(contact_id)
        if current == wanted:
            return False
        if current:
            await self.conn.execute(
                delete(contact_tags).where(
                    contact_tags.c.account_id == self.account_id,
                    contact_tags.c.contact_id == contact_id,
                )
            )
        await self._insert(contact_id, wanted, start=0)
        return True

    async def _ordered(self, contact_id: int) -> list[int]:
        rows = await self.conn.execute(
            select(contact_tags.c.tag_id)
            .where(
                contact_tags.c.account_id == self.account_id,
                contact_tags.c.contact_id == contact_id,
            )
            .order_by(contact_tags.c.position, contact_tags.c.tag_id)
        )
        return [row[0] for row in rows]

    async def add_to_contact(self, contact_id: int, tag_ids: Sequence[int]) -> list[int]:
        """Append tags the contact lacks; return the ids added."""
        current = await self._ordered(contact_id)
        new = [tag_id for tag_id in dict.fromkeys(tag_ids) if tag_id not in current]
        await self._insert(contact_id, new, start=len(current))
        return new

    async def remove_from_contact(self, contact_id: int, tag_ids: Sequence[int]) -> int:
        if not tag_ids:
            return 0
        result = await self.conn.execute(
            delete(contact_tags).where(
                contact_tags.c.account_id == self.account_id,
                contact_tags.c.contact_id == contact_id,
                contact_tags.c.tag_id.in_(list(tag_ids)),
            )
        )
        return int(result.rowcount)

    async def _insert(self, contact_id: int, tag_ids: Sequence[int], start: int) -> None:
        if not tag_ids:
            return
        await self.conn.execute(
            insert_ignore(self.conn, contact_tags, ["account_id", "contact_id", "tag_id"]),
            [
                {
                    "account_id": self.account_id,
                    "contact_id": contact_id,
                    "tag_id": tag_id,
                    "position": start + index,
                }
                for index, tag_id in enumerate(dict.fromkeys(tag_ids))
            ],
        )

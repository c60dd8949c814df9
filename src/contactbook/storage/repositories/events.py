"""Events recorded against contacts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.events import Event
from contactbook.storage.backend_sql import one_of
from contactbook.storage.ids import next_id
from contactbook.storage.tables import events


class EventRepository:
    """The account's contact events."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def add(
        self, contact_id: int, name: str, data: Mapping[str, Any] | None, now: datetime
    ) -> Event:
        event_id = await next_id(self.conn, "events")
        await self.conn.execute(
            insert(events).values(
                account_id=self.account_id,
                id=event_id,
                contact_id=contact_id,
                name=name,
                data=dict(data) if data is not None else None,
                created_at=now,
            )
        )
        return Event(event_id, contact_id, name, dict(data or {}), now)

    async def for_contact(
        self, contact_id: int, limit: int, before_id: int | None = None
    ) -> list[Event]:
        """The contact's events, newest first."""
        where = [events.c.account_id == self.account_id, events.c.contact_id == contact_id]
        if before_id is not None:
            where.append(events.c.id < before_id)
        rows = await self.conn.execute(
            select(events).where(*where).order_by(events.c.id.desc()).limit(limit)
        )
        return [
            Event(row.id, row.contact_id, row.name, dict(row.data or {}), row.created_at)
            for row in rows
        ]

    async def move(
        self, from_contact: int, to_contact: int, ids: Sequence[int] | None = None
    ) -> list[int]:
        """Give `from_contact`'s events (those of `ids` only, when given) to `to_contact`
        (merging contacts, and undoing a merge); return the ids of those that moved."""
        where = [events.c.account_id == self.account_id, events.c.contact_id == from_contact]
        if ids is not None:
            if not ids:
                return []
            where.append(one_of(self.conn, events.c.id, sorted(set(ids))))
        moved = await self.conn.execute(
            events.update().where(*where).values(contact_id=to_contact).returning(events.c.id)
        )
        return sorted(row[0] for row in moved)

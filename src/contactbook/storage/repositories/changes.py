"""The account's change records: written with the writes they describe, read as history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.changes import Action, ChangeRecord, NewChange
from contactbook.domain.context import Origin, Source
from contactbook.storage.backend_sql import keys_nulled, one_of
from contactbook.storage.ids import next_ids
from contactbook.storage.tables import changes

_CHUNK = 10_000


class ChangeRepository:
    """Change records of one account."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def record(self, items: Sequence[NewChange], origin: Origin, at: datetime) -> list[int]:
        """Store `items` (one statement for all of them, however many); return their ids in
        order. Ids ascend in the order given, so a contact's records sort as they were made."""
        if not items:
            return []
        ids = await next_ids(self.conn, "changes", len(items))
        rows = [
            {
                "account_id": self.account_id,
                "id": change_id,
                "contact_id": item.contact_id,
                "version": item.version,
                "at": at,
                "action": item.action.value,
                "source": origin.source.value,
                "actor_type": origin.actor_type,
                "actor_id": origin.actor_id,
                "request_id": origin.request_id,
                "job_id": origin.job_id,
                "changes": item.changes,
                "detail": dict(item.detail) if item.detail is not None else None,
            }
            for change_id, item in zip(ids, items, strict=True)
        ]
        await self.conn.execute(changes.insert(), rows)
        return ids

    async def get(self, change_id: int) -> ChangeRecord | None:
        row = (
            await self.conn.execute(
                select(changes).where(
                    changes.c.account_id == self.account_id, changes.c.id == change_id
                )
            )
        ).first()
        return None if row is None else _record(row)

    async def of_contact(
        self, contact_id: int, *, before: int | None = None, limit: int | None = None
    ) -> list[ChangeRecord]:
        """A contact's records, newest first; `before` a record id to page from."""
        query = (
            select(changes)
            .where(changes.c.account_id == self.account_id, changes.c.contact_id == contact_id)
            .order_by(changes.c.id.desc())
        )
        if before is not None:
            query = query.where(changes.c.id < before)
        if limit is not None:
            query = query.limit(limit)
        return [_record(row) for row in await self.conn.execute(query)]

    async def above_version(self, contact_id: int, version: int) -> list[ChangeRecord]:
        """A contact's records of versions above `version`, newest first (what a revert to
        `version` undoes)."""
        rows = await self.conn.execute(
            select(changes)
            .where(
                changes.c.account_id == self.account_id,
                changes.c.contact_id == contact_id,
                changes.c.version > version,
            )
            .order_by(changes.c.id.desc())
        )
        return [_record(row) for row in rows]

    async def first_version(self, contact_id: int) -> int | None:
        """The version of a contact's oldest record (None without records): the earliest
        state its history can go back to."""
        # Versions ascend with ids: the oldest record by id, straight off the contact's index.
        found = await self.conn.execute(
            select(changes.c.version)
            .where(changes.c.account_id == self.account_id, changes.c.contact_id == contact_id)
            .order_by(changes.c.id)
            .limit(1)
        )
        value = found.scalar()
        return None if value is None else int(value)

    async def after(self, contact_ids: Sequence[int], change_id: int) -> list[ChangeRecord]:
        """The records of `contact_ids` made after `change_id`, newest first."""
        found: list[ChangeRecord] = []
        ids = sorted(set(contact_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = await self.conn.execute(
                select(changes)
                .where(
                    changes.c.account_id == self.account_id,
                    one_of(self.conn, changes.c.contact_id, ids[start : start + _CHUNK]),
                    changes.c.id > change_id,
                )
                .order_by(changes.c.id.desc())
            )
            found += [_record(row) for row in rows]
        found.sort(key=lambda record: record.id, reverse=True)
        return found

    async def of_job(
        self, job_id: int, *, after: int = 0, limit: int = _CHUNK
    ) -> list[ChangeRecord]:
        """A job's records in the order they were made, `limit` at a time after record `after`."""
        rows = await self.conn.execute(
            select(changes)
            .where(
                changes.c.account_id == self.account_id,
                changes.c.job_id == job_id,
                changes.c.id > after,
            )
            .order_by(changes.c.id)
            .limit(limit)
        )
        return [_record(row) for row in rows]

    async def erase(self, contact_id: int) -> int:
        """Replace every value in a contact's records with null (field names, actions, times,
        versions and origins stay; `detail` goes); return how many records there were.

        One statement, however long the history: the database rewrites each record's changes
        from its own keys (see `domain.changes.erased`, the same rule in Python).
        """
        result = await self.conn.execute(
            update(changes)
            .where(changes.c.account_id == self.account_id, changes.c.contact_id == contact_id)
            .values(changes=keys_nulled(self.conn, changes.c.changes), detail=None)
        )
        return result.rowcount or 0


def _record(row: Any) -> ChangeRecord:
    return ChangeRecord(
        id=row.id,
        contact_id=row.contact_id,
        version=row.version,
        at=row.at,
        action=Action(row.action),
        origin=Origin(
            source=Source(row.source),
            actor_type=row.actor_type,
            actor_id=row.actor_id,
            request_id=row.request_id,
            job_id=row.job_id,
        ),
        changes=row.changes or {},
        detail=row.detail,
    )

"""Inboxes and contacts' identities in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.errors import InboxNotFound
from contactbook.domain.inboxes import ChannelType, ContactInbox, Inbox
from contactbook.storage.backend_sql import insert_ignore, one_of
from contactbook.storage.ids import next_id
from contactbook.storage.tables import contact_inboxes, inboxes


def to_inbox(row: Any) -> Inbox:
    return Inbox(
        id=row.id,
        name=row.name,
        channel_type=ChannelType(row.channel_type),
        created_at=row.created_at,
        avatar_url=row.avatar_url,
        provider=row.provider,
    )


_JOINED = (
    contact_inboxes.c.id.label("ci_id"),
    contact_inboxes.c.contact_id,
    contact_inboxes.c.source_id,
    contact_inboxes.c.hmac_verified,
    contact_inboxes.c.created_at.label("ci_created_at"),
    inboxes.c.id,
    inboxes.c.name,
    inboxes.c.channel_type,
    inboxes.c.created_at,
    inboxes.c.avatar_url,
    inboxes.c.provider,
)


def _contact_inbox(row: Any) -> ContactInbox:
    return ContactInbox(
        id=row.ci_id,
        contact_id=row.contact_id,
        inbox=to_inbox(row),
        source_id=row.source_id,
        hmac_verified=row.hmac_verified,
        created_at=row.ci_created_at,
    )


class InboxRepository:
    """The account's inboxes."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def list_all(self) -> list[Inbox]:
        rows = await self.conn.execute(
            select(inboxes).where(inboxes.c.account_id == self.account_id).order_by(inboxes.c.id)
        )
        return [to_inbox(row) for row in rows]

    async def get(self, inbox_id: int) -> Inbox:
        """Raises: InboxNotFound."""
        row = (
            await self.conn.execute(
                select(inboxes).where(
                    inboxes.c.account_id == self.account_id, inboxes.c.id == inbox_id
                )
            )
        ).first()
        if row is None:
            raise InboxNotFound(inbox_id)
        return to_inbox(row)

    async def add(
        self,
        name: str,
        channel_type: ChannelType,
        now: datetime,
        avatar_url: str | None = None,
        provider: str | None = None,
    ) -> Inbox:
        inbox_id = await next_id(self.conn, "inboxes")
        await self.conn.execute(
            insert(inboxes).values(
                account_id=self.account_id,
                id=inbox_id,
                name=name,
                channel_type=channel_type.value,
                avatar_url=avatar_url,
                provider=provider,
                created_at=now,
            )
        )
        return Inbox(inbox_id, name, channel_type, now, avatar_url, provider)

    # --- contact identities -------------------------------------------------------------------

    def _joined(self) -> Any:
        return select(*_JOINED).select_from(
            contact_inboxes.join(
                inboxes,
                (inboxes.c.account_id == contact_inboxes.c.account_id)
                & (inboxes.c.id == contact_inboxes.c.inbox_id),
            )
        )

    async def for_contacts(self, contact_ids: Sequence[int]) -> dict[int, list[ContactInbox]]:
        if not contact_ids:
            return {}
        rows = await self.conn.execute(
            self._joined()
            .where(
                contact_inboxes.c.account_id == self.account_id,
                contact_inboxes.c.contact_id.in_(contact_ids),
            )
            .order_by(contact_inboxes.c.contact_id, contact_inboxes.c.id)
        )
        result: dict[int, list[ContactInbox]] = {}
        for row in rows:
            result.setdefault(row.contact_id, []).append(_contact_inbox(row))
        return result

    async def find_identity(self, inbox_id: int, source_id: str) -> ContactInbox | None:
        row = (
            await self.conn.execute(
                self._joined().where(
                    contact_inboxes.c.account_id == self.account_id,
                    contact_inboxes.c.inbox_id == inbox_id,
                    contact_inboxes.c.source_id == source_id,
                )
            )
        ).first()
        return None if row is None else _contact_inbox(row)

    async def add_identity(
        self, contact_id: int, inbox: Inbox, source_id: str, hmac_verified: bool, now: datetime
    ) -> ContactInbox | None:
        """Store the identity; None when the inbox's source id was taken meanwhile."""
        identity_id = await next_id(self.conn, "contact_inboxes")
        added = await self.conn.execute(
            insert_ignore(self.conn, contact_inboxes, ["account_id", "inbox_id", "source_id"])
            .values(
                account_id=self.account_id,
                id=identity_id,
                contact_id=contact_id,
                inbox_id=inbox.id,
                source_id=source_id,
                hmac_verified=hmac_verified,
                created_at=now,
            )
            .returning(contact_inboxes.c.id)
        )
        if added.first() is None:
            return None
        return ContactInbox(identity_id, contact_id, inbox, source_id, hmac_verified, now)

    async def move_identities(
        self, from_contact: int, to_contact: int, ids: Sequence[int] | None = None
    ) -> list[int]:
        """Give `from_contact`'s identities (those of `ids` only, when given) to `to_contact`
        (merging contacts, and undoing a merge); return the ids of those that moved."""
        where = [
            contact_inboxes.c.account_id == self.account_id,
            contact_inboxes.c.contact_id == from_contact,
        ]
        if ids is not None:
            if not ids:
                return []
            where.append(one_of(self.conn, contact_inboxes.c.id, sorted(set(ids))))
        moved = await self.conn.execute(
            contact_inboxes.update()
            .where(*where)
            .values(contact_id=to_contact)
            .returning(contact_inboxes.c.id)
        )
        return sorted(row[0] for row in moved)

"""Inbox use cases and contacts' identities in inboxes.

A new identity is a write to its contact: the version moves and a change record shows the
field `inboxes` (every identity, by inbox id and source id) before and after. Finding an
existing identity writes nothing.
"""

from __future__ import annotations

import uuid

from contactbook.domain.changes import INBOXES_FIELD, Action, NewChange, identities
from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.inboxes import (
    INBOX_NAME_MAX_LENGTH,
    SOURCE_ID_MAX_LENGTH,
    ChannelType,
    ContactInbox,
    Inbox,
)
from contactbook.domain.text import check_text
from contactbook.services.recording import record
from contactbook.storage.uow import UnitOfWork


async def list_inboxes(uow: UnitOfWork, ctx: RequestContext) -> list[Inbox]:
    ctx.require(KeyScope.READ)
    return await uow.inboxes.list_all()


async def get_inbox(uow: UnitOfWork, ctx: RequestContext, inbox_id: int) -> Inbox:
    """Raises: InboxNotFound."""
    ctx.require(KeyScope.READ)
    return await uow.inboxes.get(inbox_id)


async def create_inbox(
    uow: UnitOfWork,
    ctx: RequestContext,
    name: str,
    channel_type: ChannelType = ChannelType.API,
    avatar_url: str | None = None,
) -> Inbox:
    """Raises: InvalidInput (blank or long name)."""
    ctx.require(KeyScope.ADMIN)
    clean = check_text(name, "name").strip()
    if not clean or len(clean) > INBOX_NAME_MAX_LENGTH:
        raise InvalidInput.single(
            "name", ProblemCode.INVALID_VALUE, "An inbox name has 1 to 255 characters.", name
        )
    return await uow.inboxes.add(clean, channel_type, utcnow(), avatar_url=avatar_url)


def derive_source_id(inbox: Inbox, phone: str | None, email: str | None) -> str | None:
    """The identity a contact gets in an inbox when the caller gives none (None: cannot)."""
    kind = inbox.channel_type
    if kind in (ChannelType.API, ChannelType.WEB_WIDGET, ChannelType.TELEGRAM):
        return str(uuid.uuid4())
    if kind is ChannelType.EMAIL:
        return email
    if kind is ChannelType.WHATSAPP:
        return phone.lstrip("+") if phone else None
    return phone


async def add_contact_identity(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    inbox_id: int,
    source_id: str | None = None,
    hmac_verified: bool = False,
) -> ContactInbox:
    """Find or create the contact's identity in an inbox; the source id is derived from the
    channel when not given.

    Raises: ContactNotFound, InboxNotFound, InvalidInput (no source id can be derived, or it is
    taken by another contact).
    """
    ctx.require(KeyScope.WRITE)
    await uow.contacts.lock([contact_id])  # its identities change; read them after the lock
    contact = await uow.contacts.get(contact_id, frozenset({"inboxes"}))
    inbox = await uow.inboxes.get(inbox_id)
    source = check_text(source_id, "source_id").strip() if source_id else None
    if source is None:
        for identity in contact.inboxes:
            if identity.inbox.id == inbox_id:
                return identity
        source = derive_source_id(inbox, contact.phone, contact.email)
    if not source or len(source) > SOURCE_ID_MAX_LENGTH:
        raise InvalidInput.single(
            "source_id", ProblemCode.INVALID_VALUE, "No source id can be used for this inbox."
        )
    existing = await uow.inboxes.find_identity(inbox_id, source)
    if existing is None:
        now = utcnow()
        added = await uow.inboxes.add_identity(contact_id, inbox, source, hmac_verified, now)
        if added is not None:
            await uow.contacts.touch([contact_id], now)
            before, after = identities(contact.inboxes), identities([*contact.inboxes, added])
            changes = {INBOXES_FIELD: {"from": before, "to": after}}
            item = NewChange(contact_id, contact.version + 1, Action.UPDATED, changes)
            await record(uow, ctx, [item])
            return added
        existing = await uow.inboxes.find_identity(inbox_id, source)  # taken meanwhile
        assert existing is not None
    if existing.contact_id != contact_id:
        raise InvalidInput.single(
            "source_id", ProblemCode.INVALID_VALUE, "The source id belongs to another contact."
        )
    return existing

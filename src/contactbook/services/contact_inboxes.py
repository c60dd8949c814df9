"""Contacts and their identities in inboxes: creating both at once, attaching a contact to an
inbox, and the inboxes a contact can be reached through."""

from __future__ import annotations

import uuid

from contactbook.domain.contacts import Contact, ContactInput
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.inboxes import ChannelType, ContactableInbox, ContactInbox
from contactbook.services.contacts import create_contact
from contactbook.services.inboxes import add_contact_identity, derive_source_id
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork


async def create_contact_in_inbox(
    uow: UnitOfWork,
    ctx: RequestContext,
    data: ContactInput,
    inbox_id: int | None,
    source_id: str | None = None,
    *,
    define_missing_fields: bool = False,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> tuple[Contact, ContactInbox | None]:
    """Create a contact and, when an inbox is named, its identity there, all or nothing: an
    unknown inbox or an unusable source id leaves no contact behind.

    Raises: InvalidInput, DuplicateContact, InboxNotFound.
    """
    contact = await create_contact(
        uow, ctx, data, define_missing_fields=define_missing_fields, include=frozenset()
    )
    identity = None
    if inbox_id is not None:
        identity = await attach_contact_to_inbox(uow, ctx, contact.id, inbox_id, source_id)
    return await uow.contacts.get(contact.id, include), identity


async def attach_contact_to_inbox(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    inbox_id: int,
    source_id: str | None = None,
    hmac_verified: bool = False,
) -> ContactInbox:
    """Find or create the contact's identity in an inbox. Without a source id, the channel
    derives one; a channel that derives it from the email or phone needs the contact to have
    one.

    Raises: ContactNotFound, InboxNotFound, InvalidInput (`email` or `phone` required; the
    source id is taken or unusable).
    """
    ctx.require(KeyScope.WRITE)
    contact = await uow.contacts.get(contact_id, frozenset())
    inbox = await uow.inboxes.get(inbox_id)
    if not source_id and derive_source_id(inbox, contact.phone, contact.email) is None:
        needed = "email" if inbox.channel_type is ChannelType.EMAIL else "phone"
        raise InvalidInput.single(
            needed, ProblemCode.REQUIRED, f"The contact needs a {needed} for this inbox."
        )
    return await add_contact_identity(uow, ctx, contact_id, inbox_id, source_id, hmac_verified)


async def contactable_inboxes(
    uow: UnitOfWork, ctx: RequestContext, contact_id: int
) -> list[ContactableInbox]:
    """Every inbox of the account the contact can be reached through, with the source id it
    would use: its latest identity there, or one derived from its email or phone. An API inbox
    always qualifies (a fresh id is offered, not saved); a web widget only with an identity;
    channels this store cannot derive an identity for never.

    Raises: ContactNotFound.
    """
    ctx.require(KeyScope.READ)
    contact = await uow.contacts.get(contact_id, frozenset({"inboxes"}))
    latest: dict[int, str] = {}
    for identity in sorted(contact.inboxes, key=lambda item: item.id):
        latest[identity.inbox.id] = identity.source_id
    found: list[ContactableInbox] = []
    for inbox in await uow.inboxes.list_all():
        kind = inbox.channel_type
        source: str | None = None
        if kind is ChannelType.API:
            source = latest.get(inbox.id) or str(uuid.uuid4())
        elif kind is ChannelType.WEB_WIDGET:
            source = latest.get(inbox.id)
        elif kind in (ChannelType.EMAIL, ChannelType.SMS, ChannelType.WHATSAPP):
            source = derive_source_id(inbox, contact.phone, contact.email)
        if source:
            found.append(ContactableInbox(inbox, source))
    return found

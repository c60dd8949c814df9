"""Merging two contacts into one."""

from __future__ import annotations

from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import Busy, ContactNotFound
from contactbook.domain.merges import merge_changes
from contactbook.services.contacts import update_contact
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork


async def merge_contacts(
    uow: UnitOfWork,
    ctx: RequestContext,
    base_id: int,
    mergee_id: int,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """Fold the mergee into the base contact and delete the mergee; return the base.

    The base wins attribute by attribute and the mergee fills its blanks (see
    `merge_changes`). The mergee's list memberships join the base's, and its channel
    identities and events move to the base. Its tags and blocked flag go with it. Merging a
    contact with itself changes nothing.

    Raises: ContactNotFound (either id), InvalidInput, DuplicateContact.
    """
    ctx.require(KeyScope.WRITE)
    # The lock order: the buckets of the phone the base may take over, then both contacts
    # (ascending id); relations are read after the locks. The mergee's phone is peeked first,
    # and a change to it in between means another writer got there first: run again.
    peeked = await uow.contacts.get(mergee_id, frozenset())
    await uow.hold_phones([peeked.phone])
    locked = {contact.id: contact for contact in await uow.contacts.lock([base_id, mergee_id])}
    for contact_id in (base_id, mergee_id):
        if contact_id not in locked:
            raise ContactNotFound(contact_id)
    if locked[mergee_id].phone != peeked.phone:
        raise Busy()
    base = await uow.contacts.get(base_id, frozenset({"lists"}))
    mergee = await uow.contacts.get(mergee_id, frozenset({"lists"}))
    if base.id == mergee.id:
        return await uow.contacts.get(base.id, include)
    changes = merge_changes(base, mergee)
    await uow.inboxes.move_identities(mergee.id, base.id)
    await uow.events.move(mergee.id, base.id)
    member_of = {item.id for item in base.lists}
    joined = [item.id for item in mergee.lists if item.id not in member_of]
    # The mergee goes first, so the unique values it held (phone, email, external id) are free
    # for the base to take over.
    await uow.contacts.delete_ids([mergee.id])
    if joined:
        await uow.lists.add_members(joined, [base.id])
    # The base changed even when no attribute of its own did: it took the mergee's identities,
    # events and memberships.
    await uow.contacts.touch([base.id], utcnow())
    return await update_contact(uow, ctx, base.id, changes, include=include)

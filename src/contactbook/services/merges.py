"""Merging two contacts into one.

A merge is one write, recorded once on the survivor (`merged`: its field diff, lists it joined
included, and in `detail` what moved over, which is what an undo needs); the merged-away
contact goes to the trash with its own `deleted` record, whole, before its identities and
events move, so `services.merge_undo` can bring it back.
"""

from __future__ import annotations

from dataclasses import dataclass

from contactbook.domain.changes import Action
from contactbook.domain.contacts import Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import Busy, ContactNotFound
from contactbook.domain.merges import merge_changes
from contactbook.services.contacts import write_locked
from contactbook.services.recording import track
from contactbook.services.trash import file_in_trash
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Merged:
    """The survivor of a merge and the id of the merge's record (None when nothing merged:
    a contact merged with itself)."""

    contact: Contact
    change_id: int | None


async def merge_contacts(
    uow: UnitOfWork,
    ctx: RequestContext,
    base_id: int,
    mergee_id: int,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """`merge`, answering the survivor alone."""
    return (await merge(uow, ctx, base_id, mergee_id, include)).contact


async def merge(
    uow: UnitOfWork,
    ctx: RequestContext,
    base_id: int,
    mergee_id: int,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Merged:
    """Fold the mergee into the base contact and move the mergee to the trash.

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
    if base_id == mergee_id:
        return Merged(await uow.contacts.get(base_id, include), None)
    tracking = await track(uow, ctx, [base_id], identities=True)
    base = tracking.contacts[base_id]
    mergee = await uow.contacts.get(mergee_id, frozenset({"lists"}))
    changes = merge_changes(base, mergee)
    member_of = {item.id for item in base.lists}
    joined = sorted(item.id for item in mergee.lists if item.id not in member_of)
    # Filed first, with its identities: the trash keeps the mergee as it was.
    filed = await file_in_trash(uow, ctx, [mergee_id], merged_into=base_id)
    inboxes = await uow.inboxes.move_identities(mergee_id, base_id)
    events = await uow.events.move(mergee_id, base_id)
    # The mergee goes before the base changes, so the unique values it held (phone, email,
    # external id) are free for the base to take over.
    await uow.contacts.delete_ids([mergee_id])
    if joined:
        await uow.lists.add_members(joined, [base_id])
    await write_locked(uow, ctx, locked[base_id], changes)
    # One record for the whole merge; the base changed even when no attribute of its own did
    # (it took the mergee's identities and events), so it is recorded and its version moves.
    recorded = await tracking.finish(
        Action.MERGED,
        detail={
            "merged_ids": [mergee_id],
            "moved": {"inboxes": inboxes, "events": events},
            "joined_lists": joined,
            "mergee_change_id": filed[mergee_id],
        },
        always=[base_id],
    )
    return Merged(await uow.contacts.get(base_id, include), recorded[base_id])

"""Erasing a contact (the right to be forgotten): gone for good, and its history kept without
the person in it.

An erase removes the contact wherever it is — live (with its memberships, tags, channel
identities and events, every counter moved) or in the trash (with the relations kept there for
a restore) — and replaces every value in its change records with null. What stays is the shape
of what happened: field names, actions, times, versions, sources and request ids, so an
operator can still answer "what was done to contact 42, and when", but not "who was 42". One
`erased` record, holding no values, says when it was done and by whom.
"""

from __future__ import annotations

from contactbook.domain.changes import Action, NewChange
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import ContactNotFound
from contactbook.domain.preconditions import VersionCondition, check_condition
from contactbook.services.recording import record
from contactbook.storage.uow import UnitOfWork

# A contact may move between the live table and the trash (a delete, a restore) while an erase
# waits for its lock; looking again on the other side finds it after such a move.
_LOOKS = 2


async def erase_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    *,
    condition: VersionCondition | None = None,
) -> int:
    """Erase the contact, live or trashed; return the id of its `erased` record.

    Raises: Forbidden (the key lacks the admin scope), ContactNotFound (no such contact live or
    in the trash: never was, already erased, purged, another account's), PreconditionFailed.
    """
    ctx.require(KeyScope.ADMIN)
    where, version = await _take(uow, contact_id)
    check_condition(condition, version)
    if where == "live":
        # Memberships go by statement (moving the lists' counters), the contact by statement
        # (moving the account's); tags, identities and events follow it by cascade.
        await uow.contacts.delete_ids([contact_id])
    else:
        # The trash's relations (lists, tags, identities) follow their contact by cascade.
        await uow.trash.remove([contact_id])
    erased = await uow.changes.erase(contact_id)
    # One version past the last state, so no two of the contact's records name the same one.
    item = NewChange(contact_id, version + 1, Action.ERASED, {}, {"from": where, "records": erased})
    (change_id,) = await record(uow, ctx, [item])
    return change_id


async def _take(uow: UnitOfWork, contact_id: int) -> tuple[str, int]:
    """Lock the contact where it is now; return where ("live" or "trash") and its version.

    Raises: ContactNotFound.
    """
    for _ in range(_LOOKS):
        # The lock a delete takes: writers adding rows to the contact finish first.
        live = await uow.contacts.lock_for_delete([contact_id])
        if live:
            return "live", live[0].version
        try:
            trashed = await uow.trash.get(contact_id, lock=True)
        except ContactNotFound:
            continue
        return "trash", trashed.version
    raise ContactNotFound(contact_id)

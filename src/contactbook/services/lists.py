"""List use cases: CRUD and membership.

A membership change is a write to each contact it moves: one change record per contact whose
`lists` differ (set-based, however many contacts), and its version moves; a contact already
in (or out of) the list is not written. Deleting a list is a write to each of its former
members too (their `lists` shrink, their version moves), recorded the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.lists import ContactList, ListChanges, ListInput, clean_list_text
from contactbook.domain.queries import Condition
from contactbook.services.phone_matching import match_phone_conditions
from contactbook.services.recording import track
from contactbook.storage.uow import UnitOfWork

MAX_CONTACTS_PER_CHANGE = 10_000
MAX_LISTS_PER_CHANGE = 100


async def list_lists(
    uow: UnitOfWork,
    ctx: RequestContext,
    offset: int = 0,
    limit: int = 50,
    where: Sequence[Condition] = (),
    sort: str = "id",
    descending: bool = False,
) -> tuple[list[ContactList], int]:
    """A page of lists and the number of lists matching `where`."""
    ctx.require(KeyScope.READ)
    where = match_phone_conditions(where, ctx.default_region)
    return await uow.lists.page(offset, limit, where, sort, descending)


async def get_list(uow: UnitOfWork, ctx: RequestContext, list_id: int) -> ContactList:
    """Raises: ListNotFound."""
    ctx.require(KeyScope.READ)
    return await uow.lists.get(list_id)


async def create_list(uow: UnitOfWork, ctx: RequestContext, data: ListInput) -> ContactList:
    """Raises: InvalidInput (name 3..50, description ≤ 255), DuplicateList."""
    ctx.require(KeyScope.WRITE)
    name, description = clean_list_text(data.name, data.description)
    assert name is not None
    if data.is_default:
        await uow.lists.clear_default()
    return await uow.lists.add(name, description, data.is_default, utcnow())


async def update_list(
    uow: UnitOfWork, ctx: RequestContext, list_id: int, changes: ListChanges
) -> ContactList:
    """Change what `changes` gives.

    Raises: ListNotFound, InvalidInput, DuplicateList.
    """
    ctx.require(KeyScope.WRITE)
    current = await uow.lists.get(list_id)
    name, description = clean_list_text(changes.name, changes.description)
    updated = replace(
        current,
        name=name if name is not None else current.name,
        description=None
        if changes.clear_description
        else (description if changes.description is not None else current.description),
        is_default=current.is_default if changes.is_default is None else changes.is_default,
    )
    if updated.is_default and not current.is_default:
        await uow.lists.clear_default(except_id=list_id)
    return await uow.lists.save(updated, utcnow())


async def delete_list(uow: UnitOfWork, ctx: RequestContext, list_id: int) -> None:
    """Delete a list; its contacts stay.

    Raises: ListNotFound.
    """
    ctx.require(KeyScope.WRITE)
    # Members first, then the list (the lock order). The list's lock waits for writers adding
    # members and keeps new ones out; one that joined between the first read and that lock is
    # locked next, so every member is tracked and recorded.
    locked = {c.id for c in await uow.contacts.lock(await uow.lists.member_ids([list_id]))}
    await uow.lists.lock(list_id)
    late = set(await uow.lists.member_ids([list_id])) - locked
    if late:
        locked |= {c.id for c in await uow.contacts.lock(late)}
    tracking = await track(uow, ctx, sorted(locked))
    await uow.lists.delete(list_id)
    await tracking.finish()


async def attach_contacts(
    uow: UnitOfWork, ctx: RequestContext, list_ids: Sequence[int], contact_ids: Sequence[int]
) -> int:
    """Put every contact in every list (idempotent); return how many memberships were new.

    Raises: InvalidInput naming unknown `lists` or `contacts` (nothing changes then).
    """
    ctx.require(KeyScope.WRITE)
    lists, contacts = await _check(uow, list_ids, contact_ids)
    tracking = await track(uow, ctx, contacts)
    added = await uow.lists.add_members(lists, contacts)
    # Moves the version of each contact that joined a list, with its record.
    await tracking.finish()
    return len(added)


async def detach_contacts(
    uow: UnitOfWork, ctx: RequestContext, list_ids: Sequence[int], contact_ids: Sequence[int]
) -> int:
    """Take every contact out of every list; return how many memberships went.

    Raises: InvalidInput naming unknown `lists` or `contacts`.
    """
    ctx.require(KeyScope.WRITE)
    lists, contacts = await _check(uow, list_ids, contact_ids)
    tracking = await track(uow, ctx, contacts)
    removed = await uow.lists.remove_members(lists, contacts)
    await tracking.finish()
    return len(removed)


async def _check(
    uow: UnitOfWork, list_ids: Sequence[int], contact_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    """The lists and contacts of a membership change, checked and held: the contacts locked
    (their memberships change), the lists kept from being deleted meanwhile."""
    lists = list(dict.fromkeys(list_ids))
    contacts = list(dict.fromkeys(contact_ids))
    problems: list[Problem] = []
    for name, ids, limit in (("lists", lists, MAX_LISTS_PER_CHANGE),
                             ("contacts", contacts, MAX_CONTACTS_PER_CHANGE)):  # fmt: skip
        if not ids:
            problems.append(Problem(name, ProblemCode.REQUIRED, "Give at least one id."))
        elif len(ids) > limit:
            problems.append(Problem(name, ProblemCode.TOO_MANY, f"At most {limit} ids at once."))
    if not problems:
        known_contacts = {contact.id for contact in await uow.contacts.lock(contacts)}
        known_lists = await uow.lists.existing_ids(lists, hold=True)
        problems.extend(
            Problem(f"lists.{i}", ProblemCode.UNKNOWN_LIST, f"No list {list_id}.", list_id)
            for i, list_id in enumerate(lists)
            if list_id not in known_lists
        )
        problems.extend(
            Problem(f"contacts.{i}", ProblemCode.UNKNOWN_CONTACT, f"No contact {cid}.", cid)
            for i, cid in enumerate(contacts)
            if cid not in known_contacts
        )
    if problems:
        raise InvalidInput(problems)
    return lists, contacts


async def add_members(
    uow: UnitOfWork, ctx: RequestContext, list_id: int, contact_ids: Sequence[int]
) -> tuple[int, ContactList]:
    """Add contacts to one list; return how many were new and the list after.

    Raises: ListNotFound (the list itself), InvalidInput (unknown `contacts`).
    """
    await get_list(uow, ctx, list_id)
    added = await attach_contacts(uow, ctx, [list_id], contact_ids)
    return added, await uow.lists.get(list_id)


async def remove_members(
    uow: UnitOfWork, ctx: RequestContext, list_id: int, contact_ids: Sequence[int]
) -> tuple[int, ContactList]:
    """Take contacts out of one list; return how many left and the list after.

    Raises: ListNotFound, InvalidInput (unknown `contacts`).
    """
    await get_list(uow, ctx, list_id)
    removed = await detach_contacts(uow, ctx, [list_id], contact_ids)
    return removed, await uow.lists.get(list_id)


async def remove_member(
    uow: UnitOfWork, ctx: RequestContext, list_id: int, contact_id: int
) -> ContactList:
    """Take one contact out of one list (a no-op when it is not a member).

    Raises: ListNotFound, ContactNotFound.
    """
    await get_list(uow, ctx, list_id)
    await uow.contacts.get(contact_id, frozenset(), lock=True)
    await detach_contacts(uow, ctx, [list_id], [contact_id])
    return await uow.lists.get(list_id)

"""The trash: deleting a contact through any API moves it here; it can be listed, restored
with its lists, tags, custom values and channel identities, and is purged after a while."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from contactbook.domain.changes import Action, NewChange
from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import DuplicateContact
from contactbook.domain.queries import IDENTIFIERS
from contactbook.services.recording import record
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.repositories.trash import TrashedContact, purge_expired
from contactbook.storage.uow import UnitOfWork


async def trash_contacts(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_ids: Sequence[int],
    *,
    merged_into: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> dict[int, int]:
    """Move the contacts of this account among `contact_ids` to the trash, set-based: each
    gets a `deleted` record (its identifiers, now free; `detail` what the records say beside
    them), a trash entry with its relations, and leaves every live table and counter. Ids of
    nothing or of another account are skipped. Return the record ids by contact.
    """
    filed = await file_in_trash(uow, ctx, contact_ids, merged_into=merged_into, detail=detail)
    await uow.contacts.delete_ids(list(filed))
    return filed


async def file_in_trash(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_ids: Sequence[int],
    *,
    merged_into: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> dict[int, int]:
    """The first half of `trash_contacts`: lock the contacts for deletion, record their
    `deleted` records and copy them whole into the trash, but leave them live; the caller
    deletes them (`uow.contacts.delete_ids`) in the same transaction. A merge hands the
    mergee's identities and events to the survivor in between, so the trash keeps the mergee
    as it was. Return the record ids by contact."""
    ctx.require(KeyScope.WRITE)
    locked = await uow.contacts.lock_for_delete(contact_ids)
    if not locked:
        return {}
    if merged_into is not None:
        detail = {**(detail or {}), "merged_into": merged_into}
    items = [NewChange(c.id, c.version, Action.DELETED, _freed(c), detail) for c in locked]
    change_ids = await record(uow, ctx, items)
    await uow.trash.file([c.id for c in locked], utcnow(), merged_into)
    return {item.contact_id: cid for item, cid in zip(items, change_ids, strict=True)}


def _freed(contact: Contact) -> dict[str, dict[str, object]]:
    """The identifiers a deleted contact gave up."""
    return {
        name: {"from": value, "to": None}
        for name in IDENTIFIERS
        if (value := getattr(contact, name)) is not None
    }


async def list_trash(
    uow: UnitOfWork,
    ctx: RequestContext,
    *,
    after: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> tuple[list[TrashedContact], bool]:
    """One page of trashed contacts, newest deletion first, and whether more follow."""
    ctx.require(KeyScope.READ)
    found = await uow.trash.page(after=after, limit=limit + 1)
    return found[:limit], len(found) > limit


async def restore_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """Bring a trashed contact back: same id, its lists and tags (those that still exist),
    custom values and channel identities, every counter moved back; a `restored` record.

    Raises: ContactNotFound (not in the trash: never was, erased, purged, another account's),
    DuplicateContact naming each identifier a live contact now holds (nothing changes).
    """
    ctx.require(KeyScope.WRITE)
    peeked = await uow.trash.get(contact_id)
    # The lock order: the phone's bucket first, then the trash row.
    await uow.hold_phones([peeked.phone])
    await uow.trash.get(contact_id, lock=True)
    taken = await uow.trash.conflicts(contact_id)
    if taken:
        first = next(iter(taken))
        raise DuplicateContact(list(taken), existing_id=taken[first])
    version = await uow.trash.restore(contact_id, utcnow())
    await record(uow, ctx, [NewChange(contact_id, version, Action.RESTORED)])
    return await uow.contacts.get(contact_id, include)


def purge_at(item: TrashedContact, days: int) -> datetime:
    """When a trashed contact is due to be purged, with the trash kept `days` days."""
    return item.deleted_at + timedelta(days=days)


def shown(item: TrashedContact, days: int) -> dict[str, Any]:
    """A trashed contact as the native API and the command line show it."""
    by = item.deleted_by
    deleted_by = None
    if by is not None:
        actor = (
            {"type": by.actor_type, "id": by.actor_id}
            if by.actor_type is not None and by.actor_id is not None
            else None
        )
        deleted_by = {"source": by.source.value, "actor": actor, "request_id": by.request_id}
    return {
        "id": item.id,
        "name": item.name,
        "phone": item.phone,
        "email": item.email,
        "external_id": item.external_id,
        "deleted_at": item.deleted_at,
        "deleted_by": deleted_by,
        "merged_into": item.merged_into,
        "purge_at": purge_at(item, days),
    }


async def purge_trash(uow: UnitOfWork, days: int, batch: int = 500) -> int:
    """Operator work: remove up to `batch` contacts deleted more than `days` ago, across
    accounts; return how many went (call again until it returns 0)."""
    return await purge_expired(uow.conn, utcnow() - timedelta(days=days), batch)

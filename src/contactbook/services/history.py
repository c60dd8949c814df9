"""A contact's history: its change records, newest first."""

from __future__ import annotations

from contactbook.domain.changes import ChangeRecord
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import ContactNotFound
from contactbook.domain.paging import Page
from contactbook.storage.uow import UnitOfWork


async def contact_history(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    *,
    before: int | None = None,
    limit: int = 50,
) -> Page[ChangeRecord]:
    """One page of a contact's records, newest first; `before` is the last record id of the
    previous page. A contact in the trash (or erased) keeps its history; one with no record
    (made before history was kept) shows an empty one.

    Raises: ContactNotFound (no such contact in this account: another account's looks the same).
    """
    ctx.require(KeyScope.READ)
    records = await uow.changes.of_contact(contact_id, before=before, limit=limit + 1)
    if not records and before is None and not await uow.contacts.existing_ids([contact_id]):
        raise ContactNotFound(contact_id)
    more = len(records) > limit
    items = records[:limit]
    return Page(items, has_more=more, after=(items[-1].id,) if more and items else None)

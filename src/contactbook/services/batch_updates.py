"""Changing several contacts in one go, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from contactbook.domain.contacts import Contact, ContactInput
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import (
    DuplicateContact,
    InvalidInput,
    PreconditionFailed,
    ProblemCode,
)
from contactbook.domain.preconditions import VersionCondition
from contactbook.services.contacts import given_phones, update_contact
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork

MAX_BATCH = 1000


async def update_contacts(
    uow: UnitOfWork,
    ctx: RequestContext,
    changes: Sequence[tuple[int, ContactInput]],
    *,
    conditions: Sequence[VersionCondition | None] = (),
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> list[Contact]:
    """Apply each (contact id, change) in order and return the contacts as they end up, in the
    order given; `conditions[i]`, when given, is item i's If-Match, checked like a single
    write's. The first failure stops the batch; the caller's unit of work then rolls back
    every change before it.

    Raises: ContactNotFound, InvalidInput, DuplicateContact and PreconditionFailed (field
    paths name the item: `items.2.email`, `items.2.if_match`).
    """
    ctx.require(KeyScope.WRITE)
    if len(changes) > MAX_BATCH:
        raise InvalidInput.single(
            "items",
            ProblemCode.TOO_MANY,
            f"At most {MAX_BATCH} changes in one batch.",
            len(changes),
        )
    # The lock order, for the whole batch up front: the buckets of every phone given, then
    # every contact in ascending id (taking them item by item could deadlock two batches).
    await uow.hold_phones(given_phones(ctx, [data for _, data in changes]))
    await uow.contacts.lock([contact_id for contact_id, _ in changes])
    for index, (contact_id, data) in enumerate(changes):
        condition = conditions[index] if index < len(conditions) else None
        try:
            await update_contact(
                uow, ctx, contact_id, data, condition=condition, include=frozenset()
            )
        except InvalidInput as exc:
            problems = [replace(p, field=f"items.{index}.{p.field}") for p in exc.problems]
            raise InvalidInput(problems, exc.message) from exc
        except DuplicateContact as exc:
            fields = [f"items.{index}.{field}" for field in exc.fields]
            raise DuplicateContact(fields, exc.existing_id) from exc
        except PreconditionFailed as exc:
            raise PreconditionFailed(exc.current_version, [f"items.{index}.if_match"]) from exc
    ids = [contact_id for contact_id, _ in changes]
    final = {contact.id: contact for contact in await uow.contacts.get_many(ids, include)}
    return [final[contact_id] for contact_id in ids]

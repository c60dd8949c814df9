"""Defining a custom field from its display name alone (APIs that address fields by id)."""

from __future__ import annotations

from dataclasses import replace

from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.fields import (
    KEY_MAX_LENGTH,
    FieldDefinition,
    FieldInput,
    check_key,
    slugify_key,
)
from contactbook.services.fields import create_field
from contactbook.storage.uow import UnitOfWork

# Room kept at the end of a long slug for the "_N" that makes it free.
_SUFFIX_ROOM = 8


async def define_named_field(
    uow: UnitOfWork, ctx: RequestContext, data: FieldInput
) -> FieldDefinition:
    """Define a field whose key is a free slug of its name (`Plan` → `plan`, then `plan_2`…).

    Notificore names fields for people and refers to them by id; the key still has to be
    unique and unreserved so that the APIs addressing fields by key can reach it too.

    Raises: InvalidInput, DuplicateField (a concurrent writer took the key first).
    """
    ctx.require(KeyScope.WRITE)
    # Fresh: a field another process adopted since it was cached no longer leaves its key free.
    catalog = await uow.field_catalog(fresh=True)
    # An implicit field's key is free: the create adopts that field.
    taken = {d.key for d in catalog.values() if d.scope is data.scope and not d.implicit}
    base = slugify_key(data.name)
    stem = base.rstrip("_")[: KEY_MAX_LENGTH - _SUFFIX_ROOM] or "f"
    key, number = base, 2
    while key in taken or check_key(key):
        key, number = f"{stem}_{number}", number + 1
    return await create_field(uow, ctx, replace(data, key=key))

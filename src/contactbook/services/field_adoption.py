"""Adopting a field that contact writes or an import defined implicitly.

Chatwoot lets contacts carry attribute keys nobody defined and an administrator define them
later; here the first write of such a key defines it (implicitly). The first explicit create
of that key then takes the field over instead of being a duplicate: it gets the name, type,
description and options asked for, keeps its id and the values contacts hold.

A value converted to the new type (`"12"` to `12`) is a write to its contact: a new version and
a change record of that custom field, from the old value to the new, all in one statement.
"""

from __future__ import annotations

from dataclasses import replace

from contactbook.domain.clock import utcnow
from contactbook.domain.context import RequestContext
from contactbook.domain.errors import InvalidInput
from contactbook.domain.fields import FieldDefinition, retype_values
from contactbook.services.recording import track
from contactbook.storage.uow import UnitOfWork


async def adopt_field(
    uow: UnitOfWork, ctx: RequestContext, implicit: FieldDefinition, wanted: FieldDefinition
) -> FieldDefinition | None:
    """`implicit` made explicit as `wanted` says; None when a concurrent create adopted it
    first (the caller's create is then a duplicate).

    The values held under it are converted to the type asked for (`"12"` to `12`); a type
    or options some value cannot take is refused and nothing changes.

    Raises: InvalidInput naming `type` or `options`.
    """
    # Contacts first, then the field row: the order a field's delete takes them in.
    held = await uow.fields.held_values(implicit.id)
    changed, problems = retype_values(wanted, held)
    if problems:
        raise InvalidInput(problems)
    tracking = await track(uow, ctx, sorted(changed))
    now = utcnow()
    adopted = await uow.fields.adopt(
        replace(wanted, id=implicit.id, created_at=implicit.created_at, updated_at=now)
    )
    if adopted is None:
        return None
    await uow.fields.rewrite_values(implicit.id, dict(changed), now)
    uow.forget_catalog()
    await tracking.finish()
    return adopted

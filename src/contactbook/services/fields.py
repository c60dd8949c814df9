"""Custom field definition use cases.

Definitions are no contact's own, but two of their changes change contacts: deleting a field
drops its values, and a new key renames them. Each contact holding a value is then locked
(before the field row), moves one version and gets one change record, all set-based.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import (
    DuplicateField,
    FieldNotFound,
    InvalidInput,
    Problem,
    ProblemCode,
)
from contactbook.domain.fields import (
    MAX_OPTIONS,
    FieldChanges,
    FieldDefinition,
    FieldInput,
    FieldScope,
    check_definition_text,
    check_key,
    slugify_key,
)
from contactbook.domain.text import check_text
from contactbook.services.field_adoption import adopt_field
from contactbook.services.recording import track
from contactbook.storage.uow import UnitOfWork

T = TypeVar("T")


async def list_fields(
    uow: UnitOfWork, ctx: RequestContext, scope: FieldScope | None = FieldScope.CONTACT
) -> list[FieldDefinition]:
    """The account's definitions of `scope` (all scopes when None), by id."""
    ctx.require(KeyScope.READ)
    catalog = await uow.field_catalog()
    return [d for d in catalog.values() if scope is None or d.scope is scope]


async def get_field(
    uow: UnitOfWork, ctx: RequestContext, field_id: int, scope: FieldScope | None = None
) -> FieldDefinition:
    """Raises: FieldNotFound."""
    ctx.require(KeyScope.READ)
    definition = (await uow.field_catalog()).get(field_id)
    if definition is None or (scope is not None and definition.scope is not scope):
        raise FieldNotFound(field_id)
    return definition


async def create_field(uow: UnitOfWork, ctx: RequestContext, data: FieldInput) -> FieldDefinition:
    """Define a custom field; its key defaults to a slug of its name. A field contact writes
    or an import defined under that key is adopted (see `field_adoption`).

    Raises: InvalidInput, DuplicateField.
    """
    ctx.require(KeyScope.WRITE)
    key = data.key if data.key is not None else slugify_key(data.name)
    reserved = data.scope is FieldScope.CONTACT
    problems: list[Problem] = [
        *check_definition_text(data.name, data.description),
        *check_key(key, reserved=reserved),
    ]
    problems.extend(_check_options(data.options))
    if problems:
        raise InvalidInput(problems)
    now = utcnow()
    wanted = FieldDefinition(
        id=0,
        key=key,
        name=data.name.strip(),
        type=data.type,
        description=data.description or None,
        visible=data.visible,
        options=tuple(data.options),
        scope=data.scope,
        regex_pattern=data.regex_pattern,
        regex_cue=data.regex_cue,
        default_value=data.default_value,
        created_at=now,
        updated_at=now,
    )
    existing = await uow.fields.find(data.scope, key)
    if existing is None:
        added = await uow.fields.add_if_free(wanted)
        if added is not None:
            uow.forget_catalog()
            return added
        existing = await uow.fields.find(data.scope, key)  # defined meanwhile
    if existing is not None and existing.implicit:
        adopted = await adopt_field(uow, ctx, existing, wanted)
        if adopted is not None:
            return adopted
    # Another explicit create took the key, before this one or while it ran.
    raise DuplicateField(f"A field with the key {key!r} already exists.", key=key)


async def update_field(
    uow: UnitOfWork,
    ctx: RequestContext,
    field_id: int,
    changes: FieldChanges,
    scope: FieldScope | None = None,
) -> FieldDefinition:
    """Change a definition; its type never changes (stored values depend on it).

    Raises: FieldNotFound, InvalidInput, DuplicateField.
    """
    ctx.require(KeyScope.WRITE)
    current = await get_field(uow, ctx, field_id, scope)
    problems = check_definition_text(changes.name, changes.description)
    if changes.key is not None and changes.key != current.key:
        problems.extend(check_key(changes.key, reserved=current.scope is FieldScope.CONTACT))
    if changes.options is not None:
        problems.extend(_check_options(changes.options))
    if problems:
        raise InvalidInput(problems)
    updated = replace(
        current,
        name=changes.name.strip() if changes.name is not None else current.name,
        key=changes.key if changes.key is not None else current.key,
        description=_pick(changes, "description", current.description),
        visible=current.visible if changes.visible is None else changes.visible,
        options=tuple(changes.options) if changes.options is not None else current.options,
        regex_pattern=_pick(changes, "regex_pattern", current.regex_pattern),
        regex_cue=_pick(changes, "regex_cue", current.regex_cue),
        default_value=_pick(changes, "default_value", current.default_value),
        updated_at=utcnow(),
    )
    # A new key renames the value in every holder (records and the vendor APIs name values by
    # key): each holder is locked before the field row and recorded, old key to new.
    renamed = updated.key != current.key and current.scope is FieldScope.CONTACT
    tracking = await track(uow, ctx, await uow.fields.holders([field_id]) if renamed else [])
    saved = await uow.fields.save(updated)
    uow.forget_catalog()
    await tracking.finish()
    return saved


async def delete_fields(
    uow: UnitOfWork,
    ctx: RequestContext,
    field_ids: Sequence[int],
    scope: FieldScope | None = None,
) -> int:
    """Delete definitions (only those of `scope` when given) and every value stored under
    them; return how many went. Unknown ids are skipped."""
    ctx.require(KeyScope.WRITE)
    if scope is not None:
        catalog = await uow.field_catalog()
        field_ids = [i for i in field_ids if i in catalog and catalog[i].scope is scope]
    # Every contact losing a value is a write: locked, then recorded (the value, to null) with
    # one new version, however many of the fields it held.
    holders = await uow.fields.holders(field_ids)
    tracking = await track(uow, ctx, holders)
    deleted = await uow.fields.delete_many(field_ids, utcnow(), holders)
    uow.forget_catalog()
    await tracking.finish()
    return len(deleted)


async def delete_field(
    uow: UnitOfWork, ctx: RequestContext, field_id: int, scope: FieldScope | None = None
) -> None:
    """Raises: FieldNotFound."""
    await get_field(uow, ctx, field_id, scope)
    await delete_fields(uow, ctx, [field_id])


def _pick(changes: FieldChanges, name: str, current: T) -> T | None:
    if name in changes.clear:
        return None
    value: T | None = getattr(changes, name)
    return current if value is None else value


def _check_options(options: Sequence[str]) -> list[Problem]:
    if len(options) > MAX_OPTIONS:
        return [Problem("options", ProblemCode.TOO_MANY, f"At most {MAX_OPTIONS} options.")]
    problems: list[Problem] = []
    for index, option in enumerate(options):
        try:
            check_text(option, f"options.{index}")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return problems

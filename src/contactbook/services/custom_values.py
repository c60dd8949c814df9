"""Resolving custom field references (by id or key) and typing the values written to them."""

from __future__ import annotations

from collections.abc import Mapping

from contactbook.domain.clock import utcnow
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.fields import (
    CustomInput,
    FieldDefinition,
    FieldRef,
    FieldScope,
    Scalar,
    check_key,
    coerce_value,
    infer_type,
)
from contactbook.storage.uow import UnitOfWork


def _path(ref: FieldRef) -> str:
    return f"custom_fields.{ref}"


async def resolve_field(
    uow: UnitOfWork, ref: FieldRef, *, path: str | None = None
) -> FieldDefinition:
    """The contact field named by id or key.

    Raises: InvalidInput (`unknown_field`) naming `path`.
    """
    found = _lookup(await uow.field_catalog(), ref)
    if found is None:  # perhaps defined by another process since the catalogue was cached
        found = _lookup(await uow.field_catalog(fresh=True), ref)
    if found is None:
        raise InvalidInput.single(
            path or _path(ref), ProblemCode.UNKNOWN_FIELD, f"No custom field {ref!r}.", ref
        )
    return found


def _lookup(catalog: Mapping[int, FieldDefinition], ref: FieldRef) -> FieldDefinition | None:
    if isinstance(ref, int):
        found = catalog.get(ref)
        return found if found is not None and found.scope is FieldScope.CONTACT else None
    for definition in catalog.values():
        if definition.key == ref and definition.scope is FieldScope.CONTACT:
            return definition
    return None


async def typed_values(
    uow: UnitOfWork,
    given: CustomInput,
    *,
    define_missing: bool,
    problems: list[Problem],
) -> dict[str, Scalar | None]:
    """`given` keyed by stored field id (as text), values typed; None means "remove".

    With `define_missing`, an unknown key gets a definition typed from its first value;
    otherwise it is a problem. Problems are appended, not raised, so callers report them all.
    """
    catalog = await uow.field_catalog()
    result: dict[str, Scalar | None] = {}
    for ref, value in given.items():
        definition = _lookup(catalog, ref)
        if definition is None:  # perhaps defined by another process since it was cached
            catalog = await uow.field_catalog(fresh=True)
            definition = _lookup(catalog, ref)
        if definition is None and define_missing and isinstance(ref, str) and value is not None:
            key_problems = check_key(ref, _path(ref))
            if key_problems:
                problems.extend(key_problems)
                continue
            now = utcnow()
            # A writer that defined the key meanwhile is not a conflict: its field is used.
            definition = await uow.fields.add_or_get(
                FieldDefinition(
                    id=0,
                    key=ref,
                    name=ref,
                    type=infer_type(value),
                    implicit=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            uow.forget_catalog()
            catalog = await uow.field_catalog()
        if definition is None:
            if value is None:
                continue  # removing a value of a field that does not exist changes nothing
            problems.append(
                Problem(_path(ref), ProblemCode.UNKNOWN_FIELD, f"No custom field {ref!r}.", ref)
            )
            continue
        if value is None:
            result[str(definition.id)] = None
            continue
        try:
            result[str(definition.id)] = coerce_value(definition, value, _path(ref))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    return result


def apply_values(
    stored: Mapping[str, object], changes: Mapping[str, Scalar | None], replace: bool
) -> dict[str, object]:
    """The stored custom values after `changes` (merged, or replacing everything)."""
    result: dict[str, object] = {} if replace else dict(stored)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result

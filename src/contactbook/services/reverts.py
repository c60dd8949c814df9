"""Reverting a contact to an earlier version: its fields, custom values, additional
attributes, tags and lists become what its history says they were, as one new write.

The state at version N is the current state with every record above N undone
(`domain.changes.rewind`). The write is an ordinary update of the fields that differ, so it
is recorded like any other (with `detail.reverted_to`), moves the version once, and changes
nothing when the contact already is as it was. What no longer exists (a list, a tag or a
custom field deleted since) is left out and named in `detail.skipped`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contactbook.domain.changes import CUSTOM_PREFIX, rewind, snapshot
from contactbook.domain.contacts import Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import Busy, InvalidInput, ProblemCode
from contactbook.domain.preconditions import VersionCondition, check_condition
from contactbook.domain.reversal import changed_values, input_of
from contactbook.services.contacts import update_contact
from contactbook.services.recording import RECORDED
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Reverted:
    """The contact after a revert, the revert's record (None when nothing changed) and what
    could not be brought back."""

    contact: Contact
    change_id: int | None
    skipped: tuple[str, ...]


async def revert_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    version: int,
    *,
    condition: VersionCondition | None = None,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Reverted:
    """Make the contact what it was at `version`.

    Raises: ContactNotFound, PreconditionFailed, InvalidInput (`version`: none such in the
    contact's history), DuplicateContact (a value it had is another contact's now).
    """
    ctx.require(KeyScope.WRITE)
    # The lock order: the bucket of the phone the revert gives comes before the contact, so
    # the target is worked out once unlocked to know that phone, and again under the lock; a
    # phone that differs between the two means another writer got there first: run again.
    peeked, _ = await _target(uow, await uow.contacts.get(contact_id, RECORDED), version)
    await uow.hold_phones([peeked.get("phone")])
    locked = await uow.contacts.get(contact_id, frozenset(), lock=True)
    check_condition(condition, locked.version)
    current = await uow.contacts.get(contact_id, RECORDED)
    target, state = await _target(uow, current, version)
    if target.get("phone") != peeked.get("phone"):
        raise Busy()
    values, skipped = await _writable(uow, changed_values(state, target))
    if not values:
        return Reverted(await uow.contacts.get(contact_id, include), None, tuple(skipped))
    detail: dict[str, Any] = {"reverted_to": version}
    if skipped:
        detail["skipped"] = skipped
    contact = await update_contact(
        uow, ctx, contact_id, input_of(values), condition=condition, include=include,
        detail=detail,
    )  # fmt: skip
    change_id = None
    if contact.version != locked.version:
        newest = await uow.changes.of_contact(contact_id, limit=1)
        change_id = newest[0].id if newest else None
    return Reverted(contact, change_id, tuple(skipped))


async def _target(
    uow: UnitOfWork, current: Contact, version: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the contact's state at `version`, its state now).

    Raises: InvalidInput naming `version` when its history cannot reach it.
    """
    state = snapshot(current)
    if version == current.version:
        return state, state
    first = await uow.changes.first_version(current.id)
    if version < 1 or version > current.version or first is None or version < first:
        earliest = current.version if first is None else first
        raise InvalidInput.single(
            "version",
            ProblemCode.OUT_OF_RANGE,
            f"The contact's history holds versions {earliest} to {current.version}.",
            version,
        )
    return rewind(state, await uow.changes.above_version(current.id, version)), state


async def _writable(uow: UnitOfWork, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`values` without what no longer exists (lists, tags, custom fields deleted since), and
    the names of what was left out."""
    kept = dict(values)
    skipped: list[str] = []
    if kept.get("lists"):
        wanted = [int(item) for item in kept["lists"]]
        existing = await uow.lists.existing_ids(wanted)
        skipped += [f"lists.{item}" for item in wanted if item not in existing]
        kept["lists"] = [item for item in wanted if item in existing]
    if kept.get("tags"):
        found = await uow.tags.find(kept["tags"])
        skipped += [f"tags.{name}" for name in kept["tags"] if name.casefold() not in found]
        kept["tags"] = [name for name in kept["tags"] if name.casefold() in found]
    keys = {definition.key for definition in (await uow.field_catalog()).values()}
    for name in [n for n in kept if n.startswith(CUSTOM_PREFIX)]:
        if name.removeprefix(CUSTOM_PREFIX) not in keys:
            del kept[name]
            if values[name] is not None:
                skipped.append(name)
    return kept, skipped

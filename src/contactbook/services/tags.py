"""Tag use cases: the account's tags and the tags on a contact.

Each contact whose tags a write changes gets one change record (`tags`, by name, before and
after) and a new version; a write that leaves its tags as they were records nothing. Renaming
or deleting a tag changes what every contact carrying it shows, so each carrier is recorded
too, with one tracking read and one record statement for all of them. A colour is no part
of the recorded state, but `update_tag` recolouring a tag still moves and records each carrier
(the colour change as the record's detail), since the APIs show it. (A colour given with a tag
put on one contact recolours the account's tag without moving its other carriers, as before.)
"""

from __future__ import annotations

from collections.abc import Sequence

from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, Problem
from contactbook.domain.tags import (
    Tag,
    TagInput,
    check_color,
    normalise_tag_name,
    unique_tags,
)
from contactbook.domain.text import check_text
from contactbook.services.recording import track
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork


async def list_tags(uow: UnitOfWork, ctx: RequestContext) -> list[tuple[Tag, int]]:
    """Every tag of the account with how many contacts carry it."""
    ctx.require(KeyScope.READ)
    return await uow.tags.list_all()


async def update_tag(
    uow: UnitOfWork,
    ctx: RequestContext,
    name: str,
    new_name: str | None = None,
    color: str | None = None,
) -> Tag:
    """Rename or recolour a tag.

    Raises: TagNotFound, InvalidInput, Conflict (the new name is taken).
    """
    ctx.require(KeyScope.WRITE)
    tag = await uow.tags.get_by_name(check_text(name, "name"))
    clean_name = normalise_tag_name(new_name, "name") if new_name is not None else tag.name
    clean_color = check_color(color) if color is not None else tag.color
    if clean_name == tag.name and clean_color == tag.color:
        return tag  # nothing changes: nothing is written or recorded
    carriers = await _hold_carriers(uow, tag)
    tracking = await track(uow, ctx, carriers)
    updated = await uow.tags.rename(tag, clean_name, clean_color)
    # A new name shows in every carrier's `tags`. A colour is not part of a contact's recorded
    # state but is part of what the APIs show of it (its version and ETag must move): each
    # carrier is recorded then, with the colour change as the record's detail.
    recoloured = clean_color != tag.color
    detail = {"tag": clean_name, "color": {"from": tag.color, "to": clean_color}}
    await tracking.finish(
        detail=detail if recoloured else None, always=carriers if recoloured else ()
    )
    return updated


async def delete_tag(uow: UnitOfWork, ctx: RequestContext, name: str) -> None:
    """Remove a tag from the account and from every contact (each carrier is recorded).

    Raises: TagNotFound.
    """
    ctx.require(KeyScope.WRITE)
    tag = await uow.tags.get_by_name(check_text(name, "name"))
    tracking = await track(uow, ctx, await _hold_carriers(uow, tag))
    await uow.tags.delete(tag)
    await tracking.finish()


async def _hold_carriers(uow: UnitOfWork, tag: Tag) -> list[int]:
    """Lock the contacts carrying `tag`, then the tag row (the lock order), and return those
    that carry it once the row is held. The tag's lock waits for writers putting it on
    contacts and keeps new ones out; a contact that got it between the first read and that
    lock is locked next (one that lost it meanwhile stays locked, and is not returned)."""
    locked = {c.id for c in await uow.contacts.lock(await uow.tags.carriers(tag.id))}
    await uow.tags.lock(tag.id)
    carriers = set(await uow.tags.carriers(tag.id))
    if carriers - locked:
        await uow.contacts.lock(carriers - locked)
    return sorted(carriers)


async def add_contact_tags(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    tags: Sequence[TagInput],
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """Append tags (unknown ones are created, default colour #c377e0); idempotent.

    Raises: ContactNotFound, InvalidInput.
    """
    ctx.require(KeyScope.WRITE)
    await uow.contacts.get(contact_id, frozenset(), lock=True)
    tracking = await track(uow, ctx, [contact_id])
    stored = await uow.tags.ensure(clean_tags(tags), utcnow())
    await uow.tags.add_to_contact(contact_id, [tag.id for tag in stored])
    await tracking.finish()  # records the new tags and moves the version, if any were new
    return await uow.contacts.get(contact_id, include)


async def remove_contact_tags(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    names: Sequence[str],
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """Take tags off a contact; names it lacks are ignored.

    Raises: ContactNotFound.
    """
    ctx.require(KeyScope.WRITE)
    names = [check_text(name, f"tags.{index}.name") for index, name in enumerate(names)]
    await uow.contacts.get(contact_id, frozenset(), lock=True)
    tracking = await track(uow, ctx, [contact_id])
    found = await uow.tags.find(names)
    await uow.tags.remove_from_contact(contact_id, [tag.id for tag in found.values()])
    await tracking.finish()
    return await uow.contacts.get(contact_id, include)


async def set_contact_tags(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    tags: Sequence[TagInput],
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """Make the contact's tags exactly `tags`, in that order.

    Raises: ContactNotFound, InvalidInput.
    """
    ctx.require(KeyScope.WRITE)
    await uow.contacts.get(contact_id, frozenset(), lock=True)
    tracking = await track(uow, ctx, [contact_id])
    stored = await uow.tags.ensure(clean_tags(tags), utcnow())
    await uow.tags.replace_on_contact(contact_id, [tag.id for tag in stored])
    await tracking.finish()
    return await uow.contacts.get(contact_id, include)


def clean_tags(tags: Sequence[TagInput]) -> list[TagInput]:
    """Trimmed, checked, without repeats.

    Raises: InvalidInput naming `tags.N`.
    """
    problems: list[Problem] = []
    clean: list[TagInput] = []
    for index, tag in enumerate(tags):
        try:
            clean.append(
                TagInput(
                    normalise_tag_name(tag.name, f"tags.{index}"),
                    check_color(tag.color, f"tags.{index}.color") if tag.color else None,
                )
            )
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return unique_tags(clean)

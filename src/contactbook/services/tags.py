"""Tag use cases: the account's tags and the tags on a contact."""

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
    carriers = await uow.tags.carriers(tag.id)
    await uow.contacts.lock(carriers)  # contacts before the tag row: the lock order
    updated = await uow.tags.rename(tag, clean_name, clean_color)
    await uow.contacts.touch(carriers, utcnow())
    return updated


async def delete_tag(uow: UnitOfWork, ctx: RequestContext, name: str) -> None:
    """Remove a tag from the account and from every contact.

    Raises: TagNotFound.
    """
    ctx.require(KeyScope.WRITE)
    tag = await uow.tags.get_by_name(check_text(name, "name"))
    await uow.contacts.lock(await uow.tags.carriers(tag.id))  # contacts first: the lock order
    await uow.contacts.touch(await uow.tags.delete(tag), utcnow())


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
    now = utcnow()
    stored = await uow.tags.ensure(clean_tags(tags), now)
    if await uow.tags.add_to_contact(contact_id, [tag.id for tag in stored]):
        await uow.contacts.touch([contact_id], now)
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
    found = await uow.tags.find(names)
    if await uow.tags.remove_from_contact(contact_id, [tag.id for tag in found.values()]):
        await uow.contacts.touch([contact_id], utcnow())
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
    now = utcnow()
    stored = await uow.tags.ensure(clean_tags(tags), now)
    if await uow.tags.replace_on_contact(contact_id, [tag.id for tag in stored]):
        await uow.contacts.touch([contact_id], now)
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

"""Contact events.

An event is about a contact, not a change to it: adding one writes no contact row or relation,
moves no version and leaves no change record (the events list is its own history).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.events import EVENT_NAME_MAX_LENGTH, Event
from contactbook.domain.free_json import check_object
from contactbook.domain.text import check_text
from contactbook.storage.uow import UnitOfWork


async def record_event(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    name: str,
    data: Mapping[str, Any] | None = None,
) -> Event:
    """Raises: ContactNotFound, InvalidInput (blank or long name, data that is no plain JSON
    object of bounded size)."""
    ctx.require(KeyScope.WRITE)
    clean = check_text(name, "name").strip()
    problems: list[Problem] = []
    if not clean:
        problems.append(Problem("name", ProblemCode.REQUIRED, "This value should not be blank."))
    elif len(clean) > EVENT_NAME_MAX_LENGTH:
        problems.append(Problem("name", ProblemCode.TOO_LONG, "At most 255 characters."))
    if data is not None:
        try:
            data = check_object(data, "data")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    await uow.contacts.hold(contact_id)
    return await uow.events.add(contact_id, clean, data, utcnow())


async def list_events(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    limit: int = 100,
    before_id: int | None = None,
) -> list[Event]:
    """The contact's events, newest first.

    Raises: ContactNotFound.
    """
    ctx.require(KeyScope.READ)
    await uow.contacts.get(contact_id, frozenset())
    return await uow.events.for_contact(contact_id, limit, before_id)

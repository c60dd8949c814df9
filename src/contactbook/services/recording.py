"""Recording writes: each contact a write changed gets one change record, in the write's own
transaction (so a write and its record commit together or not at all).

A service that changes existing contacts locks them, calls `track` before writing and
`Tracking.finish` after: the contacts are read before and after, compared field by field, and
a record is written for each one that differs. A contact that differs but whose version did
not move (a relation changed, say) has its version moved here, so a version always names one
state; a write that changes nothing records nothing and moves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from contactbook.domain.changes import (
    INBOXES_FIELD,
    Action,
    NewChange,
    diff,
    identities,
    snapshot,
    with_stoplist,
)
from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import Contact
from contactbook.domain.context import RequestContext
from contactbook.storage.uow import UnitOfWork

# What a record compares: the contact's columns with its tags and lists.
RECORDED = frozenset({"lists", "tags"})


async def record(uow: UnitOfWork, ctx: RequestContext, items: Sequence[NewChange]) -> list[int]:
    """Write `items` as records of `ctx`'s writes; return their ids in order."""
    return await uow.changes.record(items, ctx.origin(), utcnow())


async def record_created(
    uow: UnitOfWork, ctx: RequestContext, contact_ids: Sequence[int]
) -> dict[int, int]:
    """Record new contacts (every value they were given, from null); return record ids by
    contact."""
    created = await uow.contacts.get_many(contact_ids, RECORDED)
    items = [
        NewChange(contact.id, contact.version, Action.CREATED, diff({}, snapshot(contact)))
        for contact in created
    ]
    ids = await record(uow, ctx, items)
    return {item.contact_id: change_id for item, change_id in zip(items, ids, strict=True)}


class Tracking:
    """The contacts one write is about to change, as they were before it."""

    def __init__(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        before: Sequence[Contact],
        *,
        stoplist: bool = False,
        identities: bool = False,
    ) -> None:
        self._uow = uow
        self._ctx = ctx
        self._stoplist = stoplist
        self._identities = identities
        self._before = {c.id: (c.version, snapshot(c)) for c in before}
        self.contacts = {c.id: c for c in before}

    async def _states(self, contacts: Sequence[Contact]) -> dict[int, dict[str, Any]]:
        states = {c.id: snapshot(c) for c in contacts}
        if self._stoplist:
            # One read for all of them: the entries of their phones.
            entries = await self._uow.stoplist.by_phones([c.phone for c in contacts if c.phone])
            for c in contacts:
                entry = entries.get(c.phone) if c.phone else None
                channels = [ch.value for ch in entry.channels] if entry is not None else []
                states[c.id] = with_stoplist(states[c.id], channels)
        if self._identities:
            held = await self._uow.inboxes.for_contacts([c.id for c in contacts])
            for c in contacts:
                shown = identities(held.get(c.id, []))
                if shown is not None:
                    states[c.id][INBOXES_FIELD] = shown
        return states

    async def _begin(self) -> Tracking:
        if self._stoplist or self._identities:
            states = await self._states(list(self.contacts.values()))
            self._before = {cid: (self.contacts[cid].version, states[cid]) for cid in states}
        return self

    async def finish(
        self,
        action: Action = Action.UPDATED,
        *,
        detail: Mapping[str, Any] | None = None,
        always: Sequence[int] = (),
    ) -> dict[int, int]:
        """Record what the write changed; return record ids by contact.

        `always`: contacts recorded even when no field they show differs (a merge's survivor
        took identities and events).
        """
        if not self._before:
            return {}
        found = await self._uow.contacts.get_many(list(self._before), RECORDED)
        after = {c.id: c for c in found}
        states = await self._states(found)
        items: list[NewChange] = []
        unmoved: list[int] = []
        for contact_id, (version, state) in self._before.items():
            contact = after.get(contact_id)
            if contact is None:  # gone meanwhile (deleted by this same write): not ours
                continue
            changed = diff(state, states[contact_id])
            if not changed and contact.version == version and contact_id not in always:
                continue
            new_version = contact.version
            if new_version == version:
                unmoved.append(contact_id)
                new_version += 1
            items.append(NewChange(contact_id, new_version, action, changed, detail))
        if unmoved:
            await self._uow.contacts.touch(unmoved, utcnow())
        ids_written = await record(self._uow, self._ctx, items)
        return {item.contact_id: cid for item, cid in zip(items, ids_written, strict=True)}


async def track(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_ids: Sequence[int],
    *,
    stoplist: bool = False,
    identities: bool = False,
) -> Tracking:
    """Begin recording a write to `contact_ids`; call with the contacts locked. With
    `stoplist`, the stop-list channels of each contact's phone are part of what is compared
    (for writes to the stop list); with `identities`, its channel identities (`inboxes`, for
    writes that move them: a merge and its undo)."""
    contacts = await uow.contacts.get_many(contact_ids, RECORDED)
    tracking = Tracking(uow, ctx, contacts, stoplist=stoplist, identities=identities)
    return await tracking._begin()

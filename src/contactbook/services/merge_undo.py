"""Undoing a merge: the merged-away contact comes back from the trash and what the merge did
to the survivor goes back, as far as nothing changed it since.

The merge's record says what to undo (`services.merges`): its field diff on the survivor, the
lists the survivor joined, the identities and events that moved, and the mergee's `deleted`
record. The mergee is restored as the trash keeps it (same id, lists, tags, custom values),
its identities and events move back by id, and each survivor field that still holds what the
merge set gets its earlier value; a field changed since keeps its value and is reported as a
conflict. The undo is one write: `restored` on the mergee and `updated` on the survivor, both
with `detail.undo_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contactbook.domain.changes import INBOXES_FIELD, Action, ChangeRecord, NewChange, snapshot
from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import (
    Busy,
    ChangeNotFound,
    ContactNotFound,
    DuplicateContact,
    NotUndoable,
)
from contactbook.domain.reversal import input_of, undoable
from contactbook.services.contacts import write_locked
from contactbook.services.recording import record, track
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.repositories.trash import TrashedContact
from contactbook.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class MergeUndone:
    """What an undo did: the two contacts as they are now, the undo's record on the survivor,
    the survivor fields put back and those kept because they changed since the merge."""

    undo_of: int
    change_id: int
    restored: Contact
    survivor: Contact
    reverted: tuple[str, ...]
    conflicts: tuple[str, ...]


async def undo_merge(
    uow: UnitOfWork,
    ctx: RequestContext,
    change_id: int,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> MergeUndone:
    """Undo the merge that left record `change_id`.

    Raises: ChangeNotFound (no such record, not a merge's, another account's), NotUndoable
    (undone already, the mergee restored, erased or purged since, or the survivor gone),
    DuplicateContact naming each identifier of the mergee a live contact took meanwhile
    (nothing changes).
    """
    ctx.require(KeyScope.WRITE)
    merge = await uow.changes.get(change_id)
    if merge is None or merge.action is not Action.MERGED:
        raise ChangeNotFound(change_id)
    plan = _Plan.of(merge)
    survivor_id, mergee_id = merge.contact_id, plan.mergee_id
    peeked = await _filed(uow, plan)
    # The lock order: the phone buckets of what comes back (the mergee's phone, and the phone
    # the survivor had before the merge, if it gave the survivor one), then the survivor,
    # then the mergee's trash row (as a restore takes it).
    await uow.hold_phones([peeked.phone, merge.changes.get("phone", {}).get("from")])
    locked = await uow.contacts.lock([survivor_id])
    if not locked:
        raise NotUndoable(f"Contact {survivor_id}, which the merge kept, is gone.")
    trashed = await _filed(uow, plan, lock=True)
    if trashed.phone != peeked.phone:
        raise Busy()
    tracking = await track(uow, ctx, [survivor_id], identities=True)
    survivor = tracking.contacts[survivor_id]
    fields = {name: change for name, change in merge.changes.items() if name != "lists"}
    back, conflicts = undoable(fields, snapshot(survivor))
    reverted = list(back)
    if plan.joined_lists:
        member_of = {item.id for item in survivor.lists}
        leaving = [list_id for list_id in plan.joined_lists if list_id in member_of]
        # The lists the merge added leave the survivor; one it left since is a later change.
        (reverted if len(leaving) == len(plan.joined_lists) else conflicts).append("lists")
        await uow.lists.remove_members(leaving, [survivor_id])
    # The survivor first: the identifiers it took from the mergee are then free again.
    await write_locked(uow, ctx, locked[0], input_of(back))
    taken = await uow.trash.conflicts(mergee_id)
    if taken:
        raise DuplicateContact(list(taken))
    version = await uow.trash.restore(mergee_id, utcnow())
    # The restore leaves out identities the survivor holds: the ones the merge moved.
    moved_back = await uow.inboxes.move_identities(survivor_id, mergee_id, plan.inboxes)
    if plan.inboxes:
        # One the survivor no longer holds (removed since) is a later change, kept.
        done = len(moved_back) == len(set(plan.inboxes))
        (reverted if done else conflicts).append(INBOXES_FIELD)
    await uow.events.move(survivor_id, mergee_id, plan.events)
    detail = {"undo_of": change_id}
    # The survivor changed even when no field did: its identities and events went back.
    recorded = await tracking.finish(Action.UPDATED, detail=detail, always=[survivor_id])
    await record(uow, ctx, [NewChange(mergee_id, version, Action.RESTORED, detail=detail)])
    return MergeUndone(
        undo_of=change_id,
        change_id=recorded[survivor_id],
        restored=await uow.contacts.get(mergee_id, include),
        survivor=await uow.contacts.get(survivor_id, include),
        reverted=tuple(reverted),
        conflicts=tuple(conflicts),
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a merge's record says it moved."""

    mergee_id: int
    mergee_change_id: int
    joined_lists: list[int]
    inboxes: list[int]
    events: list[int]

    @classmethod
    def of(cls, merge: ChangeRecord) -> _Plan:
        """Raises: NotUndoable (the record no longer says: its contact's history was
        erased)."""
        detail: Mapping[str, Any] = merge.detail or {}
        merged = detail.get("merged_ids") or []
        if not merged or "mergee_change_id" not in detail:
            raise NotUndoable("This merge's record no longer says what it moved.")
        moved = detail.get("moved") or {}
        return cls(
            mergee_id=int(merged[0]),
            mergee_change_id=int(detail["mergee_change_id"]),
            joined_lists=[int(i) for i in detail.get("joined_lists") or []],
            inboxes=[int(i) for i in moved.get("inboxes") or []],
            events=[int(i) for i in moved.get("events") or []],
        )


async def _filed(uow: UnitOfWork, plan: _Plan, *, lock: bool = False) -> TrashedContact:
    """The mergee's trash entry, if it is the one this merge filed.

    Raises: NotUndoable (undone already, or restored, deleted again, erased or purged since).
    """
    try:
        trashed = await uow.trash.get(plan.mergee_id, lock=lock)
    except ContactNotFound:
        trashed = None
    if trashed is None or trashed.change_id != plan.mergee_change_id:
        raise NotUndoable(
            f"Contact {plan.mergee_id} is no longer in the trash as this merge left it: "
            "the merge was undone, or the contact restored or erased since."
        )
    return trashed

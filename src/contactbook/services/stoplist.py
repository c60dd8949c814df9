"""Stop list use cases.

A phone going on or off the stop list (or changing channels) changes the contact holding that
phone, if any: it gets a change record with the field `stoplist` (the phone's channels, sorted,
before and after; null for none) and a new version, in the same transaction. A change that
leaves every channel as it was records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode, StopEntryNotFound
from contactbook.domain.phones import normalise_phone
from contactbook.domain.queries import Condition
from contactbook.domain.stoplist import MAX_PHONES_PER_CHANGE, Channel, StopEntry
from contactbook.services.phone_matching import match_phone_conditions
from contactbook.services.recording import Tracking, track
from contactbook.storage.uow import UnitOfWork


async def list_stop_entries(
    uow: UnitOfWork,
    ctx: RequestContext,
    offset: int = 0,
    limit: int = 50,
    channels: frozenset[Channel] = frozenset(),
    where: Sequence[Condition] = (),
    list_id: int | None = None,
    sort: str = "id",
    descending: bool = False,
) -> tuple[list[StopEntry], int]:
    """A page of stop entries and the number matching."""
    ctx.require(KeyScope.READ)
    where = match_phone_conditions(where, ctx.default_region)
    return await uow.stoplist.page(offset, limit, channels, where, list_id, sort, descending)


async def stop_phones(
    uow: UnitOfWork, ctx: RequestContext, phones: Sequence[str], channels: frozenset[Channel]
) -> list[StopEntry]:
    """Put phones on the stop list for `channels`; one entry per phone, in the order given.

    Raises: InvalidInput naming `phones.N` or `channels` (nothing changes then).
    """
    ctx.require(KeyScope.WRITE)
    numbers = _normalise(ctx, phones, channels)
    tracking = await _hold(uow, ctx, numbers)
    entries = await uow.stoplist.add(numbers, channels, utcnow())
    await tracking.finish()
    return entries


async def release_entries(
    uow: UnitOfWork, ctx: RequestContext, entry_ids: Sequence[int], channels: frozenset[Channel]
) -> int:
    """Take `channels` off the given entries (an entry left with none is deleted); return how
    many entries were touched. Unknown ids are skipped."""
    ctx.require(KeyScope.WRITE)
    if not channels:
        raise InvalidInput.single("channels", ProblemCode.REQUIRED, "Give at least one channel.")
    tracking = await _hold(uow, ctx, await uow.stoplist.phones_of(entry_ids))
    removed = await uow.stoplist.remove_ids(entry_ids, channels, utcnow())
    await tracking.finish()
    return removed


async def release_phones(
    uow: UnitOfWork, ctx: RequestContext, phones: Sequence[str], channels: frozenset[Channel]
) -> int:
    """Take `channels` off the given phones; return how many were on the list.

    Raises: InvalidInput.
    """
    ctx.require(KeyScope.WRITE)
    numbers = _normalise(ctx, phones, channels)
    tracking = await _hold(uow, ctx, numbers)
    removed = await uow.stoplist.remove_phones(numbers, channels, utcnow())
    await tracking.finish()
    return removed


async def _hold(uow: UnitOfWork, ctx: RequestContext, phones: Sequence[str]) -> Tracking:
    """Take the phones' buckets and lock the contacts holding them (the lock order), and begin
    recording those contacts with their stop-list state."""
    return await track(uow, ctx, await uow.stoplist.hold(phones), stoplist=True)


def _normalise(
    ctx: RequestContext, phones: Sequence[str], channels: frozenset[Channel]
) -> list[str]:
    problems: list[Problem] = []
    if not channels:
        problems.append(Problem("channels", ProblemCode.REQUIRED, "Give at least one channel."))
    if not phones:
        problems.append(Problem("phones", ProblemCode.REQUIRED, "Give at least one phone."))
    if len(phones) > MAX_PHONES_PER_CHANGE:
        problems.append(
            Problem("phones", ProblemCode.TOO_MANY, f"At most {MAX_PHONES_PER_CHANGE} phones.")
        )
    numbers: list[str] = []
    for index, phone in enumerate(phones):
        try:
            numbers.append(normalise_phone(phone, ctx.default_region, f"phones.{index}").e164)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return numbers


async def delete_stop_entry(uow: UnitOfWork, ctx: RequestContext, entry_id: int) -> None:
    """Take an entry off the stop list on every channel.

    Raises: StopEntryNotFound.
    """
    if not await release_entries(uow, ctx, [entry_id], frozenset(Channel)):
        raise StopEntryNotFound(entry_id)

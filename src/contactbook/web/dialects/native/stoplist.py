"""Native stop list routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from contactbook.domain.stoplist import Channel
from contactbook.services import stoplist
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.mapping import stop_out
from contactbook.web.dialects.native.params import Offset
from contactbook.web.dialects.native.schemas import ReleasedOut, StopIn, StopItemsOut, StopPageOut
from contactbook.web.kit.ids import PathId, QueryId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["stoplist"], route_class=DialectRoute)


@router.get("/stoplist", response_model=StopPageOut, operation_id="ListStopEntries")
async def list_entries(
    ctx: Ctx,
    rt: Rt,
    channel: Annotated[list[Channel] | None, Query(description="On any of these")] = None,
    list_id: QueryId = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        items, total = await stoplist.list_stop_entries(
            uow, ctx, offset, limit, frozenset(channel or ()), list_id=list_id
        )
    return Json({"items": [stop_out(e) for e in items], "total": total})


@router.post("/stoplist", response_model=StopItemsOut, operation_id="StopPhones")
async def stop_phones(body: StopIn, ctx: Ctx, rt: Rt) -> Response:
    """Stop phones on channels (keeps channels already stopped)."""
    async with rt.db.unit(ctx) as uow:
        entries = await stoplist.stop_phones(
            uow, ctx, [str(p) for p in body.phones], frozenset(body.channels)
        )
    return Json({"items": [stop_out(e) for e in entries]})


@router.post("/stoplist/remove", response_model=ReleasedOut, operation_id="ReleasePhones")
async def release_phones(body: StopIn, ctx: Ctx, rt: Rt) -> Response:
    """Take channels off phones; a phone left with none leaves the list."""
    async with rt.db.unit(ctx) as uow:
        released = await stoplist.release_phones(
            uow, ctx, [str(p) for p in body.phones], frozenset(body.channels)
        )
    return Json({"released": released})


@router.delete("/stoplist/{entry_id}", status_code=204, operation_id="DeleteStopEntry")
async def delete_entry(entry_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        await stoplist.delete_stop_entry(uow, ctx, entry_id)
    return empty()

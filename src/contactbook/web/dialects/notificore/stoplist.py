"""Notificore stop list routes: `/api/stoplist…` (entry ids are stop-list ids, not contacts)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from starlette.responses import Response

from contactbook.domain.stoplist import Channel
from contactbook.services import stoplist
from contactbook.web.dialects.notificore.answers import Nothing, StopEntries, StopFound, StopPage
from contactbook.web.dialects.notificore.auth import Ctx
from contactbook.web.dialects.notificore.body import read_body
from contactbook.web.dialects.notificore.mapping import phones_in, stop_out
from contactbook.web.dialects.notificore.openapi import CONTACT_GROUP, ORDER, PAGE, SEARCH, TYPES
from contactbook.web.dialects.notificore.params import optional_id, page_of
from contactbook.web.dialects.notificore.queries import (
    SEARCH_LIMIT,
    STOP_LIMIT,
    STOP_SORTS,
    read_search,
    stop_channels,
    stop_conditions,
)
from contactbook.web.dialects.notificore.schemas import StopAttachIn, StopDetachIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body, query_parameters
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.get("/stoplist", response_model=StopPage, openapi_extra=query_parameters(*PAGE, TYPES))
async def stoplist_list(request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Entries of any of the types asked (`type`, or the documented `types`), or of all."""
    items = request.query_params.multi_items()
    page, channels = page_of(items, STOP_LIMIT), stop_channels(items)
    async with rt.db.unit(ctx, write=False) as uow:
        found, total = await stoplist.list_stop_entries(uow, ctx, page.offset, page.limit, channels)
    return Json({"data": [stop_out(entry) for entry in found], "total": total})


@router.post(
    "/stoplist/attach", response_model=StopEntries, openapi_extra=documented_body(StopAttachIn)
)
async def stoplist_attach(request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Stop each phone on the types given; 200 (not 201), one entry per phone."""
    body = await read_body(request, StopAttachIn)
    phones = phones_in(body.phones)
    async with rt.db.unit(ctx) as uow:
        entries = await stoplist.stop_phones(uow, ctx, phones, _channels(body.types))
    return Json({"data": [stop_out(entry) for entry in entries]})


@router.post(
    "/stoplist/detach", response_model=Nothing, openapi_extra=documented_body(StopDetachIn)
)
async def stoplist_detach(request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Clear the types given on the entries; an entry left with none is removed."""
    body = await read_body(request, StopDetachIn)
    async with rt.db.unit(ctx) as uow:
        await stoplist.release_entries(uow, ctx, body.ids, _channels(body.types))
    return Json({})


@router.get(
    "/stoplist/search",
    response_model=StopFound,
    openapi_extra=query_parameters(*PAGE, *ORDER, *SEARCH, CONTACT_GROUP),
)
@router.get(
    "/stoplists/search",
    response_model=StopFound,
    openapi_extra=query_parameters(*PAGE, *ORDER, *SEARCH, CONTACT_GROUP),
)  # the older documentation's path
async def stoplist_search(request: Request, ctx: Ctx, rt: Rt) -> Response:
    items = request.query_params.multi_items()
    search = read_search(items, SEARCH_LIMIT, STOP_SORTS)
    where, group_id = stop_conditions(search.criteria), optional_id(items, "contact_group_id")
    async with rt.db.unit(ctx, write=False) as uow:
        found, total = await stoplist.list_stop_entries(
            uow,
            ctx,
            search.page.offset,
            search.page.limit,
            where=where,
            list_id=group_id,
            sort=search.order.sort,
            descending=search.order.descending,
        )
    return Json({"data": [stop_out(entry) for entry in found], "meta": search.meta(total)})


def _channels(types: Sequence[str]) -> frozenset[Channel]:
    return frozenset(Channel(value) for value in types)

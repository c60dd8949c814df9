"""Notificore contact list routes: `/api/groups…` (the core's lists)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from contactbook.domain.errors import ListNotFound
from contactbook.domain.lists import ListChanges, ListInput
from contactbook.services import lists
from contactbook.web.dialects.notificore.answers import GroupFound, GroupOne, GroupPage, Nothing
from contactbook.web.dialects.notificore.auth import Ctx
from contactbook.web.dialects.notificore.body import read_body
from contactbook.web.dialects.notificore.mapping import group_out, group_search_out
from contactbook.web.dialects.notificore.openapi import ORDER, PAGE, SEARCH
from contactbook.web.dialects.notificore.params import page_of, path_id
from contactbook.web.dialects.notificore.queries import (
    GROUP_LIMIT,
    GROUP_SORTS,
    SEARCH_LIMIT,
    group_conditions,
    read_search,
)
from contactbook.web.dialects.notificore.schemas import GroupChangesIn, GroupIn, MembershipIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body, query_parameters
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.get("/groups", response_model=GroupPage, openapi_extra=query_parameters(*PAGE))
async def groups_list(request: Request, ctx: Ctx, rt: Rt) -> Response:
    page = page_of(request.query_params.multi_items(), GROUP_LIMIT)
    async with rt.db.unit(ctx, write=False) as uow:
        found, total = await lists.list_lists(uow, ctx, page.offset, page.limit)
    return Json({"data": [group_out(item) for item in found], "total": total})


@router.post(
    "/groups", status_code=201, response_model=GroupOne, openapi_extra=documented_body(GroupIn)
)
async def groups_create(request: Request, ctx: Ctx, rt: Rt) -> Response:
    body = await read_body(request, GroupIn)
    async with rt.db.unit(ctx) as uow:
        item = await lists.create_list(
            uow, ctx, ListInput(body.name, body.description, body.default)
        )
    return Json({"data": group_out(item)}, 201)


@router.get(
    "/groups/search",
    response_model=GroupFound,
    openapi_extra=query_parameters(*PAGE, *ORDER, *SEARCH),
)
async def groups_search(request: Request, ctx: Ctx, rt: Rt) -> Response:
    search = read_search(request.query_params.multi_items(), SEARCH_LIMIT, GROUP_SORTS)
    where = group_conditions(search.criteria)
    async with rt.db.unit(ctx, write=False) as uow:
        found, total = await lists.list_lists(
            uow,
            ctx,
            search.page.offset,
            search.page.limit,
            where,
            search.order.sort,
            search.order.descending,
        )
    return Json({"data": [group_search_out(item) for item in found], "meta": search.meta(total)})


@router.post("/groups/attach", response_model=Nothing, openapi_extra=documented_body(MembershipIn))
async def groups_attach(request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Put every contact in every group (idempotent)."""
    body = await read_body(request, MembershipIn)
    async with rt.db.unit(ctx) as uow:
        await lists.attach_contacts(uow, ctx, body.groups, body.contacts)
    return Json({})


@router.post("/groups/detach", response_model=Nothing, openapi_extra=documented_body(MembershipIn))
async def groups_detach(request: Request, ctx: Ctx, rt: Rt) -> Response:
    body = await read_body(request, MembershipIn)
    async with rt.db.unit(ctx) as uow:
        await lists.detach_contacts(uow, ctx, body.groups, body.contacts)
    return Json({})


@router.get("/groups/{group_id}", response_model=GroupOne)
async def groups_get(group_id: str, ctx: Ctx, rt: Rt) -> Response:
    gid = path_id(group_id, ListNotFound)
    async with rt.db.unit(ctx, write=False) as uow:
        item = await lists.get_list(uow, ctx, gid)
    return Json({"data": group_out(item)})


@router.put(
    "/groups/{group_id}", response_model=GroupOne, openapi_extra=documented_body(GroupChangesIn)
)
async def groups_update(group_id: str, request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Change what is present (the SDK always sends `default`, false unless set)."""
    gid = path_id(group_id, ListNotFound)
    body = await read_body(request, GroupChangesIn)
    given = body.model_fields_set
    changes = ListChanges(
        name=body.name,
        description=body.description,
        is_default=body.default,
        clear_description="description" in given and body.description is None,
    )
    async with rt.db.unit(ctx) as uow:
        item = await lists.update_list(uow, ctx, gid, changes)
    return Json({"data": group_out(item)})


@router.delete("/groups/{group_id}", status_code=204, response_class=Response)
async def groups_delete(group_id: str, ctx: Ctx, rt: Rt) -> Response:
    """Delete the group; its contacts stay in the contact book."""
    gid = path_id(group_id, ListNotFound)
    async with rt.db.unit(ctx) as uow:
        await lists.delete_list(uow, ctx, gid)
    return empty()

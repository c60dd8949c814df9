"""Native list routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from contactbook.domain.lists import ListChanges, ListInput
from contactbook.services import lists
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.mapping import list_out
from contactbook.web.dialects.native.params import Offset
from contactbook.web.dialects.native.schemas import (
    ListIn,
    ListOut,
    ListPageOut,
    ListPatch,
    MembersAddedOut,
    MembersIn,
    MembersRemovedOut,
)
from contactbook.web.kit.ids import PathId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["lists"], route_class=DialectRoute)


@router.get("/lists", response_model=ListPageOut, operation_id="ListLists")
async def list_lists(
    ctx: Ctx,
    rt: Rt,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        items, total = await lists.list_lists(uow, ctx, offset, limit)
    return Json({"items": [list_out(item) for item in items], "total": total})


@router.post("/lists", status_code=201, response_model=ListOut, operation_id="CreateList")
async def create_list(body: ListIn, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        item = await lists.create_list(
            uow, ctx, ListInput(body.name, body.description, body.is_default)
        )
    return Json(list_out(item), 201)


@router.get("/lists/{list_id}", response_model=ListOut, operation_id="GetList")
async def get_list(list_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        item = await lists.get_list(uow, ctx, list_id)
    return Json(list_out(item))


@router.patch("/lists/{list_id}", response_model=ListOut, operation_id="UpdateList")
async def update_list(list_id: PathId, body: ListPatch, ctx: Ctx, rt: Rt) -> Response:
    given = body.model_fields_set
    changes = ListChanges(
        name=body.name,
        description=body.description,
        is_default=body.is_default,
        clear_description="description" in given and body.description is None,
    )
    async with rt.db.unit(ctx) as uow:
        item = await lists.update_list(uow, ctx, list_id, changes)
    return Json(list_out(item))


@router.delete("/lists/{list_id}", status_code=204, operation_id="DeleteList")
async def delete_list(list_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    """Delete the list; its contacts stay."""
    async with rt.db.unit(ctx) as uow:
        await lists.delete_list(uow, ctx, list_id)
    return empty()


@router.post(
    "/lists/{list_id}/members", response_model=MembersAddedOut, operation_id="AddListMembers"
)
async def add_members(list_id: PathId, body: MembersIn, ctx: Ctx, rt: Rt) -> Response:
    """Add contacts to the list (idempotent)."""
    async with rt.db.unit(ctx) as uow:
        added, item = await lists.add_members(uow, ctx, list_id, body.contact_ids)
    return Json({"added": added, "list": list_out(item)})


@router.post(
    "/lists/{list_id}/members/remove",
    response_model=MembersRemovedOut,
    operation_id="RemoveListMembers",
)
async def remove_members(list_id: PathId, body: MembersIn, ctx: Ctx, rt: Rt) -> Response:
    """Take contacts out of the list."""
    async with rt.db.unit(ctx) as uow:
        removed, item = await lists.remove_members(uow, ctx, list_id, body.contact_ids)
    return Json({"removed": removed, "list": list_out(item)})


@router.delete(
    "/lists/{list_id}/members/{contact_id}", status_code=204, operation_id="RemoveListMember"
)
async def remove_member(list_id: PathId, contact_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        await lists.remove_member(uow, ctx, list_id, contact_id)
    return empty()

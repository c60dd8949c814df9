"""HelpCrunch customer routes: list, search, batch update, and one customer's CRUD."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from contactbook.services import batch_updates, contacts
from contactbook.web.dialects.helpcrunch.answers import CustomerOut, CustomerPageOut
from contactbook.web.dialects.helpcrunch.auth import Ctx
from contactbook.web.dialects.helpcrunch.errors import custom_data_paths
from contactbook.web.dialects.helpcrunch.mapping import (
    INCLUDE,
    Mode,
    body_id,
    custom_indexes,
    customer_input,
    customer_out,
    path_id,
)
from contactbook.web.dialects.helpcrunch.schemas import MAX_OFFSET, BatchIn, CustomerIn, SearchIn
from contactbook.web.dialects.helpcrunch.search import (
    Paging,
    contact_query,
    search_filter,
    search_paging,
)
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


def _page(items: list[dict[str, object]], total: int | None) -> Response:
    return Json({"data": items, "total": total})


@router.get("/customers", response_model=CustomerPageOut)
async def customers_list(
    request: Request,
    ctx: Ctx,
    rt: Rt,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    sort: str | None = None,
    order: str | None = None,
) -> Response:
    async def render() -> Response:
        query = contact_query(Paging(offset, limit, sort, order))
        async with rt.db.unit(ctx, write=False) as uow:
            page = await contacts.list_contacts(uow, ctx, query)
        return _page([customer_out(c) for c in page.items], page.total)

    return await rt.responses.respond(request, ctx, render)


@router.post("/customers/search", response_model=CustomerPageOut)
async def customers_search(request: Request, body: SearchIn, ctx: Ctx, rt: Rt) -> Response:
    async def render() -> Response:
        query = contact_query(search_paging(body), search_filter(body))
        async with rt.db.unit(ctx, write=False) as uow:
            page = await contacts.list_contacts(uow, ctx, query)
        return _page([customer_out(c) for c in page.items], page.total)

    return await rt.responses.respond(request, ctx, render, vary=(await request.body(),))


@router.put("/customers/batch", response_model=list[CustomerOut])
async def customers_batch_update(body: BatchIn, ctx: Ctx, rt: Rt) -> Response:
    """Change up to 10 customers at once (each like PATCH); one bad item changes nothing."""
    changes = [
        (body_id(item.customer), customer_input(item, "patch", f"[{index}]."))
        for index, item in enumerate(body)
    ]
    indexes: dict[int | None, dict[str, int]] = {
        index: custom_indexes(item) for index, item in enumerate(body)
    }
    with custom_data_paths(indexes):
        async with rt.db.unit(ctx) as uow:
            updated = await batch_updates.update_contacts(uow, ctx, changes, include=INCLUDE)
    return Json([customer_out(c) for c in updated])


@router.post("/customers", status_code=201, response_model=CustomerOut)
async def customers_create(body: CustomerIn, ctx: Ctx, rt: Rt) -> Response:
    data = customer_input(body, "create")
    with custom_data_paths({None: custom_indexes(body)}):
        async with rt.db.unit(ctx) as uow:
            contact = await contacts.create_contact(uow, ctx, data, include=INCLUDE)
    return Json(customer_out(contact), 201)


@router.get("/customers/{customer_id}", response_model=CustomerOut)
async def customers_get(request: Request, customer_id: str, ctx: Ctx, rt: Rt) -> Response:
    async def render() -> Response:
        async with rt.db.unit(ctx, write=False) as uow:
            contact = await contacts.get_contact(uow, ctx, path_id(customer_id), INCLUDE)
        return Json(customer_out(contact))

    return await rt.responses.respond(request, ctx, render)


@router.put("/customers/{customer_id}", response_model=CustomerOut)
async def customers_replace(customer_id: str, body: CustomerIn, ctx: Ctx, rt: Rt) -> Response:
    """Fields the body leaves out become null."""
    return await _update(customer_id, body, ctx, rt, "put")


@router.patch("/customers/{customer_id}", response_model=CustomerOut)
async def customers_update(customer_id: str, body: CustomerIn, ctx: Ctx, rt: Rt) -> Response:
    """Only the fields in the body change; customData merges by property."""
    return await _update(customer_id, body, ctx, rt, "patch")


async def _update(customer_id: str, body: CustomerIn, ctx: Ctx, rt: Rt, mode: Mode) -> Response:
    contact_id = path_id(customer_id)
    data = customer_input(body, mode)
    with custom_data_paths({None: custom_indexes(body)}):
        async with rt.db.unit(ctx) as uow:
            contact = await contacts.update_contact(uow, ctx, contact_id, data, include=INCLUDE)
    return Json(customer_out(contact))


@router.delete("/customers/{customer_id}", response_model=Literal["Ok"])
async def customers_delete(customer_id: str, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        await contacts.delete_contact(uow, ctx, path_id(customer_id))
    return Json("Ok")

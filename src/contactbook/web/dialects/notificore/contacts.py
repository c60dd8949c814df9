"""Notificore contact routes: `/api/contacts…`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from contactbook.domain.errors import ContactNotFound, InvalidInput, ProblemCode
from contactbook.domain.queries import Visibility
from contactbook.services import contacts
from contactbook.web.dialects.notificore.answers import ContactFound, ContactOne, ContactPage
from contactbook.web.dialects.notificore.auth import Ctx
from contactbook.web.dialects.notificore.body import json_object, read_body
from contactbook.web.dialects.notificore.errors import custom_paths
from contactbook.web.dialects.notificore.mapping import contact_in, contact_out
from contactbook.web.dialects.notificore.openapi import (
    CONTACT_IDS,
    GROUP_IDS,
    GROUPS,
    ORDER,
    PAGE,
    SEARCH,
)
from contactbook.web.dialects.notificore.params import ids_of, path_id
from contactbook.web.dialects.notificore.queries import (
    CONTACT_SORTS,
    SEARCH_LIMIT,
    WITH_LISTS,
    contact_listing,
    contact_search,
    criteria_paths,
    read_search,
)
from contactbook.web.dialects.notificore.schemas import BulkDeleteIn, ContactIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body, query_parameters
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)

MAX_BULK_DELETE = 5000
# Contacts without a phone are not representable here (docs/design.md §3.6): every method on
# one contact answers for them as for a missing one, as the listings leave them out.
SHOWN = Visibility.WITH_PHONE


@router.get("/contacts", response_model=ContactPage, openapi_extra=query_parameters(*PAGE, GROUPS))
async def contacts_list(request: Request, ctx: Ctx, rt: Rt) -> Response:
    async def render() -> Response:
        query = contact_listing(request.query_params.multi_items())
        async with rt.db.unit(ctx, write=False) as uow:
            found = await contacts.list_contacts(uow, ctx, query)
        return Json({"data": [contact_out(c) for c in found.items], "total": found.total})

    return await rt.responses.respond(request, ctx, render)


@router.post(
    "/contacts",
    status_code=201,
    response_model=ContactOne,
    openapi_extra=documented_body(ContactIn),
)
async def contacts_create(request: Request, ctx: Ctx, rt: Rt) -> Response:
    body = await read_body(request, ContactIn)
    data, paths = contact_in(body.phone, body.groups, body.field_values())
    with custom_paths(paths):
        async with rt.db.unit(ctx) as uow:
            contact = await contacts.create_contact(uow, ctx, data, include=WITH_LISTS)
    return Json({"data": contact_out(contact)}, 201)


@router.get(
    "/contacts/search",
    response_model=ContactFound,
    openapi_extra=query_parameters(*PAGE, *ORDER, *SEARCH),
)
async def contacts_search(request: Request, ctx: Ctx, rt: Rt) -> Response:
    async def render() -> Response:
        search = read_search(request.query_params.multi_items(), SEARCH_LIMIT, CONTACT_SORTS)
        query = contact_search(search)
        with custom_paths(criteria_paths(search.criteria), query=True):
            async with rt.db.unit(ctx, write=False) as uow:
                found = await contacts.list_contacts(uow, ctx, query)
        return Json(
            {"data": [contact_out(c) for c in found.items], "meta": search.meta(found.total or 0)}
        )

    return await rt.responses.respond(request, ctx, render)


@router.post(
    "/contacts/delete",
    status_code=204,
    response_class=Response,
    openapi_extra={
        **documented_body(BulkDeleteIn, required=False),
        **query_parameters(CONTACT_IDS, GROUP_IDS),
    },
)
async def contacts_delete_many(request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Ids come in the query (`contact_ids[]`, `group_ids[]`); a JSON body may carry them too."""
    items = [*request.query_params.multi_items(), *_body_items(await json_object(request))]
    contact_ids, group_ids = ids_of(items, "contact_ids"), ids_of(items, "group_ids")
    if not contact_ids and not group_ids:
        raise InvalidInput.single(
            "contact_ids", ProblemCode.REQUIRED, "Give contact_ids[] or group_ids[]."
        )
    if len(contact_ids) > MAX_BULK_DELETE:
        raise InvalidInput.single(
            "contact_ids",
            ProblemCode.TOO_MANY,
            f"This collection should contain {MAX_BULK_DELETE} elements or less.",
        )
    async with rt.db.unit(ctx) as uow:
        await contacts.delete_contacts(uow, ctx, contact_ids, group_ids)
    return empty()


@router.get("/contacts/{contact_id}", response_model=ContactOne)
async def contacts_get(request: Request, contact_id: str, ctx: Ctx, rt: Rt) -> Response:
    async def render() -> Response:
        cid = path_id(contact_id, ContactNotFound)
        async with rt.db.unit(ctx, write=False) as uow:
            contact = await contacts.get_contact(
                uow, ctx, cid, include=WITH_LISTS, visibility=SHOWN
            )
        return Json({"data": contact_out(contact)})

    return await rt.responses.respond(request, ctx, render)


@router.put(
    "/contacts/{contact_id}", response_model=ContactOne, openapi_extra=documented_body(ContactIn)
)
async def contacts_update(contact_id: str, request: Request, ctx: Ctx, rt: Rt) -> Response:
    cid = path_id(contact_id, ContactNotFound)
    body = await read_body(request, ContactIn)
    data, paths = contact_in(body.phone, body.groups, body.field_values())
    with custom_paths(paths):
        async with rt.db.unit(ctx) as uow:
            contact = await contacts.update_contact(
                uow, ctx, cid, data, include=WITH_LISTS, visibility=SHOWN
            )
    return Json({"data": contact_out(contact)})


@router.delete("/contacts/{contact_id}", status_code=204, response_class=Response)
async def contacts_delete(contact_id: str, ctx: Ctx, rt: Rt) -> Response:
    cid = path_id(contact_id, ContactNotFound)
    async with rt.db.unit(ctx) as uow:
        await contacts.delete_contact(uow, ctx, cid, visibility=SHOWN)
    return empty()


def _body_items(body: dict[str, object]) -> list[tuple[str, str]]:
    """`{"contact_ids": [1, 2]}` as the query pairs it stands for."""
    items: list[tuple[str, str]] = []
    for name in ("contact_ids", "group_ids"):
        value = body.get(name)
        given = value if isinstance(value, list) else [] if value is None else [value]
        items.extend((name, str(item)) for item in given)
    return items

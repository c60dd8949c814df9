"""Chatwoot contact routes: list, search, filter, create, show, update, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import ContactInput
from contactbook.domain.errors import InvalidInput
from contactbook.domain.queries import ContactQuery, Expr, Visibility
from contactbook.services import contact_inboxes, contacts, fields
from contactbook.web.dialects.chatwoot.answers import (
    ContactPayload,
    CreateOut,
    NoConversations,
    PageOut,
    ShowOut,
)
from contactbook.web.dialects.chatwoot.auth import AdminCtx, Ctx, caller
from contactbook.web.dialects.chatwoot.bodies import ContactBody, CustomAttributeKeys, FilterBody
from contactbook.web.dialects.chatwoot.contact_input import contact_input
from contactbook.web.dialects.chatwoot.errors import ChatwootReply
from contactbook.web.dialects.chatwoot.filters import (
    filter_expr,
    labels_expr,
    search_expr,
    sort_keys,
)
from contactbook.web.dialects.chatwoot.mapping import (
    contact_json,
    create_payload,
    page_json,
    show_payload,
)
from contactbook.web.dialects.chatwoot.openapi import LABELS, LISTING, SEARCH
from contactbook.web.dialects.chatwoot.params import (
    PAGE_SIZE,
    Params,
    maybe_id,
    offset_of,
    page_of,
    wants_inboxes,
)
from contactbook.web.dialects.chatwoot.responses import RailsJson
from contactbook.web.kit.ids import id_or_missing
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body, query_parameters
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)
INBOXES = frozenset({"inboxes"})


def _query(
    params: dict[str, Any], visibility: Visibility, where: Expr | None, **kw: Any
) -> ContactQuery:
    page, _ = page_of(params)
    return ContactQuery(
        visibility=visibility,
        where=where,
        sort=sort_keys(params.get("sort")),
        offset=offset_of(page),
        limit=PAGE_SIZE,
        include=INBOXES if wants_inboxes(params) else frozenset(),
        **kw,
    )


def _page(params: dict[str, Any], items: Any, count: int) -> Response:
    return RailsJson(
        page_json(list(items), count, page_of(params)[1], with_inboxes=wants_inboxes(params))
    )


@router.get(
    "/{account_id}/contacts",
    response_model=PageOut,
    openapi_extra=query_parameters(*LISTING, LABELS),
)
async def contacts_list(request: Request, ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Resolved contacts (with a phone, email or identifier), 15 a page."""

    async def render() -> Response:
        labels = params.get("labels")
        wanted = labels if isinstance(labels, list) else [labels] if labels else []
        query = _query(params, Visibility.RESOLVED, labels_expr(wanted), with_total=True)
        async with rt.db.unit(ctx, write=False) as uow:
            found = await contacts.list_contacts(uow, ctx, query)
        return _page(params, found.items, found.total or 0)

    return await rt.responses.respond(request, ctx, render, vary=(await request.body(),))


@router.get(
    "/{account_id}/contacts/search",
    response_model=PageOut,
    openapi_extra=query_parameters(SEARCH, *LISTING),
)
async def contacts_search(request: Request, ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Every contact whose name, email, phone or identifier holds `q`."""

    async def render() -> Response:
        q = str(params.get("q") or "").strip()
        if not q:
            raise ChatwootReply.error("Specify search string with parameter q")
        query = _query(params, Visibility.ALL, search_expr(q), probe_next=True)
        async with rt.db.unit(ctx, write=False) as uow:
            found = await contacts.list_contacts(uow, ctx, query)
        body = page_json(
            list(found.items),
            len(found.items),
            page_of(params)[1],
            with_inboxes=wants_inboxes(params),
        )
        body["meta"]["has_more"] = found.has_more
        return RailsJson(body)

    return await rt.responses.respond(request, ctx, render, vary=(await request.body(),))


@router.post(
    "/{account_id}/contacts/filter",
    response_model=PageOut,
    openapi_extra=documented_body(FilterBody),
)
async def contacts_filter(request: Request, ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Resolved contacts matching Chatwoot filter conditions."""

    async def render() -> Response:
        async with rt.db.unit(ctx, write=False) as uow:
            definitions = {d.key: d for d in await fields.list_fields(uow, ctx)}
            where = filter_expr(params.get("payload"), definitions, utcnow().date())
            query = _query(params, Visibility.RESOLVED, where, with_total=True)
            found = await contacts.list_contacts(uow, ctx, query)
        return _page(params, found.items, found.total or 0)

    return await rt.responses.respond(
        request, ctx, render, vary=(await request.body(), utcnow().date())
    )


@router.get(
    "/{account_id}/contacts/active",
    response_model=PageOut,
    dependencies=[Depends(caller)],
    openapi_extra=query_parameters(*LISTING),
)
async def contacts_active(params: Params) -> Response:
    """Contacts online now: presence is not tracked here, so none."""
    return _page(params, [], 0)


@router.post(
    "/{account_id}/contacts", response_model=CreateOut, openapi_extra=documented_body(ContactBody)
)
async def contacts_create(ctx: Ctx, rt: Rt, params: Params) -> Response:
    """A contact, and its identity in `inbox_id` when given; all or nothing."""
    data = contact_input(params)
    inbox_id = maybe_id(params["inbox_id"]) if params.get("inbox_id") is not None else None
    source_id = params.get("source_id")
    async with rt.db.unit(ctx) as uow:
        contact, identity = await contact_inboxes.create_contact_in_inbox(
            uow,
            ctx,
            data,
            inbox_id,
            None if source_id is None else str(source_id),
            define_missing_fields=True,
            include=INBOXES,
        )
    return RailsJson(create_payload(contact, identity, ctx.account_id))


@router.get("/{account_id}/contacts/{contact_id}", response_model=ShowOut)
async def contacts_show(
    request: Request, contact_id: str, ctx: Ctx, rt: Rt, params: Params
) -> Response:
    async def render() -> Response:
        async with rt.db.unit(ctx, write=False) as uow:
            contact = await contacts.get_contact(uow, ctx, id_or_missing(contact_id), INBOXES)
        return RailsJson(show_payload(contact, with_inboxes=wants_inboxes(params)))

    return await rt.responses.respond(request, ctx, render, vary=(await request.body(),))


@router.put(
    "/{account_id}/contacts/{contact_id}",
    response_model=ShowOut,
    operation_id="ReplaceContact",
    openapi_extra=documented_body(ContactBody),
)
@router.patch(
    "/{account_id}/contacts/{contact_id}",
    response_model=ShowOut,
    operation_id="UpdateContact",
    openapi_extra=documented_body(ContactBody),
)
async def contacts_update(contact_id: str, ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Change what the body gives; custom and additional attributes merge key by key."""
    try:
        data, problems = contact_input(params), None
    except InvalidInput as exc:
        data, problems = ContactInput(), exc
    async with rt.db.unit(ctx) as uow:
        if problems is not None:
            # Chatwoot finds the contact before it validates: a missing one is a 404 first.
            await contacts.get_contact(uow, ctx, id_or_missing(contact_id), frozenset())
            raise problems
        contact = await contacts.update_contact(
            uow, ctx, id_or_missing(contact_id), data, define_missing_fields=True, include=INBOXES
        )
    return RailsJson(show_payload(contact, with_inboxes=wants_inboxes(params)))


@router.delete("/{account_id}/contacts/{contact_id}", response_class=Response)
async def contacts_delete(contact_id: str, ctx: AdminCtx, rt: Rt) -> Response:
    """Administrators only; 200 with an empty body."""
    async with rt.db.unit(ctx) as uow:
        await contacts.delete_contact(uow, ctx, id_or_missing(contact_id))
    return Response(status_code=200)


@router.post(
    "/{account_id}/contacts/{contact_id}/destroy_custom_attributes",
    response_model=ContactPayload,
    openapi_extra=documented_body(CustomAttributeKeys),
)
async def contacts_destroy_custom_attributes(
    contact_id: str, ctx: Ctx, rt: Rt, params: Params
) -> Response:
    """Remove the named custom attributes from the contact."""
    keys = params.get("custom_attributes")
    names = keys if isinstance(keys, list) else [keys] if keys is not None else []
    data = ContactInput(custom={str(name): None for name in names})
    async with rt.db.unit(ctx) as uow:
        contact = await contacts.update_contact(
            uow, ctx, id_or_missing(contact_id), data, include=INBOXES
        )
    return RailsJson({"payload": contact_json(contact, with_inboxes=True)})


@router.delete("/{account_id}/contacts/{contact_id}/avatar", response_model=ContactPayload)
async def contacts_delete_avatar(contact_id: str, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        contact = await contacts.update_contact(
            uow, ctx, id_or_missing(contact_id), ContactInput(avatar_url=None), include=frozenset()
        )
    return RailsJson({"payload": contact_json(contact, with_inboxes=False)})


@router.get("/{account_id}/contacts/{contact_id}/conversations", response_model=NoConversations)
async def contacts_conversations(contact_id: str, ctx: Ctx, rt: Rt) -> Response:
    """Conversations are not kept here: a contact has none."""
    async with rt.db.unit(ctx, write=False) as uow:
        await contacts.get_contact(uow, ctx, id_or_missing(contact_id), frozenset())
    return RailsJson({"payload": []})

"""Native contact routes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from starlette.requests import Request
from starlette.responses import Response

from contactbook.domain.contacts import Contact
from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.paging import decode_cursor, encode_cursor
from contactbook.domain.queries import ContactQuery
from contactbook.domain.tags import TagInput
from contactbook.domain.text import check_text
from contactbook.services import batch_updates, contacts, erasure, events, merges, tags
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.etags import etag, if_match_condition
from contactbook.web.dialects.native.mapping import SORTS, contact_filter, event_out, sort_keys
from contactbook.web.dialects.native.params import QueryIds
from contactbook.web.dialects.native.schemas import (
    ContactBatchIn,
    ContactIn,
    ContactItemsOut,
    ContactOut,
    ContactPageOut,
    EventItemsOut,
    MergeIn,
    TagsIn,
    contact_out,
)
from contactbook.web.kit.change_header import documented, with_change
from contactbook.web.kit.ids import PathId, QueryId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["contacts"], route_class=DialectRoute)
# Every If-Match line: together they are one list of entity tags.
IfMatch = Annotated[list[str] | None, Header(alias="If-Match")]


def _one(contact: Contact, status: int = 200) -> Response:
    return Json(contact_out(contact), status, headers={"ETag": etag(contact.version)})


@router.get("/contacts", response_model=ContactPageOut, operation_id="ListContacts")
async def list_contacts(
    request: Request,
    ctx: Ctx,
    rt: Rt,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
    sort: Annotated[Literal[SORTS], Query()] = "id",  # type: ignore[valid-type]
    q: Annotated[
        str | None, Query(description="Substring of name, email, phone, external id")
    ] = None,
    list_: QueryIds = None,
    tag: Annotated[list[str] | None, Query(description="Carrying any of these tags")] = None,
    filter_: Annotated[
        list[str] | None,
        Query(alias="filter", description="field:op:value, repeatable; all must hold"),
    ] = None,
    count: bool = False,
) -> Response:
    async def render() -> Response:
        query = ContactQuery(
            where=contact_filter(q, list_ or [], tag or [], filter_ or []),
            sort=sort_keys(sort),
            limit=limit,
            after=decode_cursor(cursor, sort) if cursor else None,
            with_total=count,
            probe_next=True,
        )
        async with rt.db.unit(ctx, write=False) as uow:
            page = await contacts.list_contacts(uow, ctx, query)
        return Json(
            {
                "items": [contact_out(c) for c in page.items],
                "has_more": page.has_more,
                "next_cursor": encode_cursor(page.after, sort) if page.after else None,
                **({"total": page.total} if count else {}),
            }
        )

    return await rt.responses.respond(request, ctx, render)


@router.post("/contacts", status_code=201, response_model=ContactOut, operation_id="CreateContact")
async def create_contact(body: ContactIn, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        contact = await contacts.create_contact(uow, ctx, body.to_input("create"))
    return _one(contact, 201)


@router.patch("/contacts", response_model=ContactItemsOut, operation_id="UpdateContacts")
async def update_contacts(body: ContactBatchIn, ctx: Ctx, rt: Rt) -> Response:
    """Change several contacts at once, each like PATCH; one failure changes none of them."""
    changes = [(item.id, item.to_input("patch")) for item in body.items]
    conditions = [
        None if item.if_match is None else if_match_condition([item.if_match])
        for item in body.items
    ]
    async with rt.db.unit(ctx) as uow:
        updated = await batch_updates.update_contacts(uow, ctx, changes, conditions=conditions)
    return Json({"items": [contact_out(c) for c in updated]})


@router.get("/contacts/lookup", response_model=ContactOut, operation_id="LookupContact")
async def lookup_contact(
    request: Request,
    ctx: Ctx,
    rt: Rt,
    phone: str | None = None,
    email: str | None = None,
    external_id: str | None = None,
) -> Response:
    """Find a contact by exactly one of phone, email or external id."""

    async def render() -> Response:
        given = {k: v for k, v in (("phone", phone), ("email", email), ("external_id", external_id))
                 if v is not None}  # fmt: skip
        if len(given) != 1:
            raise InvalidInput.single(
                "phone", ProblemCode.REQUIRED, "Give exactly one of phone, email or external_id."
            )
        ((column, value),) = given.items()
        async with rt.db.unit(ctx, write=False) as uow:
            contact = await contacts.find_contact(uow, ctx, column, value)
        return _one(contact)

    return await rt.responses.respond(request, ctx, render)


@router.get("/contacts/{contact_id}", response_model=ContactOut, operation_id="GetContact")
async def get_contact(request: Request, contact_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async def render() -> Response:
        async with rt.db.unit(ctx, write=False) as uow:
            contact = await contacts.get_contact(uow, ctx, contact_id)
        return _one(contact)

    return await rt.responses.respond(request, ctx, render)


@router.patch("/contacts/{contact_id}", response_model=ContactOut, operation_id="UpdateContact")
async def update_contact(
    contact_id: PathId, body: ContactIn, ctx: Ctx, rt: Rt, if_match: IfMatch = None
) -> Response:
    """Change the attributes given; null clears; `custom_fields` merge key by key."""
    async with rt.db.unit(ctx) as uow:
        contact = await contacts.update_contact(
            uow,
            ctx,
            contact_id,
            body.to_input("patch"),
            condition=if_match_condition(if_match),
        )
    return _one(contact)


@router.put("/contacts/{contact_id}", response_model=ContactOut, operation_id="ReplaceContact")
async def replace_contact(
    contact_id: PathId, body: ContactIn, ctx: Ctx, rt: Rt, if_match: IfMatch = None
) -> Response:
    """Replace the contact: attributes left out become null, tags and lists empty."""
    async with rt.db.unit(ctx) as uow:
        contact = await contacts.update_contact(
            uow, ctx, contact_id, body.to_input("replace"),
            condition=if_match_condition(if_match),
        )  # fmt: skip
    return _one(contact)


@router.delete("/contacts/{contact_id}", status_code=204, operation_id="DeleteContact")
async def delete_contact(
    contact_id: PathId,
    ctx: Ctx,
    rt: Rt,
    if_match: IfMatch = None,
    erase: Annotated[
        bool,
        Query(description="Erase for good (admin keys): live or trashed, its history nulled"),
    ] = False,
) -> Response:
    """Move the contact to the trash; with `erase=true`, erase it instead (GDPR): it leaves
    the store and the trash, and its history keeps field names and times but no values (the
    `erased` record's id is answered in `X-Contactbook-Change`)."""
    condition = if_match_condition(if_match)
    change_id = None
    async with rt.db.unit(ctx) as uow:
        if erase:
            change_id = await erasure.erase_contact(uow, ctx, contact_id, condition=condition)
        else:
            await contacts.delete_contact(uow, ctx, contact_id, condition=condition)
    return with_change(empty(), change_id)


@router.post(
    "/contacts/{contact_id}/merge",
    response_model=ContactOut,
    operation_id="MergeContacts",
    responses=documented("The id of the merge's change record."),
)
async def merge_contacts(contact_id: PathId, body: MergeIn, ctx: Ctx, rt: Rt) -> Response:
    """Fold another contact into this one and move it to the trash: this contact's values
    win, the other fills its blanks; its lists, channel identities and events move here, its
    tags do not. The merge's change record is named in `X-Contactbook-Change` (the body stays
    the contact, as every contact route answers it); undo it with
    `POST /merges/{change_id}/undo`."""
    async with rt.db.unit(ctx) as uow:
        merged = await merges.merge(uow, ctx, contact_id, body.mergee_id)
    return with_change(_one(merged.contact), merged.change_id)


@router.post("/contacts/{contact_id}/tags", response_model=ContactOut, operation_id="TagContact")
async def tag_contact(contact_id: PathId, body: TagsIn, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx) as uow:
        contact = await tags.add_contact_tags(
            uow, ctx, contact_id, [TagInput(t) for t in body.tags]
        )
    return _one(contact)


@router.delete(
    "/contacts/{contact_id}/tags/{name}", response_model=ContactOut, operation_id="UntagContact"
)
async def untag_contact(contact_id: PathId, name: str, ctx: Ctx, rt: Rt) -> Response:
    check_text(name, "name")  # the path names a stored tag: text that reaches SQL
    async with rt.db.unit(ctx) as uow:
        contact = await tags.remove_contact_tags(uow, ctx, contact_id, [name])
    return _one(contact)


@router.get(
    "/contacts/{contact_id}/events", response_model=EventItemsOut, operation_id="ListContactEvents"
)
async def list_contact_events(
    contact_id: PathId,
    ctx: Ctx,
    rt: Rt,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: QueryId = None,
) -> Response:
    """The contact's events, newest first; pass the last id as `before` for the next page."""
    async with rt.db.unit(ctx, write=False) as uow:
        found = await events.list_events(uow, ctx, contact_id, limit, before)
    return Json({"items": [event_out(e) for e in found]})

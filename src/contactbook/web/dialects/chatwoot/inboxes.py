"""Chatwoot contact inboxes: where a contact can be reached, and its identity in an inbox."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.services import contact_inboxes
from contactbook.web.dialects.chatwoot.answers import ContactableInboxes, ContactInboxOut
from contactbook.web.dialects.chatwoot.auth import Ctx
from contactbook.web.dialects.chatwoot.bodies import ContactInboxBody
from contactbook.web.dialects.chatwoot.contact_input import rails_bool
from contactbook.web.dialects.chatwoot.mapping import identity_json, inbox_slim
from contactbook.web.dialects.chatwoot.params import Params, maybe_id
from contactbook.web.dialects.chatwoot.responses import RailsJson
from contactbook.web.kit.ids import id_or_missing
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.get(
    "/{account_id}/contacts/{contact_id}/contactable_inboxes", response_model=ContactableInboxes
)
async def inboxes_contactable(contact_id: str, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await contact_inboxes.contactable_inboxes(uow, ctx, id_or_missing(contact_id))
    return RailsJson(
        {"payload": [{"inbox": inbox_slim(i.inbox), "source_id": i.source_id} for i in found]}
    )


@router.post(
    "/{account_id}/contacts/{contact_id}/contact_inboxes",
    response_model=ContactInboxOut,
    openapi_extra=documented_body(ContactInboxBody),
)
async def inboxes_attach_contact(contact_id: str, ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Find or create the contact's identity in `inbox_id`; a missing inbox is a 404."""
    source_id = params.get("source_id")
    async with rt.db.unit(ctx) as uow:
        identity = await contact_inboxes.attach_contact_to_inbox(
            uow,
            ctx,
            id_or_missing(contact_id),
            maybe_id(params.get("inbox_id")),
            None if source_id is None else str(source_id),
            rails_bool(params.get("hmac_verified")),
        )
    return RailsJson(identity_json(identity))

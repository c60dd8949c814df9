"""Chatwoot contact labels: the account's tags, listed and replaced by name."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.domain.tags import TagInput
from contactbook.services import contacts, tags
from contactbook.web.dialects.chatwoot.answers import LabelsOut
from contactbook.web.dialects.chatwoot.auth import Ctx
from contactbook.web.dialects.chatwoot.bodies import LabelsBody
from contactbook.web.dialects.chatwoot.contact_input import label_names
from contactbook.web.dialects.chatwoot.params import Params
from contactbook.web.dialects.chatwoot.responses import RailsJson
from contactbook.web.kit.ids import id_or_missing
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)
TAGS = frozenset({"tags"})


@router.get("/{account_id}/contacts/{contact_id}/labels", response_model=LabelsOut)
async def labels_list(contact_id: str, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        contact = await contacts.get_contact(uow, ctx, id_or_missing(contact_id), TAGS)
    return RailsJson({"payload": [tag.name for tag in contact.tags]})


@router.post(
    "/{account_id}/contacts/{contact_id}/labels",
    response_model=LabelsOut,
    openapi_extra=documented_body(LabelsBody),
)
async def labels_replace(contact_id: str, ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Make the contact's labels exactly the ones given (none given clears them)."""
    wanted = [TagInput(name) for name in label_names(params.get("labels"))]
    async with rt.db.unit(ctx) as uow:
        contact = await tags.set_contact_tags(uow, ctx, id_or_missing(contact_id), wanted, TAGS)
    return RailsJson({"payload": [tag.name for tag in contact.tags]})

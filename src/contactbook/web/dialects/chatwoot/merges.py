"""Chatwoot's contact merge action."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.services import merges
from contactbook.web.dialects.chatwoot.answers import ContactOut
from contactbook.web.dialects.chatwoot.auth import Ctx
from contactbook.web.dialects.chatwoot.bodies import MergeBody
from contactbook.web.dialects.chatwoot.mapping import contact_json
from contactbook.web.dialects.chatwoot.params import Params, param_id
from contactbook.web.dialects.chatwoot.responses import RailsJson
from contactbook.web.kit.change_header import documented, with_change
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.post(
    "/{account_id}/actions/contact_merge",
    response_model=ContactOut,
    openapi_extra=documented_body(MergeBody),
    # Not Chatwoot's: ours, so a merge made here can be undone through the native API.
    responses=documented("The id of the merge's change record."),
)
async def actions_contact_merge(ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Fold the mergee into the base contact (the base wins) and move the mergee to the trash;
    answer the bare base contact. `X-Contactbook-Change` names the merge's change record (the
    native API undoes it)."""
    base_id = param_id(params.get("base_contact_id"))
    mergee_id = param_id(params.get("mergee_contact_id"))
    async with rt.db.unit(ctx) as uow:
        merged = await merges.merge(uow, ctx, base_id, mergee_id, frozenset())
    return with_change(
        RailsJson(contact_json(merged.contact, with_inboxes=False)), merged.change_id
    )

"""Tagging and untagging one customer (the tags Chatwoot calls labels)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.domain.tags import TagInput
from contactbook.services import tags
from contactbook.web.dialects.helpcrunch.answers import CustomerOut
from contactbook.web.dialects.helpcrunch.auth import Ctx
from contactbook.web.dialects.helpcrunch.mapping import INCLUDE, customer_out, path_id
from contactbook.web.dialects.helpcrunch.schemas import TagsIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.put("/customers/{customer_id}/tags", response_model=CustomerOut)
async def customers_tag(customer_id: str, body: TagsIn, ctx: Ctx, rt: Rt) -> Response:
    """Append tags; unknown ones are created (colour as given, else #c377e0)."""
    wanted = [TagInput(tag.name, tag.color) for tag in body.tags]
    async with rt.db.unit(ctx) as uow:
        contact = await tags.add_contact_tags(uow, ctx, path_id(customer_id), wanted, INCLUDE)
    return Json(customer_out(contact))


@router.delete("/customers/{customer_id}/tags", response_model=CustomerOut)
async def customers_untag(customer_id: str, body: TagsIn, ctx: Ctx, rt: Rt) -> Response:
    """Remove tags named in the JSON body; names the customer lacks are ignored."""
    names = [tag.name for tag in body.tags]
    async with rt.db.unit(ctx) as uow:
        contact = await tags.remove_contact_tags(uow, ctx, path_id(customer_id), names, INCLUDE)
    return Json(customer_out(contact))

"""Native tag routes (contact tagging lives with the contact routes)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.services import tags
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.mapping import tag_out
from contactbook.web.dialects.native.schemas import TagItemsOut, TagOut, TagPatch
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["tags"], route_class=DialectRoute)


@router.get("/tags", response_model=TagItemsOut, operation_id="ListTags")
async def list_tags(ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await tags.list_tags(uow, ctx)
    return Json({"items": [tag_out(tag, n) for tag, n in found]})


@router.patch("/tags/{name}", response_model=TagOut, operation_id="UpdateTag")
async def update_tag(name: str, body: TagPatch, ctx: Ctx, rt: Rt) -> Response:
    """Rename or recolour a tag."""
    async with rt.db.unit(ctx) as uow:
        tag = await tags.update_tag(uow, ctx, name, body.name, body.color)
        count = {t.id: n for t, n in await tags.list_tags(uow, ctx)}.get(tag.id, 0)
    return Json(tag_out(tag, count))


@router.delete("/tags/{name}", status_code=204, operation_id="DeleteTag")
async def delete_tag(name: str, ctx: Ctx, rt: Rt) -> Response:
    """Delete a tag and take it off every contact."""
    async with rt.db.unit(ctx) as uow:
        await tags.delete_tag(uow, ctx, name)
    return empty()

"""Native custom field routes."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.domain.fields import FieldChanges, FieldInput
from contactbook.services import fields
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.mapping import field_out
from contactbook.web.dialects.native.schemas import FieldIn, FieldItemsOut, FieldOut, FieldPatch
from contactbook.web.kit.ids import PathId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["fields"], route_class=DialectRoute)


@router.get("/fields", response_model=FieldItemsOut, operation_id="ListFields")
async def list_fields(ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await fields.list_fields(uow, ctx)
    return Json({"items": [field_out(d) for d in found]})


@router.post("/fields", status_code=201, response_model=FieldOut, operation_id="CreateField")
async def create_field(body: FieldIn, ctx: Ctx, rt: Rt) -> Response:
    data = FieldInput(
        name=body.name,
        key=body.key,
        type=body.type,
        description=body.description,
        visible=body.visible,
        options=body.options,
    )
    async with rt.db.unit(ctx) as uow:
        definition = await fields.create_field(uow, ctx, data)
    return Json(field_out(definition), 201)


@router.get("/fields/{field_id}", response_model=FieldOut, operation_id="GetField")
async def get_field(field_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        definition = await fields.get_field(uow, ctx, field_id)
    return Json(field_out(definition))


@router.patch("/fields/{field_id}", response_model=FieldOut, operation_id="UpdateField")
async def update_field(field_id: PathId, body: FieldPatch, ctx: Ctx, rt: Rt) -> Response:
    """Change a field; its type never changes."""
    given = body.model_fields_set
    changes = FieldChanges(
        name=body.name,
        key=body.key,
        description=body.description,
        visible=body.visible,
        options=body.options,
        clear=frozenset({"description"}) if "description" in given and body.description is None
        else frozenset(),
    )  # fmt: skip
    async with rt.db.unit(ctx) as uow:
        definition = await fields.update_field(uow, ctx, field_id, changes)
    return Json(field_out(definition))


@router.delete("/fields/{field_id}", status_code=204, operation_id="DeleteField")
async def delete_field(field_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    """Delete the field and every value stored under it."""
    async with rt.db.unit(ctx) as uow:
        await fields.delete_field(uow, ctx, field_id)
    return empty()

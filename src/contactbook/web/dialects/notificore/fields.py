"""Notificore contact field routes: `/api/contacts/fields…` (a field's id is what contact
`fields[{id, value}]` refers to)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from contactbook.domain.errors import FieldNotFound, InvalidInput, ProblemCode
from contactbook.domain.fields import FieldChanges, FieldInput, FieldScope
from contactbook.services import fields, named_fields
from contactbook.web.dialects.notificore.answers import FieldList, FieldOne
from contactbook.web.dialects.notificore.auth import Ctx
from contactbook.web.dialects.notificore.body import read_body
from contactbook.web.dialects.notificore.mapping import TYPE_IN, field_out
from contactbook.web.dialects.notificore.params import path_id
from contactbook.web.dialects.notificore.schemas import FieldChangesIn, FieldIn, IdsIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.get("/contacts/fields", response_model=FieldList)
async def fields_list(ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await fields.list_fields(uow, ctx)
    return Json({"data": [field_out(d) for d in found]})


@router.post(
    "/contacts/fields",
    status_code=201,
    response_model=FieldOne,
    openapi_extra=documented_body(FieldIn),
)
async def fields_create(request: Request, ctx: Ctx, rt: Rt) -> Response:
    body = await read_body(request, FieldIn)
    data = FieldInput(
        name=body.name,
        type=TYPE_IN[body.type],
        description=body.description,
        visible=body.is_visible,
    )
    async with rt.db.unit(ctx) as uow:
        definition = await named_fields.define_named_field(uow, ctx, data)
    return Json({"data": field_out(definition)}, 201)


@router.post(
    "/contacts/fields/delete",
    status_code=204,
    response_class=Response,
    openapi_extra=documented_body(IdsIn),
)
async def fields_delete(request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Delete fields and every value stored under them; unknown ids are skipped."""
    body = await read_body(request, IdsIn)
    async with rt.db.unit(ctx) as uow:
        await fields.delete_fields(uow, ctx, body.ids, scope=FieldScope.CONTACT)
    return empty()


@router.patch(
    "/contacts/fields/{field_id}",
    response_model=FieldOne,
    openapi_extra=documented_body(FieldChangesIn),
)
async def fields_update(field_id: str, request: Request, ctx: Ctx, rt: Rt) -> Response:
    """Change the name, description or visibility given; the type never changes."""
    fid = path_id(field_id, FieldNotFound)
    body = await read_body(request, FieldChangesIn)
    given = body.model_fields_set
    if not given:
        raise InvalidInput.single(
            "name", ProblemCode.REQUIRED, "Give at least one of name, description, is_visible."
        )
    changes = FieldChanges(
        name=body.name,
        description=body.description or None,
        visible=body.is_visible,
        clear=frozenset({"description"} if "description" in given and not body.description else ()),
    )
    async with rt.db.unit(ctx) as uow:
        definition = await fields.update_field(uow, ctx, fid, changes, scope=FieldScope.CONTACT)
    return Json({"data": field_out(definition)})

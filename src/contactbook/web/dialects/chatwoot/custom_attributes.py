"""Chatwoot custom attribute definitions: the account's custom field definitions."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.services import fields
from contactbook.web.dialects.chatwoot.answers import DefinitionOut
from contactbook.web.dialects.chatwoot.auth import AdminCtx, Ctx
from contactbook.web.dialects.chatwoot.bodies import DefinitionBody
from contactbook.web.dialects.chatwoot.definitions import (
    definition_changes,
    definition_input,
    definition_json,
    definition_params,
    model_filter,
)
from contactbook.web.dialects.chatwoot.openapi import MODEL
from contactbook.web.dialects.chatwoot.params import Params
from contactbook.web.dialects.chatwoot.responses import RailsJson
from contactbook.web.kit.ids import id_or_missing
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body, query_parameters
from contactbook.web.responses import empty
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)
PATH = "/{account_id}/custom_attribute_definitions"


@router.get(PATH, response_model=list[DefinitionOut], openapi_extra=query_parameters(MODEL))
async def definitions_list(ctx: Ctx, rt: Rt, params: Params) -> Response:
    """A bare array; `attribute_model` (a name, 0 or 1) keeps one model."""
    filtered, scope = model_filter(params.get("attribute_model"))
    found = []
    if scope is not None or not filtered:
        async with rt.db.unit(ctx, write=False) as uow:
            found = await fields.list_fields(uow, ctx, scope)
    return RailsJson([definition_json(d) for d in found])


@router.get(PATH + "/{definition_id}", response_model=DefinitionOut)
async def definitions_show(definition_id: str, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        definition = await fields.get_field(uow, ctx, id_or_missing(definition_id))
    return RailsJson(definition_json(definition))


@router.post(PATH, response_model=DefinitionOut, openapi_extra=documented_body(DefinitionBody))
async def definitions_create(ctx: Ctx, rt: Rt, params: Params) -> Response:
    """Fields flat or under `custom_attribute_definition`; enums by name or number."""
    data = definition_input(definition_params(params))
    async with rt.db.unit(ctx) as uow:
        definition = await fields.create_field(uow, ctx, data)
    return RailsJson(definition_json(definition))


@router.patch(
    PATH + "/{definition_id}",
    response_model=DefinitionOut,
    operation_id="UpdateDefinition",
    openapi_extra=documented_body(DefinitionBody),
)
@router.put(
    PATH + "/{definition_id}",
    response_model=DefinitionOut,
    operation_id="ReplaceDefinition",
    openapi_extra=documented_body(DefinitionBody),
)
async def definitions_update(definition_id: str, ctx: Ctx, rt: Rt, params: Params) -> Response:
    params = definition_params(params)
    async with rt.db.unit(ctx) as uow:
        current = await fields.get_field(uow, ctx, id_or_missing(definition_id))
        changes = definition_changes(params, current)
        definition = await fields.update_field(uow, ctx, current.id, changes)
    return RailsJson(definition_json(definition))


@router.delete(PATH + "/{definition_id}", status_code=204, response_class=Response)
async def definitions_delete(definition_id: str, ctx: AdminCtx, rt: Rt) -> Response:
    """Deletes the definition and every value stored under it; 204. Administrators only, as
    in Chatwoot (its 401 "not authorized" otherwise)."""
    async with rt.db.unit(ctx) as uow:
        await fields.delete_field(uow, ctx, id_or_missing(definition_id))
    return empty()

"""Notificore token routes: `POST /api/auth/login` and `POST /api/auth/refresh`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Security
from starlette.responses import Response

from contactbook.services import accounts
from contactbook.web.dialects.notificore.answers import TokenOut
from contactbook.web.dialects.notificore.auth import Ctx, issue_token
from contactbook.web.dialects.notificore.body import read_body
from contactbook.web.dialects.notificore.openapi import TOKEN
from contactbook.web.dialects.notificore.schemas import LoginIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import documented_body
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.post("/auth/login", response_model=TokenOut, openapi_extra=documented_body(LoginIn))
async def auth_login(request: Request, rt: Rt) -> Response:
    """An API key for a bearer token; no authentication needed (401 for a bad key)."""
    body = await read_body(request, LoginIn)
    async with rt.db.unit(write=False) as uow:
        ctx = await accounts.authenticate(uow, body.api_key)
    return Json({"bearer": await issue_token(rt, ctx)})


@router.post("/auth/refresh", response_model=TokenOut, dependencies=[Security(TOKEN)])
async def auth_refresh(ctx: Ctx, rt: Rt) -> Response:
    """A fresh token for the caller of a still-valid one."""
    return Json({"bearer": await issue_token(rt, ctx)})

"""Customer events: things a customer did, recorded by an integration."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.services import events
from contactbook.web.dialects.helpcrunch.answers import EventOut
from contactbook.web.dialects.helpcrunch.auth import Ctx
from contactbook.web.dialects.helpcrunch.mapping import body_id, event_out
from contactbook.web.dialects.helpcrunch.schemas import EventIn
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(route_class=DialectRoute)


@router.post("/events", response_model=EventOut)
async def events_create(body: EventIn, ctx: Ctx, rt: Rt) -> Response:
    """Record an event; it is kept with the contact (native: /contacts/{id}/events)."""
    async with rt.db.unit(ctx) as uow:
        event = await events.record_event(uow, ctx, body_id(body.customer), body.name, body.data)
    return Json(event_out(event))

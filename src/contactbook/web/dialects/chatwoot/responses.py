"""Chatwoot's JSON responses, typed `application/json; charset=utf-8` as Rails types them."""

from __future__ import annotations

from contactbook.web.responses import Json


class RailsJson(Json):
    """orjson-rendered JSON with Rails' content type."""

    media_type = "application/json; charset=utf-8"

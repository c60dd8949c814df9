"""How the HelpCrunch API describes itself: its bearer API key and its `errors` envelope."""

from __future__ import annotations

from contactbook.web.kit.schemes import bearer
from contactbook.web.openapi import error_responses

API_KEY = bearer("ApiKey", "An API key, as `Authorization: Bearer <api key>`.")

# `{"errors": [{"code", "message"}, …]}`, the first item always `invalid_request`.
ENVELOPE = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

# "4XX" as well: HelpCrunch refuses bad input with a 400, never the 422 FastAPI would
# otherwise document for every route that takes parameters.
ERRORS = error_responses(ENVELOPE, (400, 401, 403, 404, 405, 413, 429, 503, "4XX"))

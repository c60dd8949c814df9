"""How the Notificore API describes itself: its login tokens and its error bodies."""

from __future__ import annotations

from fastapi.security import HTTPBearer

from contactbook.web.openapi import error_responses

TOKEN = HTTPBearer(
    scheme_name="LoginToken",
    bearerFormat="JWT",
    description="A token from `POST /api/auth/login`, as `Authorization: Bearer <token>`.",
    auto_error=False,  # documents the scheme; `auth.caller` checks the token
)

# `{"message", "errors"}` (business and validation errors), `{"code": 401, "message"}`
# (authentication) and `{"message"}` (unknown paths).
ENVELOPE = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "code": {"type": "integer"},
        "errors": {
            "anyOf": [
                {"type": "array"},
                {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            ]
        },
    },
}

ERRORS = error_responses(ENVELOPE, (400, 401, 403, 404, 405, 409, 413, 422, 429, 503))

"""How the Chatwoot API describes itself: the `api_access_token` header and Rails' error
bodies."""

from __future__ import annotations

from fastapi.security import APIKeyHeader

from contactbook.web.openapi import error_responses

ACCESS_TOKEN = APIKeyHeader(
    name="api_access_token",
    scheme_name="AccessToken",
    description="An API key, in the `api_access_token` header.",
    auto_error=False,  # documents the scheme; `auth.caller` checks the token
)

# `{"error"}`, devise's `{"errors": [..]}`, an invalid record's `{"message", "attributes"}`
# and Rack's `{"status", "error"}`.
ENVELOPE = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}},
        "message": {"type": "string"},
        "attributes": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "integer"},
    },
}

ERRORS = error_responses(ENVELOPE, (400, 401, 403, 404, 413, 422, 429, 503))

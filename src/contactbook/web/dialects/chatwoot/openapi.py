"""How the Chatwoot API describes itself: the `api_access_token` header and Rails' error
bodies."""

from __future__ import annotations

from contactbook.web.kit.schemes import key_header
from contactbook.web.openapi import error_responses, query

ACCESS_TOKEN = key_header(
    "api_access_token", "AccessToken", "An API key, in the `api_access_token` header."
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

# The query parameters listings read through Rails-style `params` (query string and body
# merged), which FastAPI cannot see.
_TEXT = {"type": "string"}
_PAGE = query("page", {"type": "integer"}, "1-based, 15 contacts a page.")
_SORT = query("sort", _TEXT, "`name`, `email`, `phone_number`, `last_activity_at`…; `-` descends.")
_INBOXES = query(
    "include_contact_inboxes", {"type": "boolean"}, "`false` leaves `contact_inboxes` out."
)
LISTING = (_PAGE, _SORT, _INBOXES)
LABELS = query("labels[]", {"type": "array", "items": _TEXT}, "Only contacts with these labels.")
SEARCH = query("q", _TEXT, "Text in the name, email, phone number or identifier.")
MODEL = query(
    "attribute_model", _TEXT, "`contact_attribute` or `conversation_attribute` (or 1, 0)."
)

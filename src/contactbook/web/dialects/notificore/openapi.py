"""How the Notificore API describes itself: its login tokens and its error bodies."""

from __future__ import annotations

from contactbook.web.kit.schemes import bearer
from contactbook.web.openapi import error_responses, query

TOKEN = bearer(
    "LoginToken",
    "A token from `POST /api/auth/login`, as `Authorization: Bearer <token>`.",
    bearer_format="JWT",
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

# The query strings Notificore's listings and searches read (`params`, `queries`), which take
# Rails-like bracketed names FastAPI's parameters cannot spell.
_INT = {"type": "integer"}
_TEXT = {"type": "string"}
PAGE = (
    query("page[offset]", _INT, "Rows to skip (`per[offset]` is read too)."),
    query("page[limit]", _INT, "Rows per page, 15 to 500."),
)
ORDER = (
    query("sort", _TEXT, "The column to sort by."),
    query("way", {"type": "string", "enum": ["asc", "desc"]}, "The sort direction."),
)
SEARCH = (
    query("search[field]", _TEXT, "The field a criterion tests (`search_fields[N][…]` for more)."),
    query(
        "search[operator]",
        {"type": "string", "enum": ["=", ">", ">=", "<", "<=", "like"]},
        "How it compares; `=` when absent.",
    ),
    query("search[value]", _TEXT, "The value it compares with."),
)
GROUPS = query("groups[]", {"type": "array", "items": _INT}, "Only members of these groups.")
TYPES = query("types[]", {"type": "array", "items": _TEXT}, "Only these stop lists (`type` too).")
CONTACT_GROUP = query("contact_group_id", _INT, "Only phones of this group's contacts.")
CONTACT_IDS = query("contact_ids[]", {"type": "array", "items": _INT}, "Contacts to delete.")
GROUP_IDS = query("group_ids[]", {"type": "array", "items": _INT}, "Delete these groups' members.")

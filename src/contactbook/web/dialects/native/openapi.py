"""How the native API describes itself: its API key scheme and its problem+json errors."""

from __future__ import annotations

from typing import Any

from contactbook.web.kit.schemes import bearer
from contactbook.web.openapi import error_responses

API_KEY = bearer("ApiKey", "An API key (`cbk_…`), as `Authorization: Bearer <api key>`.")

# RFC 9457 problem details, as `errors.problem` writes them.
PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
        "existing_id": {"type": "integer"},
    },
}

ERRORS = error_responses(
    PROBLEM,
    (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 503),
    "application/problem+json",
)

REFUSED_ROWS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The refused rows: line, field, reason, then the row's cells.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}

# A contacts file, as the export routes stream it (and imports take it back).
CONTACTS_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The contacts, one per line (CSV with a header row, or NDJSON).",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}

"""Chatwoot's error bodies: `{"error"}` for lookups and auth, `{"message", "attributes"}` for
invalid records, devise's `{"errors": [..]}` for a missing token, and 401 where others say 403."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contactbook.domain import errors as domain
from contactbook.domain.errors import (
    Busy,
    DomainError,
    DuplicateContact,
    DuplicateField,
    InvalidInput,
    Problem,
    ProblemCode,
    RateLimited,
)
from contactbook.web.dialects.chatwoot.responses import RailsJson
from contactbook.web.kit.answers import Answers
from contactbook.web.kit.error_table import entry_for

Resource = Literal["contact", "definition", "filter"]

NOT_FOUND = "Resource could not be found"
NEEDS_SIGN_IN = "You need to sign in or sign up before continuing."
UNKNOWN_ACCESS = "Invalid Access Token"
NOT_A_MEMBER = "You are not authorized to access this account"
NOT_ALLOWED = "You are not authorized to do this action"


class ChatwootReply(Exception):
    """An answer only Chatwoot gives, with its exact status and body (bad JSON, a missing
    parameter, a filter Chatwoot refuses, a token for another account)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body

    @classmethod
    def error(cls, message: str, status: int = 422) -> ChatwootReply:
        return cls(status, {"error": message})


BAD_REQUEST = ChatwootReply(400, {"status": 400, "error": "Bad Request"})

# Canonical field → (Chatwoot attribute, its human name in full messages), per resource.
_CONTACT_FIELDS = {
    "name": ("name", "Name"),
    "email": ("email", "Email"),
    "phone": ("phone_number", "Phone number"),
    "external_id": ("identifier", "Identifier"),
    "avatar_url": ("avatar_url", "Avatar url"),
    "blocked": ("blocked", "Blocked"),
    "company": ("additional_attributes", "Additional attributes company_name"),
    "city": ("additional_attributes", "Additional attributes city"),
    "country_code": ("additional_attributes", "Additional attributes country_code"),
    "additional_attributes": ("additional_attributes", "Additional attributes"),
    "custom_fields": ("custom_attributes", "Custom attributes"),
    "source_id": ("source_id", "Source"),
    "tags": ("labels", "Labels"),
}
_DEFINITION_FIELDS = {
    "name": ("attribute_display_name", "Attribute display name"),
    "key": ("attribute_key", "Attribute key"),
    "description": ("attribute_description", "Attribute description"),
    "options": ("attribute_values", "Attribute values"),
    "type": ("attribute_display_type", "Attribute display type"),
    "scope": ("attribute_model", "Attribute model"),
}
# Chatwoot validates length first, then email, identifier and phone, each uniqueness first.
_ORDER = {"email": 1, "identifier": 2, "phone_number": 3}
_TAKEN = "taken"


def _describe(problem: Problem, resource: Resource) -> tuple[str, str]:
    """(attribute, full message) of one problem, worded the way Rails words it."""
    table = _DEFINITION_FIELDS if resource == "definition" else _CONTACT_FIELDS
    head, _, rest = problem.field.partition(".")
    attribute, human = table.get(head, (head, head.replace("_", " ").capitalize()))
    if rest and not rest.isdigit():
        human = f"{human} {rest}"
    return attribute, f"{human} {_tail(problem)}"


def _tail(problem: Problem) -> str:
    code, message = problem.code, problem.message
    if code == _TAKEN:
        return "has already been taken"
    if code == ProblemCode.TOO_LONG:
        limit = re.search(r"\d+", message)
        return f"is too long (maximum is {limit.group() if limit else 255} characters)"
    if code == ProblemCode.INVALID_EMAIL:
        return "Invalid email"
    if code == ProblemCode.INVALID_PHONE:
        return "should be in e164 format"
    if code == ProblemCode.REQUIRED:
        return "can't be blank"
    if code == ProblemCode.PHONE_NOT_VERIFIED:
        return "is not a verified number of this test account"
    if code == ProblemCode.RESERVED_KEY:
        return "The provided key is not allowed as it might conflict with default attributes."
    text = message.removeprefix("This value ").rstrip(".")
    return text[:1].lower() + text[1:] if text else "is invalid"


def invalid_record(problems: list[Problem], resource: Resource = "contact") -> Response:
    """422 `{"message": "<full messages>", "attributes": [...]}`, in Chatwoot's order."""
    described = [(_describe(p, resource), p.code == ProblemCode.TOO_LONG) for p in problems]
    described.sort(key=lambda item: (not item[1], _ORDER.get(item[0][0], 9)))
    messages = list(dict.fromkeys(message for (_, message), _ in described))
    attributes = list(dict.fromkeys(attribute for (attribute, _), _ in described))
    return RailsJson({"message": ", ".join(messages), "attributes": attributes}, 422)


def render(exc: DomainError, resource: Resource = "contact") -> Response:
    """The status and Chatwoot body for a domain error."""
    answer: Callable[[Any, Resource], Response] = entry_for(ANSWERS_BY_ERROR, exc)
    return answer(exc, resource)


def _fixed(body: dict[str, Any], status: int) -> Callable[[DomainError, Resource], Response]:
    return lambda _exc, _resource: RailsJson(body, status)


def _too_many(exc: RateLimited, _: Resource) -> Response:
    return RailsJson({"error": "Too many requests"}, 429, headers=_retry_after(exc))


def _busy(exc: Busy, _: Resource) -> Response:
    return RailsJson({"status": 503, "error": exc.message}, 503, headers=_retry_after(exc))


def _retry_after(exc: RateLimited | Busy) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)}


def _taken(exc: DuplicateContact, _: Resource) -> Response:
    return invalid_record([Problem(field, _TAKEN, exc.message) for field in exc.fields])


def _key_taken(exc: DuplicateField, _: Resource) -> Response:
    return invalid_record([Problem("key", _TAKEN, exc.message)], "definition")


def _unsaved(exc: DomainError, _: Resource) -> Response:
    """A record Rails refused to save for a reason that names no attribute."""
    return RailsJson({"message": exc.message, "attributes": []}, 422)


def _invalid(exc: InvalidInput, resource: Resource) -> Response:
    if resource == "filter":
        problem = exc.problems[0] if exc.problems else Problem("query", "", "")
        key = problem.field.rpartition(".")[2]
        return RailsJson(
            {"error": f"Invalid value. The values provided for {key} are invalid"}, 422
        )
    for problem in exc.problems if resource == "contact" else ():
        # An inbox that derives identities from the email or phone, and the contact has none.
        if problem.code == ProblemCode.REQUIRED and problem.field in ("email", "phone"):
            what = "email" if problem.field == "email" else "phone number"
            message = f"param is missing or the value is empty: contact {what}"
            return RailsJson({"error": message}, 422)
    return invalid_record(list(exc.problems), resource)


_MISSING = _fixed({"error": NOT_FOUND}, 404)

# The answer to every error class (given the resource the request is about).
ANSWERS_BY_ERROR: dict[type[DomainError], Callable[[Any, Resource], Response]] = {
    domain.NotFound: _MISSING,
    domain.AccountNotFound: _MISSING,
    domain.ContactNotFound: _MISSING,
    domain.ListNotFound: _MISSING,
    domain.FieldNotFound: _MISSING,
    domain.TagNotFound: _MISSING,
    domain.StopEntryNotFound: _MISSING,
    domain.InboxNotFound: _MISSING,
    domain.JobNotFound: _MISSING,
    domain.ChangeNotFound: _MISSING,
    domain.Unauthenticated: _fixed({"error": UNKNOWN_ACCESS}, 401),
    domain.Forbidden: _fixed({"error": NOT_ALLOWED}, 401),
    domain.RateLimited: _too_many,
    domain.Busy: _busy,
    domain.InvalidInput: _invalid,
    domain.DuplicateContact: _taken,
    domain.DuplicateField: _key_taken,
    domain.DuplicateList: _unsaved,
    domain.DuplicateInbox: _unsaved,
    domain.PreconditionFailed: _unsaved,
    domain.JobFileMismatch: _unsaved,
    domain.NotUndoable: _unsaved,
}


def _resource(request: Request) -> Resource:
    path = request.url.path
    if "/custom_attribute_definitions" in path:
        return "definition"
    if path.rstrip("/").endswith("/contacts/filter"):
        return "filter"
    return "contact"


def _on_domain(request: Request, exc: DomainError) -> Response:
    return render(exc, _resource(request))


async def on_reply(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ChatwootReply)
    return RailsJson(exc.body, exc.status)


def _on_validation(_: Request, exc: RequestValidationError) -> Response:
    if any(error.get("type") == "json_invalid" for error in exc.errors()):
        return RailsJson(BAD_REQUEST.body, 400)
    return RailsJson({"error": NOT_FOUND}, 404)


def _on_http(_: Request, exc: HTTPException) -> Response:
    # Rails answers an unknown route or verb as a missing resource.
    if exc.status_code in (404, 405):
        return RailsJson({"error": NOT_FOUND}, 404)
    if exc.status_code == 413:
        # Rack's wording of the status, as Rails renders it.
        return RailsJson({"status": 413, "error": "Payload Too Large"}, 413)
    return RailsJson({"status": exc.status_code, "error": str(exc.detail)}, exc.status_code)


def _on_crash() -> Response:
    return RailsJson({"status": 500, "error": "Internal Server Error"}, 500)


ANSWERS = Answers(domain=_on_domain, validation=_on_validation, http=_on_http, crash=_on_crash)

"""Reading JSON bodies, which may be absent, into the wire models, with Symfony's wording.

Some Notificore calls are POSTs with no body and no Content-Type (bulk delete, token refresh),
so an absent body reads as `{}` and the model then says which keys are missing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.web.kit.json_object import json_object as kit_json_object

M = TypeVar("M", bound=BaseModel)

# pydantic error type → the message the vendor's (Symfony) validator gives.
_MESSAGES = {
    "missing": "This field is missing.",
    "int_type": "This value should be of type integer.",
    "int_parsing": "This value should be of type integer.",
    "int_from_float": "This value should be of type integer.",
    "string_type": "This value should be of type string.",
    "bool_type": "This value should be of type bool.",
    "bool_parsing": "This value should be of type bool.",
    "list_type": "This value should be of type array.",
    "model_type": "This value should be of type array.",
    "dict_type": "This value should be of type array.",
    "literal_error": "The value you selected is not a valid choice.",
    "enum": "The value you selected is not a valid choice.",
}


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; `{}` when there is none.

    Raises: HTTPException 400 for malformed JSON, InvalidInput when it is not an object.
    """
    return await kit_json_object(
        request,
        malformed=lambda: HTTPException(400, "The request body is not valid JSON."),
        not_object=lambda: InvalidInput.single(
            "body", ProblemCode.INVALID_TYPE, "This value should be of type array."
        ),
    )


async def read_body(request: Request, model: type[M]) -> M:
    """The body validated as `model`.

    Raises: HTTPException 400, InvalidInput naming each bad key.
    """
    data = await json_object(request)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_of(exc)) from exc


def problems_of(exc: ValidationError) -> list[Problem]:
    """One problem per pydantic error, at its dotted path (`fields.0.id`)."""
    return [
        Problem(
            ".".join(str(part) for part in error["loc"]) or "body",
            str(error["type"]),
            message_for(error["type"], error.get("ctx") or {}, error["msg"]),
        )
        for error in exc.errors()
    ]


def message_for(kind: str, ctx: dict[str, Any], fallback: str) -> str:
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_short":
        return _counted(
            "This value is too short. It should have {} or more.", ctx["min_length"], "character"
        )
    if kind == "string_too_long":
        return _counted(
            "This value is too long. It should have {} or less.", ctx["max_length"], "character"
        )
    if kind == "too_short":
        return _counted("This collection should contain {} or more.", ctx["min_length"], "element")
    if kind == "too_long":
        return _counted("This collection should contain {} or less.", ctx["max_length"], "element")
    if kind == "greater_than_equal":
        return f"This value should be greater than or equal to {ctx['ge']}."
    if kind == "less_than_equal":
        return f"This value should be less than or equal to {ctx['le']}."
    return fallback


def _counted(template: str, count: int, noun: str) -> str:
    return template.format(f"{count} {noun}{'' if count == 1 else 's'}")

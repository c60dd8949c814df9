"""Pure translation of Chatwoot contact bodies into contact changes, with Chatwoot's own checks
on what it accepts (E.164 phones, 255-character strings, loosely typed values)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from contactbook.domain.contacts import ContactInput
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.web.dialects.chatwoot.mapping import ADDITIONAL_COLUMNS

# Chatwoot's phone rule, anchored at the end only (so `abc+14155552671` passes it; the store
# then refuses what is not a phone number with the same message).
E164 = re.compile(r"\+[1-9][0-9]{1,14}\Z")
MAX_LENGTH = 255

# Chatwoot attribute → canonical attribute, for the plain strings of a contact.
_TEXT = {
    "name": "name",
    "email": "email",
    "phone_number": "phone",
    "identifier": "external_id",
    "avatar_url": "avatar_url",
}
_LIMITED = ("name", "email", "phone_number", "identifier")
# Rails' boolean cast: these are false, any other value is true.
_FALSE = frozenset({"0", "f", "false", "off", ""})


def contact_input(body: Mapping[str, Any]) -> ContactInput:
    """The change a create or update body asks for; keys not given stay as they are, unknown
    keys are ignored. `custom_attributes` and `additional_attributes` merge key by key.

    Raises: InvalidInput (canonical field names) for what Chatwoot itself would refuse.
    """
    data = ContactInput()
    problems: list[Problem] = []
    for wire, canonical in _TEXT.items():
        if wire in body:
            value = _text(body[wire], canonical, problems)
            if wire in _LIMITED and value is not None and len(value) > MAX_LENGTH:
                problems.append(
                    Problem(canonical, ProblemCode.TOO_LONG, "At most 255 characters.", value)
                )
            setattr(data, canonical, value)
    if isinstance(data.phone, str) and data.phone.strip() and not E164.search(data.phone):
        problems.append(
            Problem("phone", ProblemCode.INVALID_PHONE, "Not in E.164 format.", data.phone)
        )
    if "blocked" in body:
        data.blocked = rails_bool(body["blocked"])
    if isinstance(body.get("additional_attributes"), Mapping):
        _additional(body["additional_attributes"], data, problems)
    elif body.get("additional_attributes") is not None:
        problems.append(_not_an_object("additional_attributes"))
    if isinstance(body.get("custom_attributes"), Mapping):
        data.custom = dict(body["custom_attributes"])
    elif body.get("custom_attributes") is not None:
        problems.append(_not_an_object("custom_fields"))
    if problems:
        raise InvalidInput(problems)
    return data


def rails_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() not in _FALSE


def _text(value: object, field: str, problems: list[Problem]) -> str | None:
    """Strings as given; numbers as their text (Chatwoot stores them in string columns)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    problems.append(
        Problem(field, ProblemCode.INVALID_TYPE, "This value should be of type string.", value)
    )
    return None


def _additional(given: Mapping[str, Any], data: ContactInput, problems: list[Problem]) -> None:
    rest: dict[str, Any] = {}
    for key, value in given.items():
        column = ADDITIONAL_COLUMNS.get(key)
        if column is None:
            rest[key] = value
        else:
            setattr(data, column, _text(value, column, problems))
    if rest:
        data.additional_attributes = rest


def _not_an_object(field: str) -> Problem:
    return Problem(field, ProblemCode.INVALID_TYPE, "This value should be an object.")


def label_names(value: object) -> list[str]:
    """Labels as acts-as-taggable-on reads them: each string split on commas, trimmed, blanks
    dropped, repeats (in any case) dropped, the order kept; nothing given clears."""
    given = value if isinstance(value, list) else [] if value is None else [value]
    names: dict[str, str] = {}
    for item in given:
        for part in str(item).split(","):
            name = part.strip()
            if name:
                names.setdefault(name.casefold(), name)
    return list(names.values())

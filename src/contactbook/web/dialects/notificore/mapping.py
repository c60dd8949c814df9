"""Pure translation between Notificore's wire forms and the domain.

Notificore phones are integers in ITU form (country code and number, no "+"); times are
`Y-m-d H:i:s` in UTC; contact `fields` is an object keyed by field id with string values
(docs/design.md §3.1); lists are "groups" with a boolean `default`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from contactbook.domain.contacts import Contact, ContactInput, CustomValue
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.fields import FieldDefinition, FieldType, Scalar, parse_date_value
from contactbook.domain.ids import MAX_ID
from contactbook.domain.lists import ContactList
from contactbook.domain.stoplist import Channel, StopEntry

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PHONE_MIN, PHONE_MAX = 100_000_000, 999_999_999_999_999  # 9 to 15 digits
FIELD_NAME_MAX_LENGTH = 30

_DIGITS = re.compile(r"\+?[0-9]{1,20}")

# Canonical types Notificore has no word for are shown as the nearest one it has.
_TYPE_OUT = {
    FieldType.TEXT: "text",
    FieldType.NUMBER: "number",
    FieldType.DATE: "date",
    FieldType.BOOLEAN: "text",
    FieldType.LIST: "text",
    FieldType.LINK: "text",
    FieldType.CURRENCY: "number",
    FieldType.PERCENT: "number",
}
# The SDK's names and the older documentation's.
TYPE_IN = {
    "text": FieldType.TEXT,
    "string": FieldType.TEXT,
    "number": FieldType.NUMBER,
    "integer": FieldType.NUMBER,
    "date": FieldType.DATE,
    "datetime": FieldType.DATE,
}


# --- out ---------------------------------------------------------------------------------------


def moment(value: datetime | None) -> str | None:
    """`Y-m-d H:i:s` in UTC."""
    return None if value is None else value.astimezone(UTC).strftime(TIME_FORMAT)


def phone_out(e164: str | None) -> int | None:
    """`+85267202829` → `85267202829`."""
    return None if e164 is None else int(e164.lstrip("+"))


def value_out(item: CustomValue) -> str:
    """A custom value as the string Notificore shows: whole numbers without `.0`, booleans as
    `true`/`false`, dates as `Y-m-d H:i:s`."""
    value: Scalar = item.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if math.isfinite(value) and value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if item.field.type is FieldType.DATE:
        try:
            return parse_date_value(value).strftime(TIME_FORMAT)
        except ValueError:
            return value
    return value


def group_out(item: ContactList) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "description": item.description or None,
        "default": item.is_default,
        "created_at": moment(item.created_at),
        "items": item.items,
        "stop_list_count": item.stop_list_count,
    }


def group_search_out(item: ContactList) -> dict[str, Any]:
    """Group search results say `is_default` where everything else says `default`."""
    return {
        "id": item.id,
        "name": item.name,
        "description": item.description or None,
        "is_default": item.is_default,
        "items": item.items,
        "created_at": moment(item.created_at),
    }


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "phone": phone_out(contact.phone),
        "fields": {str(item.field.id): value_out(item) for item in contact.custom},
        "created_at": moment(contact.created_at),
        "groups": [group_out(item) for item in contact.lists],
        "hlr_status": contact.hlr_status,
        "hlr_last_check": moment(contact.hlr_last_check),
    }


def field_out(definition: FieldDefinition) -> dict[str, Any]:
    # Other APIs allow longer names; the SDK refuses any over 30 characters.
    return {
        "id": definition.id,
        "name": definition.name[:FIELD_NAME_MAX_LENGTH].rstrip() or definition.name[:1],
        "type": _TYPE_OUT[definition.type],
        "description": definition.description or None,
        "is_visible": definition.visible,
    }


def stop_out(entry: StopEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "phone": phone_out(entry.phone),
        "created_at": moment(entry.created_at),
        "sms_stoplist": Channel.SMS in entry.channels,
        "viber_stoplist": Channel.VIBER in entry.channels,
        "rcs_stoplist": Channel.RCS in entry.channels,
    }


# --- in ----------------------------------------------------------------------------------------


def phone_in(value: object, path: str) -> str:
    """An ITU phone (integer, or a string of digits) as the international form the core
    normalises: `85267202829` → `+85267202829`.

    Raises: InvalidInput naming `path` (`invalid_type`, or `invalid_phone` for a number that
    does not have 9 to 15 digits).
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput.single(
            path, ProblemCode.INVALID_TYPE, "This value should be of type integer.", value
        )
    text = str(value).strip()
    if not _DIGITS.fullmatch(text) or not PHONE_MIN <= int(text.lstrip("+")) <= PHONE_MAX:
        raise InvalidInput.single(
            path, ProblemCode.INVALID_PHONE, "This value is not a valid phone number.", value
        )
    return "+" + text.lstrip("+")


def phones_in(values: Sequence[object]) -> list[str]:
    """Stop-list phones. Raises: InvalidInput naming every bad `phones.N`."""
    phones: list[str] = []
    problems: list[Problem] = []
    for index, value in enumerate(values):
        try:
            phones.append(phone_in(value, f"phones.{index}"))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return phones


def group_ids_in(groups: Sequence[object], path: str = "groups") -> list[int]:
    """List ids from integers or from objects carrying an integer `id` (what the SDK sends).

    Raises: InvalidInput naming `groups.N` or `groups.N.id`.
    """
    ids: list[int] = []
    problems: list[Problem] = []
    for index, item in enumerate(groups):
        where = f"{path}.{index}"
        if isinstance(item, Mapping):
            item, where = item.get("id"), f"{where}.id"
        if isinstance(item, bool) or not isinstance(item, int):
            problems.append(
                Problem(where, ProblemCode.INVALID_TYPE, "This value should be of type integer.")
            )
        elif not 1 <= item <= MAX_ID:
            problems.append(Problem(where, ProblemCode.UNKNOWN_LIST, f"No list {item}.", item))
        else:
            ids.append(item)
    if problems:
        raise InvalidInput(problems)
    return ids


def custom_in(
    fields: Sequence[tuple[int, object]],
) -> tuple[dict[int, object], dict[str, str]]:
    """Custom values by field id (an empty string removes a value) and, for error messages,
    the wire path of each (`custom_fields.25964` → `fields.0`).

    Raises: InvalidInput naming `fields.N.value` for a value that is not a scalar.
    """
    values: dict[int, object] = {}
    paths: dict[str, str] = {}
    problems: list[Problem] = []
    for index, (field_id, value) in enumerate(fields):
        if value is not None and not isinstance(value, str | int | float | bool):
            problems.append(
                Problem(
                    f"fields.{index}.value",
                    ProblemCode.INVALID_TYPE,
                    "This value should be of type string.",
                )
            )
            continue
        values[field_id] = None if value == "" else value
        paths[f"custom_fields.{field_id}"] = f"fields.{index}"
    if problems:
        raise InvalidInput(problems)
    return values, paths


def contact_in(
    phone: object,
    groups: Sequence[object] | None,
    fields: Sequence[tuple[int, object]] | None,
) -> tuple[ContactInput, dict[str, str]]:
    """A create or update: the phone is always given; `groups`, when given, replaces the
    contact's lists (docs/design.md §3.2); `fields` sets the values given and leaves the others.

    Returns the input and the wire paths of its custom values, for error messages.

    Raises: InvalidInput naming every bad part at once.
    """
    data = ContactInput()
    paths: dict[str, str] = {}
    problems: list[Problem] = []
    try:
        data.phone = phone_in(phone, "phone")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if groups is not None:
        try:
            data.lists = group_ids_in(groups)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if fields is not None:
        try:
            custom, paths = custom_in(fields)
            data.custom, data.custom_mode = custom, "merge"
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return data, paths

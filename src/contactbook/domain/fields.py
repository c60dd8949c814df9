"""Custom field definitions and the typing of custom values.

One definition is three vendors' view of the same thing: Notificore addresses it by `id`, Chatwoot
by `attribute_key`, HelpCrunch by `property` (= `key`). Values are stored typed: text as strings,
numbers as JSON numbers, booleans as booleans and dates as ISO 8601 strings (`2024-05-01` or
`2024-05-01T10:00:00Z`), which sort as text and convert to every vendor's form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.ids import INT64_MAX
from contactbook.domain.text import check_text

FieldRef = int | str
"""A field named by its id (int) or by its key (str)."""

Scalar = str | int | float | bool

CustomInput = Mapping[str, object] | Mapping[int, object] | Mapping[FieldRef, object]
"""Custom values to write, named by key (most APIs) or by id (Notificore)."""

# Stored numbers fit a signed 64-bit integer or a double; bigger integers are refused.
INT_LIMIT = INT64_MAX
KEY_MAX_LENGTH = 100
NAME_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 255
TEXT_VALUE_MAX_LENGTH = 10_000
MAX_OPTIONS = 1000

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_SLUG_DROP = re.compile(r"[^a-z0-9_]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

# Canonical contact attribute names: a custom field may not shadow them (CSV columns and the
# vendors' filters address both kinds by one name).
RESERVED_KEYS = frozenset(
    {
        "id", "phone", "phone_number", "email", "name", "external_id", "identifier", "user_id",
        "company", "avatar_url", "city", "country_code", "region_code", "locale", "notes",
        "source", "referer", "last_page", "created_from", "integration_id", "device", "blocked",
        "unsubscribed", "first_seen", "last_seen", "last_activity_at", "created_at",
        "updated_at", "tags", "labels", "lists", "groups", "custom_fields", "version",
    }
)  # fmt: skip


class FieldType(StrEnum):
    """The canonical custom field types."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    LIST = "list"
    LINK = "link"
    CURRENCY = "currency"
    PERCENT = "percent"

    @property
    def is_numeric(self) -> bool:
        return self in (FieldType.NUMBER, FieldType.CURRENCY, FieldType.PERCENT)

    @property
    def is_textual(self) -> bool:
        return self in (FieldType.TEXT, FieldType.LIST, FieldType.LINK)


class FieldScope(StrEnum):
    """What a definition describes; only contact fields hold contact values."""

    CONTACT = "contact"
    CONVERSATION = "conversation"


@dataclass(frozen=True, slots=True)
class FieldDefinition:
    """A custom field as stored."""

    id: int
    key: str
    name: str
    type: FieldType
    description: str | None = None
    visible: bool = True
    options: tuple[str, ...] = ()
    scope: FieldScope = FieldScope.CONTACT
    regex_pattern: str | None = None
    regex_cue: str | None = None
    default_value: int | None = None
    # Defined by a contact write or an import, not asked for; an explicit create adopts it.
    implicit: bool = False
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class FieldInput:
    """A definition to create; `key` defaults to a slug of `name`."""

    name: str
    type: FieldType = FieldType.TEXT
    key: str | None = None
    description: str | None = None
    visible: bool = True
    options: Sequence[str] = ()
    scope: FieldScope = FieldScope.CONTACT
    regex_pattern: str | None = None
    regex_cue: str | None = None
    default_value: int | None = None


@dataclass(frozen=True, slots=True)
class FieldChanges:
    """A partial change to a definition; None means "leave as is" except where `clear` names it."""

    name: str | None = None
    key: str | None = None
    description: str | None = None
    visible: bool | None = None
    options: Sequence[str] | None = None
    regex_pattern: str | None = None
    regex_cue: str | None = None
    default_value: int | None = None
    clear: frozenset[str] = frozenset()


def slugify_key(name: str) -> str:
    """Derive a key from a display name: `Favourite Colour` → `favourite_colour`."""
    slug = _SLUG_DROP.sub("_", name.strip().lower()).strip("_")
    if not slug or not (slug[0].isalpha() or slug[0] == "_"):
        slug = "f_" + slug
    return slug[:KEY_MAX_LENGTH]


def check_key(key: str, field_name: str = "key", *, reserved: bool = True) -> list[Problem]:
    """Problems with `key` as a custom field key (empty when it is fine). Contact attribute
    names are `reserved` for contact fields; other scopes never meet them."""
    problems: list[Problem] = []
    if not key:
        problems.append(
            Problem(field_name, ProblemCode.REQUIRED, "This value should not be blank.")
        )
    elif len(key) > KEY_MAX_LENGTH:
        problems.append(
            Problem(field_name, ProblemCode.TOO_LONG, f"At most {KEY_MAX_LENGTH} characters.", key)
        )
    elif not _KEY.match(key):
        problems.append(
            Problem(
                field_name,
                ProblemCode.INVALID_VALUE,
                "A key starts with a letter or underscore and holds letters, digits, _ . -",
                key,
            )
        )
    elif reserved and key.lower() in RESERVED_KEYS:
        problems.append(
            Problem(
                field_name,
                ProblemCode.RESERVED_KEY,
                "The key is reserved for a standard contact attribute.",
                key,
            )
        )
    return problems


def check_definition_text(
    name: str | None, description: str | None, prefix: str = ""
) -> list[Problem]:
    """Length rules on a definition's display name and description."""
    problems: list[Problem] = []
    for field_name, value in ((prefix + "name", name), (prefix + "description", description)):
        if value is not None:
            try:
                check_text(value, field_name)
            except InvalidInput as exc:
                problems.extend(exc.problems)
    if name is not None:
        if not name.strip():
            problems.append(
                Problem(prefix + "name", ProblemCode.REQUIRED, "This value should not be blank.")
            )
        elif len(name) > NAME_MAX_LENGTH:
            problems.append(
                Problem(
                    prefix + "name", ProblemCode.TOO_LONG, f"At most {NAME_MAX_LENGTH} characters."
                )
            )
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        problems.append(
            Problem(
                prefix + "description",
                ProblemCode.TOO_LONG,
                f"At most {DESCRIPTION_MAX_LENGTH} characters.",
            )
        )
    return problems


def coerce_value(definition: FieldDefinition, value: object, path: str) -> Scalar:
    """Convert `value` to the stored form of `definition`'s type.

    Raises: InvalidInput (code `invalid_type` / `invalid_choice` / `too_long`) naming `path`.
    """
    kind = definition.type
    if kind.is_numeric:
        return _as_number(value, path)
    if kind is FieldType.BOOLEAN:
        return _as_bool(value, path)
    if kind is FieldType.DATE:
        return _as_date(value, path)
    text = _as_text(value, path)
    if kind is FieldType.LIST and definition.options and text not in definition.options:
        raise InvalidInput.single(
            path,
            ProblemCode.INVALID_CHOICE,
            "The value is not one of the field's options: " + ", ".join(definition.options),
            value,
        )
    return text


def retype_values(
    definition: FieldDefinition, stored: Mapping[int, object]
) -> tuple[dict[int, Scalar], list[Problem]]:
    """The values contacts already hold (by contact id) in the stored form of `definition`'s
    type, keeping only those whose form changes (`"12"` becomes `12` for a number), and the
    problems if some value cannot take it: naming `options` for a value outside a list's
    options, else `type`, once each.
    """
    changed: dict[int, Scalar] = {}
    problems: dict[str, Problem] = {}
    for contact_id, value in stored.items():
        try:
            typed = coerce_value(definition, value, "type")
        except InvalidInput as exc:
            code = exc.problems[0].code if exc.problems else ProblemCode.INVALID_TYPE
            where = "options" if code == ProblemCode.INVALID_CHOICE else "type"
            problems.setdefault(
                where,
                Problem(
                    where,
                    code,
                    f"This value does not fit the values contacts already hold, such as {value!r}.",
                    value,
                ),
            )
            continue
        # `1 == True` in Python: a changed type is a changed value.
        if type(typed) is not type(value) or typed != value:
            changed[contact_id] = typed
    return changed, list(problems.values())


def infer_type(value: object) -> FieldType:
    """The type to give a field first seen with `value` (for auto-defined fields)."""
    if isinstance(value, bool):
        return FieldType.BOOLEAN
    if isinstance(value, int | float):
        return FieldType.NUMBER
    return FieldType.TEXT


def date_to_unix(value: str) -> int:
    """Seconds since the epoch for a stored date value (dates are midnight UTC)."""
    return int(parse_date_value(value).timestamp())


def parse_date_value(value: str) -> datetime:
    """The stored ISO date value as an aware UTC datetime."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _as_text(value: object, path: str) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str | int | float):
        text = str(value)
    else:
        raise _type_error(path, "string", value)
    check_text(text, path)
    if len(text) > TEXT_VALUE_MAX_LENGTH:
        raise InvalidInput.single(
            path, ProblemCode.TOO_LONG, f"At most {TEXT_VALUE_MAX_LENGTH} characters.", value
        )
    return text


def _as_number(value: object, path: str) -> int | float:
    if isinstance(value, bool):
        raise _type_error(path, "numeric", value)
    if isinstance(value, int):
        if abs(value) > INT_LIMIT:
            raise InvalidInput.single(
                path, ProblemCode.OUT_OF_RANGE, "This number is too large.", value
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _type_error(path, "numeric", value)
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return _as_number(int(text), path)
        number = float(text)
        if math.isfinite(number):
            return number
    raise _type_error(path, "numeric", value)


def _as_bool(value: object, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
    raise _type_error(path, "boolean", value)


def _as_date(value: object, path: str) -> str:
    if isinstance(value, bool):
        raise _type_error(path, "date", value)
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            moment = datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, ValueError, OSError) as exc:
            raise _type_error(path, "date", value) from exc
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise _type_error(path, "date", value) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    raise _type_error(path, "date", value)


def _type_error(path: str, expected: str, value: object) -> InvalidInput:
    return InvalidInput.single(
        path, ProblemCode.INVALID_TYPE, f"This value should be of type {expected}.", value
    )

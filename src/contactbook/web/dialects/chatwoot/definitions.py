"""Pure translation of Chatwoot's custom attribute definitions to and from field definitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.fields import (
    FieldChanges,
    FieldDefinition,
    FieldInput,
    FieldScope,
    FieldType,
)
from contactbook.domain.ids import parse_int64
from contactbook.web.dialects.chatwoot.errors import ChatwootReply
from contactbook.web.dialects.chatwoot.mapping import iso_millis
from contactbook.web.kit.ids import within_int64

# Chatwoot's enums, in the order of their integer values.
DISPLAY_TYPES = (
    FieldType.TEXT, FieldType.NUMBER, FieldType.CURRENCY, FieldType.PERCENT, FieldType.LINK,
    FieldType.DATE, FieldType.LIST, FieldType.BOOLEAN,
)  # fmt: skip
MODELS = (FieldScope.CONVERSATION, FieldScope.CONTACT)
_TYPE_NAMES = {kind: ("checkbox" if kind is FieldType.BOOLEAN else kind.value)
               for kind in DISPLAY_TYPES}  # fmt: skip
_MODEL_NAMES = {FieldScope.CONVERSATION: "conversation_attribute",
                FieldScope.CONTACT: "contact_attribute"}  # fmt: skip
PARAMS = (
    "attribute_display_name", "attribute_description", "attribute_display_type",
    "attribute_key", "attribute_model", "regex_pattern", "regex_cue", "default_value",
    "attribute_values",
)  # fmt: skip
WRAPPER = "custom_attribute_definition"
# Wire name → definition attribute, for the attributes a null clears.
_CLEARABLE = {
    "attribute_description": "description",
    "regex_pattern": "regex_pattern",
    "regex_cue": "regex_cue",
    "default_value": "default_value",
}


def definition_json(definition: FieldDefinition) -> dict[str, Any]:
    return {
        "id": definition.id,
        "attribute_display_name": definition.name,
        "attribute_display_type": _TYPE_NAMES[definition.type],
        "attribute_description": definition.description,
        "attribute_key": definition.key,
        "regex_pattern": definition.regex_pattern,
        "regex_cue": definition.regex_cue,
        "attribute_values": list(definition.options),
        "attribute_model": _MODEL_NAMES[definition.scope],
        "default_value": definition.default_value,
        "created_at": iso_millis(definition.created_at),
        "updated_at": iso_millis(definition.updated_at),
    }


def model_filter(value: object) -> tuple[bool, FieldScope | None]:
    """(whether to filter at all, the scope to keep) for `?attribute_model=`; a value that
    names no model keeps nothing."""
    if value is None or value == "":
        return False, None
    return True, _enum(value, MODELS, _MODEL_NAMES)


def definition_params(body: Mapping[str, Any]) -> dict[str, Any]:
    """The definition's fields, wrapped in `custom_attribute_definition` or flat (Rails wraps
    flat JSON itself).

    Raises: ChatwootReply (422) when there are none.
    """
    wrapped = body.get(WRAPPER)
    params = wrapped if isinstance(wrapped, Mapping) else {
        key: body[key] for key in PARAMS if key in body
    }  # fmt: skip
    if not params:
        raise ChatwootReply.error(f"param is missing or the value is empty: {WRAPPER}")
    return dict(params)


def definition_input(params: Mapping[str, Any]) -> FieldInput:
    """A definition to create; the model defaults to conversation, as in Chatwoot.

    Raises: InvalidInput.
    """
    problems: list[Problem] = []
    kind = _choice(params, "attribute_display_type", DISPLAY_TYPES, _TYPE_NAMES, "type",
                   FieldType.TEXT, problems)  # fmt: skip
    scope = _choice(params, "attribute_model", MODELS, _MODEL_NAMES, "scope",
                    FieldScope.CONVERSATION, problems)  # fmt: skip
    options = _options(params, problems)
    if problems:
        raise InvalidInput(problems)
    return FieldInput(
        name=_text(params.get("attribute_display_name")) or "",
        key=_text(params.get("attribute_key")) or "",
        type=kind,
        description=_text(params.get("attribute_description")),
        options=options or (),
        scope=scope,
        regex_pattern=_text(params.get("regex_pattern")),
        regex_cue=_text(params.get("regex_cue")),
        default_value=_integer(params.get("default_value")),
    )


def definition_changes(params: Mapping[str, Any], current: FieldDefinition) -> FieldChanges:
    """The change an update asks for. The type and model of a definition stay what they are
    (stored values depend on them); asking to change them is refused.

    Raises: InvalidInput.
    """
    problems: list[Problem] = []
    for wire, field, enum, names, now in (
        ("attribute_display_type", "type", DISPLAY_TYPES, _TYPE_NAMES, current.type),
        ("attribute_model", "scope", MODELS, _MODEL_NAMES, current.scope),
    ):
        wanted = _choice(params, wire, enum, names, field, now, problems)
        if wanted != now:
            problems.append(Problem(field, ProblemCode.INVALID_VALUE, "Cannot be changed."))
    options = _options(params, problems)
    if problems:
        raise InvalidInput(problems)
    clear = frozenset(
        field for wire, field in _CLEARABLE.items() if wire in params and params[wire] is None
    )
    name = key = None
    if "attribute_display_name" in params:
        name = _text(params["attribute_display_name"]) or ""
    if "attribute_key" in params:
        key = _text(params["attribute_key"]) or ""
    return FieldChanges(
        name=name,
        key=key,
        description=_text(params.get("attribute_description")),
        options=options,
        regex_pattern=_text(params.get("regex_pattern")),
        regex_cue=_text(params.get("regex_cue")),
        default_value=_integer(params.get("default_value")),
        clear=clear,
    )


def _choice(
    params: Mapping[str, Any],
    wire: str,
    enum: tuple[Any, ...],
    names: Mapping[Any, str],
    field: str,
    default: Any,
    problems: list[Problem],
) -> Any:
    if params.get(wire) is None:
        return default
    found = _enum(params[wire], enum, names)
    if found is None:
        problems.append(Problem(field, ProblemCode.INVALID_CHOICE, "Is not included in the list."))
        return default
    return found


def _enum(value: object, enum: tuple[Any, ...], names: Mapping[Any, str]) -> Any:
    """A Rails enum given by name, by integer or by a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = parse_int64(value) if value.strip().isascii() else None
    if isinstance(value, int):
        return enum[value] if 0 <= value < len(enum) else None
    for member in enum:
        if names[member] == value:
            return member
    return None


def _options(params: Mapping[str, Any], problems: list[Problem]) -> list[str] | None:
    values = params.get("attribute_values")
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str | int | float) for v in values):
        problems.append(Problem("options", ProblemCode.INVALID_TYPE, "Is not a list of strings."))
        return None
    return [str(v) for v in values]


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _integer(value: object) -> int | None:
    """An integer column's value (Rails casts what is not a number to nothing)."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        number = parse_int64(value)
    return number if number is not None and within_int64(number) else None

"""Pure translation of Chatwoot's contact filter, search and sort parameters into queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from contactbook.domain.errors import InvalidInput
from contactbook.domain.fields import FieldDefinition, FieldType, coerce_value
from contactbook.domain.queries import (
    MAX_CONDITIONS,
    All,
    AnyOf,
    Condition,
    CustomField,
    Expr,
    Not,
    Op,
    PhoneForm,
    SortKey,
    check_query,
    check_search_text,
)
from contactbook.web.dialects.chatwoot.errors import ChatwootReply

STANDARD_KEYS = (
    "name",
    "phone_number",
    "email",
    "identifier",
    "country_code",
    "city",
    "company",
    "labels",
    "created_at",
    "last_activity_at",
    "blocked",
)
_TEXT_OPS = ("equal_to", "not_equal_to", "contains", "does_not_contain")
_DATE_OPS = ("is_greater_than", "is_less_than", "days_before")
OPERATORS: dict[str, tuple[str, ...]] = {
    "name": _TEXT_OPS,
    "email": _TEXT_OPS,
    "identifier": ("equal_to", "not_equal_to"),
    "phone_number": (*_TEXT_OPS, "starts_with"),
    "country_code": ("equal_to", "not_equal_to"),
    "city": _TEXT_OPS,
    "company": _TEXT_OPS,
    "labels": ("equal_to", "not_equal_to", "is_present", "is_not_present"),
    "created_at": _DATE_OPS,
    "last_activity_at": _DATE_OPS,
    "blocked": ("equal_to", "not_equal_to"),
}
# Custom attributes: the operators that make sense for the attribute's type.
_PRESENCE = ("is_present", "is_not_present")
_ORDER_OPS = ("is_greater_than", "is_less_than")
_CUSTOM_OPERATORS: dict[str, tuple[str, ...]] = {
    "text": (*_TEXT_OPS, *_PRESENCE),
    "number": ("equal_to", "not_equal_to", *_PRESENCE, *_ORDER_OPS),
    "date": ("equal_to", "not_equal_to", *_PRESENCE, *_DATE_OPS),
    "boolean": ("equal_to", "not_equal_to", *_PRESENCE),
}
_VALUELESS = ("is_present", "is_not_present")
MAX_DAYS = 100_000  # about 270 years; far larger counts fall off the calendar
# Chatwoot attribute → canonical attribute.
_COLUMNS = {
    "name": "name",
    "email": "email",
    "identifier": "external_id",
    "phone_number": "phone",
    "country_code": "country_code",
    "city": "city",
    "company": "company",
    "created_at": "created_at",
    "last_activity_at": "last_seen",
    "blocked": "blocked",
}


def filter_expr(
    conditions: object, definitions: Mapping[str, FieldDefinition], today: date
) -> Expr | None:
    """The condition tree of a filter payload; each condition's `query_operator` joins it to
    the next, and AND binds tighter than OR. `definitions` are the account's contact
    attributes by key.

    Raises: ChatwootReply (422 with Chatwoot's message), checking every query operator first,
    then each condition's operator, values and attribute.
    """
    if conditions is not None and not isinstance(conditions, list):
        raise ChatwootReply.error("param is missing or the value is empty: payload")
    items = [item for item in conditions or () if isinstance(item, Mapping)]
    if len(items) > MAX_CONDITIONS:
        raise _invalid_values("payload")
    joins = []
    for item in items:
        joiner = item.get("query_operator")
        joiner = joiner.strip().upper() if isinstance(joiner, str) else joiner
        if joiner not in (None, "", "AND", "OR"):
            raise ChatwootReply.error('Query operator must be either "AND" or "OR".')
        joins.append(joiner or None)
    groups: list[list[Expr]] = [[]]
    for index, item in enumerate(items):
        groups[-1].append(_checked(_condition(item, definitions, today), item))
        # The last condition's operator joins nothing; Chatwoot fails on it, here it is moot.
        if index < len(items) - 1 and joins[index] == "OR":
            groups.append([])
    alternatives: list[Expr] = [g[0] if len(g) == 1 else All(tuple(g)) for g in groups if g]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))


def _checked(condition: Expr, item: Mapping[str, Any]) -> Expr:
    """`condition`, once its values are known to be text SQL can take (and not too many)."""
    key = str(item.get("attribute_key") or "")
    try:
        check_query(condition, key)
    except InvalidInput as exc:
        raise _invalid_values(key) from exc
    return condition


def _condition(
    item: Mapping[str, Any], definitions: Mapping[str, FieldDefinition], today: date
) -> Expr:
    key = str(item.get("attribute_key") or "")
    operator = str(item.get("filter_operator") or "")
    definition = definitions.get(key) if key not in OPERATORS else None
    allowed = OPERATORS.get(key) or (custom_operators(definition) if definition else None)
    if allowed is not None and operator not in allowed:
        raise ChatwootReply.error(
            f"Invalid operator. The allowed operators for {key} are [{','.join(allowed)}]."
        )
    raw = item.get("values")
    values = list(raw) if isinstance(raw, list) else ([] if raw is None else [raw])
    if not values and operator not in _VALUELESS:
        raise _invalid_values(key)
    if key in OPERATORS:
        return _standard(key, operator, values, today)
    if definition is None:
        raise ChatwootReply.error(
            f"Invalid attribute key - [{key}]. The key should be one of "
            f"[{','.join(STANDARD_KEYS)}] or a custom attribute defined in the account."
        )
    return _custom(definition, operator, values, today)


def _standard(key: str, operator: str, values: list[Any], today: date) -> Expr:
    if key == "labels":
        if operator in _VALUELESS:
            return Condition("tags", Op.PRESENT if operator == "is_present" else Op.ABSENT)
        name = str(values[0]).lower()
        return Condition("tags", Op.EQ if operator == "equal_to" else Op.NE, name)
    column = _COLUMNS[key]
    if key == "blocked":
        flag = _boolean(values[0], key)
        return Condition(column, Op.EQ if operator == "equal_to" else Op.NE, flag)
    if operator in _DATE_OPS:
        return _before_or_after(column, operator, values[0], today, key)
    if operator in ("contains", "does_not_contain"):
        texts = tuple(str(v).strip() for v in values)
        hits = Condition(column, Op.CONTAINS, texts, ci=True)
        return hits if operator == "contains" else Not(hits)
    first = values[0]
    # Chatwoot takes a phone as its international digits, the "+" optional.
    phone = PhoneForm.INTERNATIONAL if key == "phone_number" else None
    if operator == "starts_with":  # phone_number's only
        return Condition(column, Op.STARTS_WITH, str(first), phone=phone)
    text = str(first).lower() if isinstance(first, str) else str(first)
    equal = Condition(column, Op.EQ, text, ci=phone is None, phone=phone)
    if operator == "equal_to":
        return equal
    # Chatwoot compares with SQL `!=`, which never holds for a missing value; only a name
    # (which Chatwoot stores as "" rather than null) is always compared.
    return Condition(column, Op.NE, text, ci=True) if key == "name" else Not(equal)


def custom_operators(definition: FieldDefinition) -> tuple[str, ...]:
    kind = definition.type
    if kind.is_textual:
        return _CUSTOM_OPERATORS["text"]
    if kind.is_numeric:
        return _CUSTOM_OPERATORS["number"]
    return _CUSTOM_OPERATORS["date" if kind is FieldType.DATE else "boolean"]


def _custom(definition: FieldDefinition, operator: str, values: list[Any], today: date) -> Expr:
    """`custom_attributes->>key` cast by the definition's type; text compares lower-cased."""
    target = CustomField(definition.key, definition)
    key = definition.key
    if operator in _VALUELESS:
        return Condition(target, Op.PRESENT if operator == "is_present" else Op.ABSENT)
    if operator in ("contains", "does_not_contain"):
        texts = tuple(str(v).strip() for v in values)
        hits = Condition(target, Op.CONTAINS, texts, ci=True)
        return hits if operator == "contains" else Not(hits)
    if operator == "days_before":
        limit = today - timedelta(days=_days(values[0], key))
        return Condition(target, Op.LT, limit.isoformat())
    textual = definition.type.is_textual
    value: object
    if textual:
        value = str(values[0]).lower()
    elif definition.type is FieldType.DATE:
        value = _day(values[0], key).isoformat()  # compared as dates, whatever the time
    else:
        value = _typed(definition, values[0])
    op = {
        "equal_to": Op.EQ,
        "not_equal_to": Op.NE,
        "is_greater_than": Op.GT,
        "is_less_than": Op.LT,
    }[operator]
    return Condition(target, op, value, ci=textual)


def _typed(definition: FieldDefinition, value: object) -> object:
    try:
        return coerce_value(definition, value, definition.key)
    except InvalidInput as exc:
        raise _invalid_values(definition.key) from exc


def _before_or_after(column: str, operator: str, value: object, today: date, key: str) -> Expr:
    """`created_at::date` compared with a day: after the day means from the next midnight."""
    if operator == "days_before":
        limit = today - timedelta(days=_days(value, key))
        return Condition(column, Op.LT, _midnight(limit))
    day = _day(value, key)
    if operator == "is_greater_than":
        return Condition(column, Op.GTE, _midnight(day + timedelta(days=1)))
    return Condition(column, Op.LT, _midnight(day))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _day(value: object, key: str) -> date:
    try:
        day = date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise _invalid_values(key) from exc
    if day == date.max:  # "after the last day" has no midnight to start from
        raise _invalid_values(key)
    return day


def _days(value: object, key: str) -> int:
    try:
        days = int(str(value).strip())
    except ValueError as exc:
        raise _invalid_values(key) from exc
    if not 0 <= days <= MAX_DAYS:
        raise _invalid_values(key)
    return days


def _boolean(value: object, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "t", "1"):
        return True
    if text in ("false", "f", "0"):
        return False
    raise _invalid_values(key)


def _invalid_values(key: str) -> ChatwootReply:
    return ChatwootReply.error(f"Invalid value. The values provided for {key} are invalid")


# --- search and sort --------------------------------------------------------------------------


def search_expr(q: str) -> Expr:
    """Chatwoot's search: a substring of the name, email or phone in any case, or of the
    identifier as written.

    Raises: InvalidInput naming `q` when it is text SQL cannot take, or too long to be in any
    contact.
    """
    check_search_text(q, "q")
    return AnyOf(
        (
            Condition("name", Op.CONTAINS, q, ci=True),
            Condition("email", Op.CONTAINS, q, ci=True),
            Condition("phone", Op.CONTAINS, q, ci=True),
            Condition("external_id", Op.CONTAINS, q, ci=False),
        )
    )


def labels_expr(labels: Sequence[str]) -> Expr | None:
    """Contacts carrying any of the labels.

    Raises: InvalidInput naming `labels`.
    """
    names = tuple(check_search_text(str(label), "labels") for label in labels if str(label).strip())
    return Condition("tags", Op.IN, names) if names else None


# Chatwoot sort key → (canonical attribute, NULLS LAST ascending, descending, compare lower-cased)
_SORTS: dict[str, tuple[str, bool | None, bool | None, bool]] = {
    # Chatwoot stores a missing name as "", which sorts first ascending.
    "name": ("name", False, True, True),
    "email": ("email", True, False, False),
    "phone_number": ("phone", True, False, False),
    "last_activity_at": ("last_seen", True, True, False),
    "created_at": ("created_at", True, True, False),
    "company": ("company", True, True, False),
    "city": ("city", True, True, False),
    # Country names are not kept apart from codes here; the code orders the same countries.
    "country": ("country_code", True, True, False),
}


def sort_keys(sort: object) -> tuple[SortKey, ...]:
    """`sort=-name,email`: keys in order, `-` descending, unknown keys ignored; by id when
    nothing is left."""
    keys: list[SortKey] = []
    for part in str(sort or "").split(","):
        name = part.strip()
        descending = name.startswith("-")
        known = _SORTS.get(name.lstrip("-"))
        if known is None:
            continue
        column, asc_last, desc_last, ci = known
        keys.append(SortKey(column, descending, desc_last if descending else asc_last, ci))
    return tuple(keys)

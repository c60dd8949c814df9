"""Pure translation of HelpCrunch's customer listing and search into a `ContactQuery`.

A filter is `{field, operator, value}` on a `customers.*` field; filters join with
`comparison` AND (the default) or OR. Each field has a type that decides its operators and the
type its value must have; a mismatch is a 400 naming `filter[i].operator` or `filter[i].value`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.ids import parse_int64
from contactbook.domain.queries import (
    MAX_CONDITIONS,
    All,
    AnyOf,
    ChannelIdentity,
    Condition,
    ContactQuery,
    Expr,
    Op,
    PhoneForm,
    SortKey,
    check_query,
    check_search_text,
)
from contactbook.web.dialects.helpcrunch.mapping import INCLUDE, MAX_UNIX
from contactbook.web.dialects.helpcrunch.schemas import FilterIn, SearchIn
from contactbook.web.kit.ids import within_int64

STRING, INTEGER, DATE, TAGS = "string", "integer", "date", "tags"

# HelpCrunch field → (canonical target, type).
FIELDS: dict[str, tuple[str | ChannelIdentity, str]] = {
    "customers.id": ("id", INTEGER),
    "customers.name": ("name", STRING),
    "customers.email": ("email", STRING),
    "customers.company": ("company", STRING),
    "customers.phone": ("phone", STRING),
    "customers.userId": ("external_id", STRING),
    "customers.city": ("city", STRING),
    "customers.countryCode": ("country_code", STRING),
    "customers.regionCode": ("region_code", STRING),
    "customers.telegramId": (ChannelIdentity("telegram"), STRING),
    "customers.facebookId": (ChannelIdentity("facebook"), STRING),
    "customers.instagramId": (ChannelIdentity("instagram"), STRING),
    "customers.viberId": (ChannelIdentity("viber"), STRING),
    "customers.whatsappId": (ChannelIdentity("whatsapp"), STRING),
    "customers.tagsData": ("tags", TAGS),
    "customers.firstSeen": ("first_seen", DATE),
    "customers.lastSeen": ("last_seen", DATE),
    "customers.createdAt": ("created_at", DATE),
}

OPERATORS = {
    "=": Op.EQ,
    "!=": Op.NE,
    ">": Op.GT,
    "<": Op.LT,
    ">=": Op.GTE,
    "<=": Op.LTE,
    "~": Op.CONTAINS,
    "!~": Op.NOT_CONTAINS,
}
ORDERED = frozenset({Op.GT, Op.LT, Op.GTE, Op.LTE})
ALLOWED = {
    STRING: frozenset({Op.EQ, Op.NE, Op.CONTAINS, Op.NOT_CONTAINS}),
    INTEGER: frozenset({Op.EQ, Op.NE, *ORDERED}),
    DATE: frozenset({Op.EQ, Op.NE, *ORDERED}),
    TAGS: frozenset({Op.EQ}),
}

SORTS = {
    "customers.id": "id",
    "customers.firstSeen": "first_seen",
    "customers.lastSeen": "last_seen",
    "customers.createdAt": "created_at",
}

NOT_BLANK = "This value should not be blank."
NOT_A_CHOICE = "The value you selected is not a valid choice."


@dataclass(frozen=True, slots=True)
class Paging:
    offset: int = 0
    limit: int = 100
    sort: str | None = None
    order: str | None = None


def contact_query(paging: Paging, where: Expr | None = None) -> ContactQuery:
    """The page HelpCrunch's list and search ask for, with the total across pages.

    Raises: InvalidInput naming `sort` or `order`.
    """
    return ContactQuery(
        where=where,
        sort=sort_keys(paging.sort, paging.order),
        offset=paging.offset,
        limit=paging.limit,
        with_total=True,
        include=INCLUDE,
    )


def sort_keys(sort: str | None, order: str | None) -> tuple[SortKey, ...]:
    """`customers.firstSeen` / `customers.lastSeen` in `asc` / `desc` (any case); customers
    without the time come last either way. No sort: by id.

    Raises: InvalidInput naming `sort` or `order`.
    """
    problems: list[Problem] = []
    direction = (order or "asc").strip().lower()
    if direction not in ("asc", "desc"):
        problems.append(Problem("order", ProblemCode.INVALID_CHOICE, NOT_A_CHOICE, order))
    if sort is not None and sort not in SORTS:
        problems.append(Problem("sort", ProblemCode.INVALID_CHOICE, NOT_A_CHOICE, sort))
    if problems:
        raise InvalidInput(problems)
    descending = direction == "desc"
    if sort is None:
        return (SortKey("id", descending=descending),)
    return (SortKey(SORTS[sort], descending=descending, nulls_last=True),)


def search_paging(body: SearchIn) -> Paging:
    return Paging(body.offset, body.limit, body.sort, body.order)


def search_filter(body: SearchIn) -> Expr | None:
    """The condition tree of a search; no filter matches everyone.

    Raises: InvalidInput naming every bad `filter[i].*` and `comparison` at once.
    """
    problems: list[Problem] = []
    comparison = (body.comparison or "AND").strip().upper()
    if comparison not in ("AND", "OR"):
        problems.append(
            Problem("comparison", ProblemCode.INVALID_CHOICE, NOT_A_CHOICE, body.comparison)
        )
    if len(body.filter or ()) > MAX_CONDITIONS:
        raise InvalidInput.single(
            "filter",
            ProblemCode.TOO_MANY,
            f"This collection should contain {MAX_CONDITIONS} elements or less.",
        )
    conditions: list[Expr] = []
    for index, item in enumerate(body.filter or ()):
        try:
            conditions.append(filter_condition(item, f"filter[{index}]"))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    if not conditions:
        return None
    if len(conditions) == 1:
        where = conditions[0]
    else:
        where = All(tuple(conditions)) if comparison == "AND" else AnyOf(tuple(conditions))
    check_query(where, "filter")
    return where


def filter_condition(item: FilterIn, path: str) -> Expr:
    """One filter as a condition.

    Raises: InvalidInput naming `<path>.field`, `<path>.operator` or `<path>.value`.
    """
    if not item.field.strip():
        raise InvalidInput.single(f"{path}.field", ProblemCode.REQUIRED, NOT_BLANK)
    if item.field not in FIELDS:
        raise InvalidInput.single(
            f"{path}.field", ProblemCode.INVALID_CHOICE, NOT_A_CHOICE, item.field
        )
    target, kind = FIELDS[item.field]
    op = OPERATORS.get(item.operator.strip())
    if op is None or op not in ALLOWED[kind]:
        message = NOT_A_CHOICE if op is None else f"The operator cannot be used on {item.field}."
        raise InvalidInput.single(
            f"{path}.operator", ProblemCode.INVALID_CHOICE, message, item.operator
        )
    value_path = f"{path}.value"
    if kind == TAGS:
        return All(tuple(Condition("tags", Op.EQ, name) for name in _tag_names(item.value, path)))
    if item.value is None:
        # `= null` finds customers without the value, `!= null` those with it.
        if op in (Op.EQ, Op.NE) and kind != INTEGER:
            return Condition(target, Op.ABSENT if op is Op.EQ else Op.PRESENT)
        raise InvalidInput.single(value_path, ProblemCode.REQUIRED, NOT_BLANK)
    if kind == INTEGER:
        return Condition(target, op, _integer(item.value, value_path))
    if kind == DATE:
        return Condition(target, op, _moment(item.value, value_path))
    text = _string(item.value, value_path)
    if op in (Op.CONTAINS, Op.NOT_CONTAINS):
        return Condition(target, op, text, ci=True)
    # A phone is given in any common spelling; the service finds its stored form.
    return Condition(target, op, text, phone=PhoneForm.NUMBER if target == "phone" else None)


def _tag_names(value: object, path: str) -> list[str]:
    items = value if isinstance(value, list) else None
    names: list[str] = []
    for index, entry in enumerate(items or ()):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput.single(
                f"{path}.value[{index}].name", ProblemCode.INVALID_TYPE, NOT_BLANK, entry
            )
        names.append(check_search_text(name.strip(), f"{path}.value[{index}].name"))
    if not names:
        raise InvalidInput.single(
            f"{path}.value",
            ProblemCode.INVALID_TYPE,
            "This value should be a non-empty array of tags.",
            value,
        )
    return names


def _integer(value: object, path: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = parse_int64(value) if value.strip().isascii() else value
    if isinstance(value, bool) or not isinstance(value, int) or not within_int64(value):
        raise InvalidInput.single(
            path, ProblemCode.INVALID_TYPE, "This value should be of type numeric.", value
        )
    return value


def _moment(value: object, path: str) -> datetime:
    seconds = _integer(value, path)
    if not 0 <= seconds <= MAX_UNIX:
        raise InvalidInput.single(
            path, ProblemCode.OUT_OF_RANGE, "This value is not a valid timestamp.", value
        )
    return datetime.fromtimestamp(seconds, UTC)


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput.single(
            path, ProblemCode.INVALID_TYPE, "This value should be of type string.", value
        )
    return check_search_text(value, path)

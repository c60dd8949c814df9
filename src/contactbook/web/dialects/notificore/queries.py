"""Notificore listings and searches as domain queries (pure).

Search criteria (`search[…]`, `search_fields[N][…]`) are ANDed. `like` is a substring match;
`date` is the documented alias of `created_at`; a time compared with `=` matches its whole
second (or day, for a bare date), as the `Y-m-d H:i:s` the API shows has no finer grain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.ids import MAX_ID
from contactbook.domain.queries import (
    Condition,
    ContactQuery,
    CustomField,
    Expr,
    Op,
    PhoneForm,
    SortKey,
    Visibility,
    all_of,
    check_query,
)
from contactbook.domain.stoplist import Channel
from contactbook.web.dialects.notificore.params import (
    Criterion,
    Order,
    PageParams,
    QueryItems,
    criteria_of,
    ids_of,
    order_of,
    page_of,
    values_of,
)
from contactbook.web.kit.ids import within_int64

CONTACT_LIMIT = 30  # the seeds' default
SEARCH_LIMIT = 50
GROUP_LIMIT = 50
STOP_LIMIT = 20

CONTACT_SORTS = ("id", "phone")
GROUP_SORTS = ("id", "items", "name", "description", "created_at")
STOP_SORTS = ("id", "phone")

WITH_LISTS = frozenset({"lists"})

_OPS = {"=": Op.EQ, ">": Op.GT, ">=": Op.GTE, "<": Op.LT, "<=": Op.LTE, "like": Op.CONTAINS}
_COMPARE = ("=", ">", ">=", "<", "<=")
_MATCH = ("like", "=")
_DIGITS = re.compile(r"[0-9]{1,20}")
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class Search:
    """A search request: page, order and criteria."""

    page: PageParams
    order: Order
    criteria: tuple[Criterion, ...]

    def meta(self, total: int) -> dict[str, Any]:
        """`meta` of a search answer: the page and the first criterion echoed back."""
        meta: dict[str, Any] = {"page": self.page.meta(total)}
        if self.criteria:
            first = self.criteria[0]
            field = "created_at" if first.field.lower() == "date" else first.field.lower()
            meta["search"] = {"field": field, "operator": first.operator, "value": first.value}
        return meta


def read_search(items: QueryItems, default_limit: int, sorts: Sequence[str]) -> Search:
    """Raises: InvalidInput naming every bad parameter at once."""
    problems: list[Problem] = []
    page, order, criteria = PageParams(0, default_limit), Order(sorts[0], False), []
    try:
        page = page_of(items, default_limit)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        order = order_of(items, sorts)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        criteria = criteria_of(items)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return Search(page, order, tuple(criteria))


# --- contacts ----------------------------------------------------------------------------------


def contact_listing(items: QueryItems) -> ContactQuery:
    """`GET /api/contacts`: a page of contacts with a phone, optionally of some groups.

    Raises: InvalidInput naming the bad parameter.
    """
    problems: list[Problem] = []
    page, groups = PageParams(0, CONTACT_LIMIT), []
    try:
        page = page_of(items, CONTACT_LIMIT)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        groups = ids_of(items, "groups")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    where = Condition("lists", Op.IN, tuple(dict.fromkeys(groups))) if groups else None
    check_query(where, "groups[]")
    return ContactQuery(
        visibility=Visibility.WITH_PHONE,
        where=where,
        sort=(SortKey("id"),),
        offset=page.offset,
        limit=page.limit,
        with_total=True,
        include=WITH_LISTS,
    )


def contact_search(search: Search) -> ContactQuery:
    """Raises: InvalidInput naming the bad criterion part."""
    where = all_of(*_each(search.criteria, _contact_condition))
    return ContactQuery(
        visibility=Visibility.WITH_PHONE,
        where=where,
        sort=(SortKey(search.order.sort, descending=search.order.descending),),
        offset=search.page.offset,
        limit=search.page.limit,
        with_total=True,
        include=WITH_LISTS,
    )


def criteria_paths(criteria: Sequence[Criterion]) -> dict[str, str]:
    """Where the core's `custom_fields.<id>` problems point on the wire (`search_fields[0]`)."""
    return {
        f"custom_fields.{int(c.field)}": c.param for c in criteria if _DIGITS.fullmatch(c.field)
    }


def _contact_condition(c: Criterion) -> list[Expr]:
    field = c.field.lower()
    if field == "id":
        return [_number(c, "id")]
    if field == "phone":
        return [_phone(c, "phone")]
    if field == "group_id":
        _only(c, ("=",))
        return [Condition("lists", Op.EQ, _integer(c))]
    if field in ("created_at", "date"):
        return list(_moment(c, "created_at"))
    if _DIGITS.fullmatch(field) and int(field) <= MAX_ID:
        op = _OPS[c.operator]
        value = c.value.strip("%") if op is Op.CONTAINS else c.value
        return [Condition(CustomField(int(field)), op, value, ci=op is Op.CONTAINS)]
    raise _bad_field(c)


# --- groups and the stop list ------------------------------------------------------------------


def group_conditions(criteria: Sequence[Criterion]) -> list[Condition]:
    """Raises: InvalidInput naming the bad criterion part."""
    return _each(criteria, _group_condition)


def _group_condition(c: Criterion) -> list[Condition]:
    field = c.field.lower()
    if field in ("id", "items"):
        return [_number(c, field)]
    if field in ("name", "description"):
        _only(c, _MATCH)
        if c.operator == "like":
            return [Condition(field, Op.CONTAINS, c.value.strip("%"))]
        return [Condition(field, Op.EQ, c.value)]
    if field in ("created_at", "date"):
        return _moment(c, "created_at")
    if field == "phone":
        return [_phone(c, "phone")]
    raise _bad_field(c)


def stop_channels(items: QueryItems) -> frozenset[Channel]:
    """`type` (the SDK) or `types` (the documentation), one value or several.

    Raises: InvalidInput naming `type`.
    """
    given = [*values_of(items, "type"), *values_of(items, "types")]
    try:
        return frozenset(Channel(value.lower()) for value in given)
    except ValueError as exc:
        raise InvalidInput.single(
            "type", ProblemCode.INVALID_CHOICE, "The value you selected is not a valid choice."
        ) from exc


def stop_conditions(criteria: Sequence[Criterion]) -> list[Condition]:
    """Raises: InvalidInput naming the bad criterion part."""
    return _each(criteria, _stop_condition)


def _stop_condition(c: Criterion) -> list[Condition]:
    field = c.field.lower()
    if field == "id":
        return [_number(c, "id")]
    if field == "phone":
        return [_phone(c, "phone")]
    if field in ("created_at", "date"):
        return _moment(c, "created_at")
    if field == "type":
        _only(c, ("=",))
        try:
            return [Condition("channel", Op.EQ, Channel(c.value.strip().lower()).value)]
        except ValueError as exc:
            raise _bad_value(c, "The value you selected is not a valid choice.") from exc
    raise _bad_field(c)


# --- criteria of each kind ---------------------------------------------------------------------


def _each(criteria: Sequence[Criterion], one: Callable[[Criterion], list[Any]]) -> list[Any]:
    found: list[Any] = []
    problems: list[Problem] = []
    for criterion in criteria:
        try:
            found.extend(one(criterion))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return found


def _only(c: Criterion, operators: Sequence[str]) -> None:
    if c.operator not in operators:
        raise InvalidInput.single(
            c.path("operator"),
            ProblemCode.INVALID_CHOICE,
            f"The operator {c.operator!r} cannot be used with {c.field!r}.",
            c.operator,
        )


def _integer(c: Criterion) -> int:
    text = c.value.strip()
    if not _INTEGER.fullmatch(text) or not within_int64(int(text)):
        raise _bad_value(c, "This value should be of type integer.")
    return int(text)


def _number(c: Criterion, target: str) -> Condition:
    _only(c, _COMPARE)
    return Condition(target, _OPS[c.operator], _integer(c))


def _phone(c: Criterion, target: str) -> Condition:
    _only(c, _MATCH)
    digits = c.value.strip().strip("%").lstrip("+")
    if not _DIGITS.fullmatch(digits):
        raise _bad_value(c, "This value should contain digits only.")
    if c.operator == "like":
        return Condition(target, Op.CONTAINS, digits)
    return Condition(target, Op.EQ, digits, phone=PhoneForm.INTERNATIONAL)


def _moment(c: Criterion, target: str) -> list[Condition]:
    """A time criterion as a range: `=` matches the whole second (or day) given."""
    _only(c, _COMPARE)
    start, end = _moment_range(c)
    return {
        "=": [Condition(target, Op.GTE, start), Condition(target, Op.LT, end)],
        ">": [Condition(target, Op.GTE, end)],
        ">=": [Condition(target, Op.GTE, start)],
        "<": [Condition(target, Op.LT, start)],
        "<=": [Condition(target, Op.LT, end)],
    }[c.operator]


def _moment_range(c: Criterion) -> tuple[datetime, datetime]:
    text = c.value.strip()
    try:
        if len(text) == 10:
            day = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            return day, day + timedelta(days=1)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad_value(c, "This value is not a valid datetime.") from exc
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    if len(text) == 16:  # Y-m-d H:i
        return moment, moment + timedelta(minutes=1)
    moment = moment.replace(microsecond=0)
    return moment, moment + timedelta(seconds=1)


def _bad_field(c: Criterion) -> InvalidInput:
    return InvalidInput.single(
        c.path("field"),
        ProblemCode.INVALID_CHOICE,
        "The value you selected is not a valid choice.",
        c.field,
    )


def _bad_value(c: Criterion, message: str) -> InvalidInput:
    return InvalidInput.single(c.path("value"), ProblemCode.INVALID_VALUE, message, c.value)

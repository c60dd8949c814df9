"""Reading Notificore query strings: bracketed keys, repeated `key[]`, `key[N]`, pages, criteria.

Clients percent-encode the brackets (`page%5Blimit%5D`); the framework decodes keys before they
get here, so these functions see `page[limit]`, `groups[]`, `search_fields[0][field]`. PHP-style
arrays are not folded by Python frameworks, so every spelling of a list is read by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException

from contactbook.domain.errors import InvalidInput, NotFound, Problem, ProblemCode
from contactbook.domain.ids import MAX_ID
from contactbook.domain.paging import MAX_OFFSET
from contactbook.domain.queries import MAX_CONDITIONS, check_search_text
from contactbook.web.kit.ids import id_or_missing

QueryItems = Sequence[tuple[str, str]]
LIMIT_MIN, LIMIT_MAX = 15, 500
OPERATORS = ("like", "=", ">=", ">", "<", "<=")
WAYS = ("asc", "desc")

_LISTED = re.compile(r"^(?P<name>\w+)\[(?P<index>\d*)\]$")
# An index of more digits than any request holds criteria is no criterion (and int() refuses
# 4,300 digits).
_MULTI = re.compile(
    r"^search_fields\[(?P<index>[0-9]{1,9})\]\[(?P<part>field|operator|operation|value)\]$"
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_SINGLE = re.compile(r"^search\[(?P<part>field|operator|operation|value)\]$")


def last(items: QueryItems, *names: str) -> tuple[str, str] | None:
    """The last (name, value) given for any of `names`, or None."""
    found = None
    for key, value in items:
        if key in names:
            found = (key, value)
    return found


def values_of(items: QueryItems, name: str) -> list[str]:
    """Every value of `name`, `name[]` and `name[N]`, in the order given; a value may also list
    several comma-separated."""
    values: list[str] = []
    for key, value in items:
        matched = _LISTED.match(key)
        if key == name or (matched is not None and matched["name"] == name):
            values.extend(part.strip() for part in value.split(",") if part.strip())
    return values


def ids_of(items: QueryItems, name: str) -> list[int]:
    """The positive integer ids given for `name` in any list spelling.

    Raises: InvalidInput naming `name[]`.
    """
    ids: list[int] = []
    for value in values_of(items, name):
        number = _integer(value)
        if number is None or not 1 <= number <= MAX_ID:
            raise InvalidInput.single(
                f"{name}[]",
                ProblemCode.INVALID_TYPE,
                "This value should be a positive integer.",
                value,
            )
        ids.append(number)
    return ids


@dataclass(frozen=True, slots=True)
class PageParams:
    """Where a page starts and how long it is."""

    offset: int
    limit: int

    def meta(self, total: int) -> dict[str, int]:
        return {"total": total, "limit": self.limit, "offset": self.offset}


def page_of(items: QueryItems, default_limit: int) -> PageParams:
    """`page[offset]` (or the documented `per[offset]`) and `page[limit]` (15..500).

    Raises: InvalidInput naming the parameter.
    """
    problems: list[Problem] = []
    offset, limit = 0, default_limit
    given = last(items, "page[offset]", "per[offset]")
    if given is not None:
        number = _integer(given[1])
        if number is None or not 0 <= number <= MAX_OFFSET:
            message = (
                f"This value should be less than or equal to {MAX_OFFSET}."
                if number is not None and number > 0
                else "This value should be greater than or equal to 0."
            )
            problems.append(Problem(given[0], ProblemCode.OUT_OF_RANGE, message, given[1]))
        else:
            offset = number
    given = last(items, "page[limit]")
    if given is not None:
        number = _integer(given[1])
        if number is None or not LIMIT_MIN <= number <= LIMIT_MAX:
            problems.append(
                Problem(
                    given[0],
                    ProblemCode.OUT_OF_RANGE,
                    f"This value should be between {LIMIT_MIN} and {LIMIT_MAX}.",
                    given[1],
                )
            )
        else:
            limit = number
    if problems:
        raise InvalidInput(problems)
    return PageParams(offset, limit)


@dataclass(frozen=True, slots=True)
class Criterion:
    """One search criterion as sent; `param` names it in errors (`search`, `search_fields[0]`)."""

    field: str
    operator: str
    value: str
    param: str

    def path(self, part: str) -> str:
        return f"{self.param}[{part}]"


def criteria_of(items: QueryItems) -> list[Criterion]:
    """`search[field|operator|value]` first, then `search_fields[N][…]` by N; `operation` is the
    documented spelling of `operator`; a missing operator means `=`.

    Raises: InvalidInput naming the bad parameter.
    """
    # (-1 for `search`, N for `search_fields[N]`) → the parts given
    groups: dict[int, dict[str, str]] = {}
    for key, value in items:
        single = _SINGLE.match(key)
        multi = _MULTI.match(key)
        if single is not None:
            groups.setdefault(-1, {})[single["part"]] = value
        elif multi is not None:
            groups.setdefault(int(multi["index"]), {})[multi["part"]] = value
    found: list[Criterion] = []
    problems: list[Problem] = []
    if len(groups) > MAX_CONDITIONS:
        raise InvalidInput.single(
            "search_fields", ProblemCode.TOO_MANY, f"At most {MAX_CONDITIONS} criteria."
        )
    for index in sorted(groups):
        parts = groups[index]
        param = "search" if index < 0 else f"search_fields[{index}]"
        operator = parts.get("operator", parts.get("operation", "=")).strip().lower()
        criterion = Criterion(
            parts.get("field", "").strip(), operator, parts.get("value", ""), param
        )
        if not criterion.field:
            problems.append(
                Problem(
                    criterion.path("field"), ProblemCode.REQUIRED, "This value should not be blank."
                )
            )
        if operator not in OPERATORS:
            problems.append(
                Problem(
                    criterion.path("operator"),
                    ProblemCode.INVALID_CHOICE,
                    "The value you selected is not a valid choice.",
                    operator,
                )
            )
        if "value" not in parts:
            problems.append(
                Problem(
                    criterion.path("value"), ProblemCode.REQUIRED, "This value should not be blank."
                )
            )
        try:
            # Whatever the field, the value may reach SQL (a name, a custom field's text).
            check_search_text(criterion.value, criterion.path("value"))
        except InvalidInput as exc:
            problems.extend(exc.problems)
        found.append(criterion)
    if problems:
        raise InvalidInput(problems)
    return found


@dataclass(frozen=True, slots=True)
class Order:
    """`sort` (a column name) and `way`."""

    sort: str
    descending: bool


def order_of(items: QueryItems, allowed: Sequence[str]) -> Order:
    """Raises: InvalidInput naming `sort` or `way`."""
    problems: list[Problem] = []
    given = last(items, "sort")
    sort = given[1].strip().lower() if given is not None and given[1].strip() else allowed[0]
    if sort == "date":
        sort = "created_at"
    if sort not in allowed:
        problems.append(
            Problem(
                "sort",
                ProblemCode.INVALID_CHOICE,
                "The value you selected is not a valid choice.",
                sort,
            )
        )
    given = last(items, "way")
    way = given[1].strip().lower() if given is not None and given[1].strip() else "asc"
    if way not in WAYS:
        problems.append(
            Problem(
                "way",
                ProblemCode.INVALID_CHOICE,
                "The value you selected is not a valid choice.",
                way,
            )
        )
    if problems:
        raise InvalidInput(problems)
    return Order(sort, way == "desc")


def optional_id(items: QueryItems, name: str) -> int | None:
    """A single positive id parameter, or None when absent.

    Raises: InvalidInput naming `name`.
    """
    given = last(items, name)
    if given is None or not given[1].strip():
        return None
    number = _integer(given[1])
    if number is None or not 1 <= number <= MAX_ID:
        raise InvalidInput.single(
            name, ProblemCode.INVALID_TYPE, "This value should be a positive integer.", given[1]
        )
    return number


def path_id(text: str, missing: Callable[[object], NotFound]) -> int:
    """An `{id}` path segment: not a number → no such route (404); a number that cannot be an
    id → `missing` (which each resource reports its own way).
    """
    if not text.isascii() or not text.isdigit():
        raise HTTPException(404)
    return id_or_missing(text, missing)


def _integer(text: str) -> int | None:
    text = text.strip()
    return int(text) if _INTEGER.fullmatch(text) else None

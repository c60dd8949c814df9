"""How a phone filter matches: the one place a dialect's phone value becomes the stored form.

Phones are stored in E.164 (`domain.phones`). A condition on "phone" carries the form its
dialect writes phones in (`PhoneForm`); the services that run queries pass every condition
through here, with the account's default region, before storage compiles it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from contactbook.domain.errors import InvalidInput
from contactbook.domain.phones import normalise_phone
from contactbook.domain.queries import All, AnyOf, Condition, Expr, Not, Op, PhoneForm

# Comparisons with a whole number (or its first digits); a part of one has no stored form.
_WHOLE = frozenset({Op.EQ, Op.NE, Op.IN, Op.STARTS_WITH})


def stored_phone(value: str, form: PhoneForm, region: str | None) -> str:
    """`value`, written in `form`, as the stored phone it names."""
    if form is PhoneForm.INTERNATIONAL:
        return "+" + value.replace("+", "")
    try:
        return normalise_phone(value, region).e164
    except InvalidInput:
        return value  # no phone number: it matches what holds it as written, i.e. nothing


def match_phones(node: Expr | None, region: str | None) -> Expr | None:
    """`node` with the value of every phone condition in the stored form."""
    return None if node is None else _expr(node, region)


def _expr(node: Expr, region: str | None) -> Expr:
    if isinstance(node, All):
        return All(tuple(_expr(item, region) for item in node.items))
    if isinstance(node, AnyOf):
        return AnyOf(tuple(_expr(item, region) for item in node.items))
    if isinstance(node, Not):
        return Not(_expr(node.item, region))
    return _condition(node, region)


def match_phone_conditions(conditions: Sequence[Condition], region: str | None) -> list[Condition]:
    """`match_phones` for a flat list of conditions (lists, the stop list)."""
    return [_condition(condition, region) for condition in conditions]


def _condition(condition: Condition, region: str | None) -> Condition:
    form = condition.phone
    if form is None or condition.target != "phone" or condition.op not in _WHOLE:
        return condition
    value = condition.value
    if isinstance(value, list | tuple):
        value = tuple(stored_phone(str(v), form, region) for v in value)
    elif value is not None:
        value = stored_phone(str(value), form, region)
    return replace(condition, value=value)

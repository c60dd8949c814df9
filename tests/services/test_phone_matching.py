"""The one phone-matching rule of filters: each dialect's phone form, put in the stored form."""

from __future__ import annotations

import pytest

from contactbook.domain.queries import All, AnyOf, Condition, Not, Op, PhoneForm
from contactbook.services.phone_matching import match_phone_conditions, match_phones

NUMBER, INTERNATIONAL = PhoneForm.NUMBER, PhoneForm.INTERNATIONAL


@pytest.mark.parametrize(
    ("form", "op", "value", "region", "stored"),
    [
        (NUMBER, Op.EQ, "066 123 45 67", "UA", "+380661234567"),
        (NUMBER, Op.NE, "+44 (0)20 7946 0958", None, "+442079460958"),
        (NUMBER, Op.EQ, "0661234567", None, "0661234567"),  # national, no region: as written
        (NUMBER, Op.EQ, "not a phone", "UA", "not a phone"),
        (INTERNATIONAL, Op.EQ, "380661234567", "UA", "+380661234567"),
        (INTERNATIONAL, Op.EQ, "+380661234567", None, "+380661234567"),
        (INTERNATIONAL, Op.EQ, "0661234567", "UA", "+0661234567"),  # never read nationally
        (INTERNATIONAL, Op.STARTS_WITH, "38066", "UA", "+38066"),
        (INTERNATIONAL, Op.IN, ("380661234567", "+1+202"), None, ("+380661234567", "+1202")),
    ],
)
def test_whole_values_take_the_stored_form(
    form: PhoneForm, op: Op, value: object, region: str | None, stored: object
) -> None:
    condition = Condition("phone", op, value, phone=form)
    assert match_phones(condition, region) == Condition("phone", op, stored, phone=form)


@pytest.mark.parametrize(
    "condition",
    [
        Condition("phone", Op.CONTAINS, "066 123", ci=True, phone=NUMBER),
        Condition("phone", Op.NOT_CONTAINS, "380", phone=INTERNATIONAL),
        Condition("phone", Op.EQ, "066 123 45 67"),  # no form: as written
        Condition("name", Op.EQ, "066 123 45 67", phone=NUMBER),
    ],
)
def test_parts_of_numbers_and_other_conditions_are_compared_as_written(
    condition: Condition,
) -> None:
    assert match_phones(condition, "UA") == condition


def test_every_phone_condition_of_a_tree_and_of_a_list_is_matched() -> None:
    phone = Condition("phone", Op.EQ, "0661234567", phone=NUMBER)
    stored = Condition("phone", Op.EQ, "+380661234567", phone=NUMBER)
    name = Condition("name", Op.CONTAINS, "ada", ci=True)
    tree = AnyOf((All((name, phone)), Not(phone)))
    assert match_phones(tree, "UA") == AnyOf((All((name, stored)), Not(stored)))
    assert match_phones(None, "UA") is None
    assert match_phone_conditions([name, phone], "UA") == [name, stored]

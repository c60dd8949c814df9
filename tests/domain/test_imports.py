"""Import rules without a database: cleaning a row, and planning a batch."""

from __future__ import annotations

from datetime import datetime

import pytest

from contactbook.domain.errors import InvalidInput
from contactbook.domain.fields import FieldDefinition, FieldType
from contactbook.domain.imports import (
    CleanRow,
    Existing,
    OnConflict,
    clean_row,
    custom_columns,
    plan_batch,
)

FIELDS = {
    "plan": FieldDefinition(id=7, key="plan", name="Plan", type=FieldType.TEXT),
    "seats": FieldDefinition(id=8, key="seats", name="Seats", type=FieldType.NUMBER),
}


def row(line: int, **values: object) -> CleanRow:
    return CleanRow(line, dict(values), {})


def test_a_row_goes_through_the_api_rules() -> None:
    clean = clean_row(
        2,
        {"phone": "066 123 45 67", "email": "A@B.COM", "blocked": "yes", "tags": "vip; lead;vip",
         "lists": "Clients; 777", "seats": "12", "plan": "gold", "first_seen": "1603885746"},
        FIELDS, "UA",
    )  # fmt: skip
    assert clean.values["phone"] == "+380661234567"
    assert clean.values["email"] == "a@b.com"
    assert clean.values["blocked"] is True
    assert clean.tags == ["vip", "lead"]
    assert clean.lists == ["Clients", "777"]  # digits in a cell name a list; ids are numbers
    assert clean.custom == {"8": 12, "7": "gold"}
    first_seen = clean.values["first_seen"]
    assert isinstance(first_seen, datetime)
    assert first_seen.year == 2020


@pytest.mark.parametrize("cell", ["Clients;ab", "[true]", "[0]", '[{"id": 1}]', "[1.5]"])
def test_a_list_that_cannot_exist_refuses_the_row(cell: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        clean_row(2, {"phone": "+380661234567", "lists": cell}, FIELDS, None)
    assert raised.value.fields == ("lists",)


def test_blank_cells_are_not_given() -> None:
    clean = clean_row(
        3, {"phone": "", "name": "", "plan": "", "email": "x@example.com"}, FIELDS, None
    )
    assert clean.values == {"email": "x@example.com"}
    assert clean.custom == {}


def test_every_problem_of_a_row_is_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_row(4, {"phone": "nope", "email": "bad", "seats": "many", "blocked": "perhaps"},
                  FIELDS, None)  # fmt: skip
    assert set(caught.value.fields) == {"phone", "email", "seats", "blocked"}


@pytest.mark.parametrize("written", ["²", "٣", "0", "9223372036854775808", "1" * 5000, "-4"])
def test_an_id_no_row_can_have_is_refused_naming_the_column(written: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_row(6, {"id": written, "name": "Ada"}, FIELDS, None)
    assert caught.value.fields == ("id",)


def test_json_array_cells_keep_separators_inside_names() -> None:
    clean = clean_row(5, {"tags": '["a;b", "c"]'}, FIELDS, None)
    assert clean.tags == ["a;b", "c"]


def test_custom_columns_are_the_non_canonical_ones() -> None:
    assert custom_columns(["phone", "plan", "", "tags", "Favourite Colour"]) == [
        "plan", "Favourite Colour",
    ]  # fmt: skip


def test_new_rows_are_created_and_repeats_merge_into_the_first() -> None:
    rows = [
        row(2, phone="+1", name="A"),
        row(3, phone="+2", name="B"),
        row(4, phone="+1", email="a@x.com"),  # same phone as line 2
        row(5, email="a@x.com", name="A2"),  # reaches line 2 through the email line 4 added
    ]
    plan = plan_batch(rows, [], OnConflict.UPDATE)
    assert (plan.created, plan.updated, plan.skipped, len(plan.errors)) == (2, 2, 0, 0)
    first = plan.entries[0].row
    assert first.values == {"phone": "+1", "name": "A2", "email": "a@x.com"}


def test_rows_matching_stored_contacts_update_them() -> None:
    stored = [Existing(10, "+1", None, None), Existing(11, None, "b@x.com", "ext-b")]
    rows = [row(2, phone="+1", name="A"), row(3, external_id="ext-b"), row(4, phone="+9")]
    plan = plan_batch(rows, stored, OnConflict.UPDATE)
    assert [e.contact_id for e in plan.entries] == [10, 11, None]
    assert (plan.created, plan.updated) == (1, 2)


def test_skip_leaves_matches_alone() -> None:
    stored = [Existing(10, "+1", None, None)]
    rows = [row(2, phone="+1"), row(3, phone="+2"), row(4, phone="+2")]
    plan = plan_batch(rows, stored, OnConflict.SKIP)
    assert (plan.created, plan.updated, plan.skipped) == (1, 0, 2)


def test_a_row_joining_two_contacts_is_refused() -> None:
    stored = [Existing(10, "+1", None, None), Existing(11, None, "b@x.com", None)]
    plan = plan_batch([row(2, phone="+1", email="b@x.com")], stored, OnConflict.UPDATE)
    assert plan.entries == []
    assert plan.errors[0].line == 2
    assert "10, 11" in plan.errors[0].reason


def test_a_row_joining_an_earlier_row_to_a_stored_contact_is_refused() -> None:
    stored = [Existing(10, None, "b@x.com", None)]
    rows = [row(2, phone="+1"), row(3, phone="+1", email="b@x.com")]
    plan = plan_batch(rows, stored, OnConflict.UPDATE)
    assert plan.created == 1
    assert [e.line for e in plan.errors] == [3]


def test_ids_match_within_the_account() -> None:
    stored = [Existing(10, "+1", None, None)]
    with_id = CleanRow(2, {"name": "renamed"}, {}, id=10)
    plan = plan_batch([with_id], stored, OnConflict.UPDATE)
    assert plan.entries[0].contact_id == 10

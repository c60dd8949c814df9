"""The dialect's pure translations, without a server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contactbook.domain.contacts import Contact, CustomValue
from contactbook.domain.errors import InvalidInput
from contactbook.domain.fields import FieldDefinition, FieldType
from contactbook.domain.lists import ContactList
from contactbook.domain.queries import All, Condition, CustomField, Op, PhoneForm
from contactbook.web.dialects.notificore import mapping, params, queries, tokens
from contactbook.web.dialects.notificore.errors import wire_path

MOMENT = datetime(2025, 3, 13, 14, 51, 33, 123456, tzinfo=UTC)


def value(kind: FieldType, stored: object) -> str:
    definition = FieldDefinition(id=7, key="k", name="K", type=kind)
    return mapping.value_out(CustomValue(definition, stored))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "stored", "shown"),
    [
        (FieldType.TEXT, "TARAS", "TARAS"),
        (FieldType.NUMBER, 42, "42"),
        (FieldType.NUMBER, 42.0, "42"),
        (FieldType.NUMBER, 2.5, "2.5"),
        (FieldType.CURRENCY, 10, "10"),
        (FieldType.BOOLEAN, True, "true"),
        (FieldType.BOOLEAN, False, "false"),
        (FieldType.DATE, "2024-05-01", "2024-05-01 00:00:00"),
        (FieldType.DATE, "2024-05-01T10:11:12Z", "2024-05-01 10:11:12"),
    ],
)
def test_custom_values_render_as_strings(kind: FieldType, stored: object, shown: str) -> None:
    assert value(kind, stored) == shown


def test_contact_out_has_the_seed_keys_in_order() -> None:
    group = ContactList(5, "Clients", "", False, MOMENT, items=3, stop_list_count=1)
    field = FieldDefinition(id=25964, key="name", name="Name", type=FieldType.TEXT)
    contact = Contact(
        id=1,
        account_id=1,
        phone="+85267202829",
        custom=(CustomValue(field, "TARAS"),),
        lists=(group,),
        created_at=MOMENT,
    )
    out = mapping.contact_out(contact)
    assert out == {
        "id": 1,
        "phone": 85267202829,
        "fields": {"25964": "TARAS"},
        "created_at": "2025-03-13 14:51:33",
        "groups": [
            {
                "id": 5,
                "name": "Clients",
                "description": None,
                "default": False,
                "created_at": "2025-03-13 14:51:33",
                "items": 3,
                "stop_list_count": 1,
            }
        ],
        "hlr_status": "unknown",
        "hlr_last_check": None,
    }


@pytest.mark.parametrize("raw", [85267202829, "85267202829", "+85267202829"])
def test_phones_in(raw: object) -> None:
    assert mapping.phone_in(raw, "phone") == "+85267202829"


@pytest.mark.parametrize("raw", [12345678, 10**15, "8526720282x", -852672028, True, 1.5, None])
def test_bad_phones_in(raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        mapping.phone_in(raw, "phone")
    assert caught.value.fields == ("phone",)


def test_groups_in_accepts_ids_and_objects() -> None:
    assert mapping.group_ids_in([7, {"id": 8, "default": False, "name": "x"}]) == [7, 8]
    with pytest.raises(InvalidInput) as caught:
        mapping.group_ids_in([{"name": "x"}, "9", True])
    assert caught.value.fields == ("groups.0.id", "groups.1", "groups.2")


def test_query_lists_in_every_spelling() -> None:
    items = [("groups[]", "1"), ("groups", "2,3"), ("groups[7]", "4"), ("other[]", "5")]
    assert params.ids_of(items, "groups") == [1, 2, 3, 4]


def test_page_defaults_and_aliases() -> None:
    assert params.page_of([], 30) == params.PageParams(0, 30)
    assert params.page_of([("per[offset]", "5"), ("page[limit]", "15")], 30) == (
        params.PageParams(5, 15)
    )
    with pytest.raises(InvalidInput) as caught:
        params.page_of([("page[offset]", "-1"), ("page[limit]", "501")], 30)
    assert caught.value.fields == ("page[offset]", "page[limit]")


def test_criteria_order_and_operation_alias() -> None:
    items = [
        ("search_fields[1][field]", "phone"),
        ("search_fields[1][value]", "380"),
        ("search[field]", "id"),
        ("search[operation]", ">"),
        ("search[value]", "3"),
        ("search_fields[0][field]", "date"),
        ("search_fields[0][operator]", "<="),
        ("search_fields[0][value]", "2025-03-13"),
    ]
    found = params.criteria_of(items)
    assert [(c.param, c.field, c.operator) for c in found] == [
        ("search", "id", ">"),
        ("search_fields[0]", "date", "<="),
        ("search_fields[1]", "phone", "="),
    ]
    query = queries.contact_search(
        queries.Search(params.PageParams(0, 50), params.Order("id", False), tuple(found))
    )
    assert query.where == All(
        (
            Condition("id", Op.GT, 3),
            Condition("created_at", Op.LT, datetime(2025, 3, 14, tzinfo=UTC)),
            Condition("phone", Op.EQ, "380", phone=PhoneForm.INTERNATIONAL),
        )
    )


def test_custom_field_criteria() -> None:
    found = params.criteria_of(
        [("search[field]", "25964"), ("search[operator]", "like"), ("search[value]", "%TARAS%")]
    )
    query = queries.contact_search(
        queries.Search(params.PageParams(0, 50), params.Order("id", False), tuple(found))
    )
    assert query.where == Condition(CustomField(25964), Op.CONTAINS, "TARAS", ci=True)


def test_the_echo_names_created_at_for_date() -> None:
    search = queries.read_search(
        [("search[field]", "date"), ("search[value]", "2025-01-01")], 50, queries.CONTACT_SORTS
    )
    assert search.meta(3) == {
        "page": {"total": 3, "limit": 50, "offset": 0},
        "search": {"field": "created_at", "operator": "=", "value": "2025-01-01"},
    }


@pytest.mark.parametrize(
    ("canonical", "wire"),
    [
        ("phone", "phone"),
        ("lists.0", "groups0"),
        ("fields.2.value", "fields2value"),
        ("channels", "types"),
        ("page[limit]", "page[limit]"),
        ("phones.3", "phones3"),
    ],
)
def test_wire_paths(canonical: str, wire: str) -> None:
    assert wire_path(canonical) == wire


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("Bearer: abc", "abc"),
        ("Bearer:abc", "abc"),
        ("Bearer", None),
        ("Basic abc", None),
        (None, None),
        ("Bearer a b", None),
    ],
)
def test_token_of_header(header: str | None, token: str | None) -> None:
    assert tokens.token_of(header) == token

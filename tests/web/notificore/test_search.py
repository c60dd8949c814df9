"""The three searches through bsg-sdk: contacts (raw JSON), groups and the stop list (parsed)."""

from __future__ import annotations

from typing import Any

import pytest
from bsg_api.models import (
    ContactFieldType,
    ContactFieldValuePair,
    ContactGroupSchema,
    ContactGroupSearchField,
    SearchOperator,
    SortWay,
    StoplistAddRequest,
    StoplistSearchField,
)

from tests.web.notificore.support import Notificore, json_of, raw_json
from tests.web.notificore.test_contacts import create, new_field, new_group


def search(nc: Notificore, **params: Any) -> dict[str, Any]:
    response = nc.contacts.contacts_search_without_preload_content(**params)
    return raw_json(response, 200)


def ids(found: dict[str, Any]) -> list[int]:
    return [c["id"] for c in found["data"]]


@pytest.fixture
def people(nc: Notificore) -> dict[str, Any]:
    group = new_group(nc, "Searched")
    city = new_field(nc, "City")
    seats = new_field(nc, "Seats", ContactFieldType.NUMBER)
    born = new_field(nc, "Born", ContactFieldType.DATE)
    rows = [
        (380501000001, "Kyiv", "3", "1990-01-02 00:00:00", True),
        (380501000002, "Lviv", "10", "1985-06-07 10:00:00", False),
        (447700900003, "London", "7", "2001-12-31 23:59:59", True),
    ]
    made = []
    for phone, town, count, date, member in rows:
        values = [
            ContactFieldValuePair(id=city, value=town),
            ContactFieldValuePair(id=seats, value=count),
            ContactFieldValuePair(id=born, value=date),
        ]
        groups = [ContactGroupSchema(id=group)] if member else []
        made.append(create(nc, phone, fields=values, groups=groups)["id"])
    return {"ids": made, "group": group, "city": city, "seats": seats, "born": born}


def test_search_by_phone_like_and_equal(nc: Notificore, people: dict[str, Any]) -> None:
    found = search(
        nc, search_field="phone", search_operator=SearchOperator.LIKE, search_value="38050"
    )
    assert ids(found) == people["ids"][:2]
    assert found["meta"] == {
        "page": {"total": 2, "limit": 50, "offset": 0},
        "search": {"field": "phone", "operator": "like", "value": "38050"},
    }
    exact = search(
        nc, search_field="phone", search_operator=SearchOperator.EQUAL, search_value="447700900003"
    )
    assert ids(exact) == [people["ids"][2]]


def test_search_by_id_group_and_sort(nc: Notificore, people: dict[str, Any]) -> None:
    first = people["ids"][0]
    found = search(
        nc,
        search_field="id",
        search_operator=SearchOperator.GREATER_THAN,
        search_value=str(first),
        sort="phone",
        way=SortWay.DESC,
    )
    assert ids(found) == [people["ids"][2], people["ids"][1]]
    members = search(
        nc,
        search_field="group_id",
        search_operator=SearchOperator.EQUAL,
        search_value=str(people["group"]),
    )
    assert ids(members) == [people["ids"][0], people["ids"][2]]


def test_search_by_custom_fields(nc: Notificore, people: dict[str, Any]) -> None:
    town = search(
        nc,
        search_field=str(people["city"]),
        search_operator=SearchOperator.LIKE,
        search_value="lv",
    )
    assert ids(town) == [people["ids"][1]]
    assert town["meta"]["search"]["field"] == str(people["city"])
    many = search(
        nc,
        search_fields_0_field=str(people["seats"]),
        search_fields_0_operator=SearchOperator.GREATER_THAN_EQUAL,
        search_fields_0_value="7",
    )
    assert ids(many) == people["ids"][1:]  # 10 and 7, compared as numbers
    assert many["meta"]["search"] == {"field": str(people["seats"]), "operator": ">=", "value": "7"}
    older = search(
        nc,
        search_field=str(people["born"]),
        search_operator=SearchOperator.LESS_THAN,
        search_value="1990-01-01 00:00:00",
    )
    assert ids(older) == [people["ids"][1]]
    digits = search(
        nc,
        search_field=str(people["seats"]),
        search_operator=SearchOperator.LIKE,
        search_value="1",
    )
    assert ids(digits) == [people["ids"][1]]


def test_criteria_are_anded_and_paged(nc: Notificore, people: dict[str, Any]) -> None:
    response = nc.http.get(
        "/contacts/search",
        params=[
            ("search[field]", "phone"),
            ("search[operator]", "like"),
            ("search[value]", "380"),
            ("search_fields[0][field]", str(people["city"])),
            ("search_fields[0][operator]", "="),
            ("search_fields[0][value]", "Lviv"),
        ],
    )
    found = json_of(response, 200)
    assert ids(found) == [people["ids"][1]]
    paged = json_of(
        nc.http.get("/contacts/search", params={"page[limit]": "15", "page[offset]": "2"}), 200
    )
    assert ids(paged) == [people["ids"][2]]
    assert paged["meta"] == {"page": {"total": 3, "limit": 15, "offset": 2}}


def test_created_at_and_its_date_alias(nc: Notificore, people: dict[str, Any]) -> None:
    created = json_of(nc.http.get(f"/contacts/{people['ids'][0]}"), 200)["data"]["created_at"]
    same_second = search(
        nc, search_field="created_at", search_operator=SearchOperator.EQUAL, search_value=created
    )
    assert people["ids"][0] in ids(same_second)
    response = nc.http.get(
        "/contacts/search",
        params={"search[field]": "date", "search[operation]": "=", "search[value]": created[:10]},
    )
    by_day = json_of(response, 200)
    assert ids(by_day) == people["ids"]
    assert by_day["meta"]["search"] == {
        "field": "created_at",
        "operator": "=",
        "value": created[:10],
    }
    later = search(
        nc,
        search_field="created_at",
        search_operator=SearchOperator.GREATER_THAN,
        search_value=created[:10],
    )
    assert ids(later) == []


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"search[field]": "email", "search[value]": "x"}, "search[field]"),
        (
            {"search[field]": "id", "search[operator]": "like", "search[value]": "1"},
            "search[operator]",
        ),
        ({"search[field]": "id", "search[operator]": "=", "search[value]": "one"}, "search[value]"),
        ({"search[field]": "created_at", "search[value]": "13.03.2025"}, "search[value]"),
        ({"search[field]": "999999999", "search[value]": "x"}, "search[field]"),
        (
            {"search[field]": "id", "search[operator]": "~", "search[value]": "1"},
            "search[operator]",
        ),
        ({"sort": "email"}, "sort"),
        ({"way": "up"}, "way"),
        ({"page[limit]": "14"}, "page[limit]"),
    ],
)
def test_bad_criteria_name_the_parameter(nc: Notificore, params: dict[str, str], key: str) -> None:
    body = json_of(nc.http.get("/contacts/search", params=params), 422)
    assert body["message"] == "The given data was invalid."
    assert key in body["errors"], body


def test_a_bad_value_for_a_custom_field_names_the_value(
    nc: Notificore, people: dict[str, Any]
) -> None:
    params = {
        "search[field]": str(people["seats"]),
        "search[operator]": ">",
        "search[value]": "many",
    }
    body = json_of(nc.http.get("/contacts/search", params=params), 422)
    assert list(body["errors"]) == ["search[value]"]


def test_group_search_uses_is_default(nc: Notificore, people: dict[str, Any]) -> None:
    new_group(nc, "Other group")
    found = nc.groups.contact_list_search(
        search_field=ContactGroupSearchField.PHONE,
        search_operator=SearchOperator.EQUAL,
        search_value="447700900003",
    )
    assert found.data is not None and [g.id for g in found.data] == [people["group"]]
    assert found.data[0].is_default is False and found.data[0].items == 2
    assert found.meta is not None and found.meta.page is not None
    assert found.meta.page.total == 1 and found.meta.page.limit == 50
    raw = json_of(
        nc.http.get(
            "/groups/search",
            params={"search[field]": "name", "search[operator]": "like", "search[value]": "SEARCH"},
        ),
        200,
    )
    assert [g["id"] for g in raw["data"]] == [people["group"]]
    assert list(raw["data"][0]) == [
        "id",
        "name",
        "description",
        "is_default",
        "items",
        "created_at",
    ]


def test_group_search_sorts_and_compares(nc: Notificore, people: dict[str, Any]) -> None:
    other = new_group(nc, "Aardvarks")
    by_name = nc.groups.contact_list_search(sort="name")
    assert [g.id for g in by_name.data or []] == [other, people["group"]]
    big = nc.groups.contact_list_search(
        search_field=ContactGroupSearchField.ITEMS,
        search_operator=SearchOperator.GREATER_THAN,
        search_value="1",
    )
    assert [g.id for g in big.data or []] == [people["group"]]


def test_stoplist_search(nc: Notificore, people: dict[str, Any]) -> None:
    added = nc.stoplist.stoplist_add(
        StoplistAddRequest(phones=[380501000001, 380501000002, 12025550143], types=["sms"])
    )
    nc.stoplist.stoplist_add(StoplistAddRequest(phones=[447700900003], types=["viber"]))
    entry_ids = [e.id for e in added.data or []]
    in_group = nc.stoplist.stoplist_search(contact_group_id=people["group"])
    assert [e.phone for e in in_group.data or []] == [380501000001, 447700900003]
    viber = nc.stoplist.stoplist_search(
        search_field=StoplistSearchField.TYPE,
        search_operator=SearchOperator.EQUAL,
        search_value="viber",
    )
    assert [e.phone for e in viber.data or []] == [447700900003]
    assert viber.meta is not None and viber.meta.search is not None
    assert viber.meta.search.var_field is StoplistSearchField.TYPE
    by_phone = nc.stoplist.stoplist_search(
        search_field=StoplistSearchField.PHONE,
        search_operator=SearchOperator.LIKE,
        search_value="202555",
        sort="phone",
        way=SortWay.DESC,
    )
    assert [e.id for e in by_phone.data or []] == [entry_ids[2]]
    legacy = json_of(nc.http.get("/stoplists/search", params={"sort": "phone"}), 200)
    assert [e["phone"] for e in legacy["data"]] == [
        12025550143,
        380501000001,
        380501000002,
        447700900003,
    ]

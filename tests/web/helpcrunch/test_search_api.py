"""HelpCrunch customer search: fields, operators, AND/OR, paging, and type errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contactbook.domain.inboxes import ChannelType
from contactbook.services import inboxes
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_customer
from tests.web.helpcrunch.conftest import codes_of, errors_of


def names(hc: httpx.Client, *filters: dict[str, Any], **body: Any) -> list[str]:
    response = hc.post("/customers/search", json={"filter": list(filters), **body})
    assert response.status_code == 200, response.text
    found = response.json()
    assert list(found) == ["data", "total"]
    return [customer["name"] for customer in found["data"]]


def f(field: str, operator: str, value: Any) -> dict[str, Any]:
    return {"field": f"customers.{field}", "operator": operator, "value": value}


@pytest.fixture
def people(hc: httpx.Client) -> dict[str, dict[str, Any]]:
    return {
        "ann": make_customer(hc, name="Ann", email="ann@gmail.com", company="ACME", userId="u-1",
                      phone="+442079460958", city="London", countryCode="GB", firstSeen=100,
                      lastSeen=1000, tags=[{"name": "vip"}, {"name": "lead"}]),
        "bob": make_customer(hc, name="Bob", email="bob@Example.com", company="acme labs",
                      city="Kyiv", countryCode="UA", regionCode="Kyiv", firstSeen=200,
                      tags=[{"name": "vip"}]),
        "cid": make_customer(hc, name="Cid", userId="u-3"),
    }  # fmt: skip


def test_no_filter_matches_everyone_with_paging_and_total(
    hc: httpx.Client, people: dict[str, Any]
) -> None:
    assert names(hc) == ["Ann", "Bob", "Cid"]
    page = hc.post("/customers/search", json={"limit": 1, "offset": 1}).json()
    assert [c["name"] for c in page["data"]] == ["Bob"] and page["total"] == 3
    assert hc.post("/customers/search", json={}).json()["total"] == 3


def test_string_operators(hc: httpx.Client, people: dict[str, Any]) -> None:
    assert names(hc, f("company", "=", "ACME")) == ["Ann"]  # exact
    assert names(hc, f("company", "=", "acme")) == []
    assert names(hc, f("company", "~", "acme")) == ["Ann", "Bob"]  # substring, any case
    assert names(hc, f("company", "!~", "labs")) == ["Ann", "Cid"]
    assert names(hc, f("company", "!=", "ACME")) == ["Bob", "Cid"]
    assert names(hc, f("email", "~", "GMAIL")) == ["Ann"]
    assert names(hc, f("email", "=", "bob@example.com")) == ["Bob"]
    assert names(hc, f("userId", "=", "u-3")) == ["Cid"]
    assert names(hc, f("city", "=", "Kyiv"), f("countryCode", "=", "UA")) == ["Bob"]
    assert names(hc, f("regionCode", "~", "ky")) == ["Bob"]
    assert names(hc, f("name", "~", "%")) == []  # wildcards are plain characters


def test_phones_match_in_any_common_spelling(hc: httpx.Client, people: dict[str, Any]) -> None:
    assert names(hc, f("phone", "=", "+44 20 7946 0958")) == ["Ann"]
    assert names(hc, f("phone", "~", "7946")) == ["Ann"]


def test_null_finds_customers_without_a_value(hc: httpx.Client, people: dict[str, Any]) -> None:
    assert names(hc, f("email", "=", None)) == ["Cid"]
    assert names(hc, f("email", "!=", None)) == ["Ann", "Bob"]


def test_numbers_and_dates_compare(hc: httpx.Client, people: dict[str, Any]) -> None:
    bob = people["bob"]["id"]
    assert names(hc, f("id", "=", bob)) == ["Bob"]
    assert names(hc, f("id", ">=", str(bob))) == ["Bob", "Cid"]
    assert names(hc, f("id", "<", bob)) == ["Ann"]
    assert names(hc, f("id", "!=", bob)) == ["Ann", "Cid"]
    assert names(hc, f("firstSeen", ">", 100)) == ["Bob"]
    assert names(hc, f("firstSeen", "<=", "200")) == ["Ann", "Bob"]
    assert names(hc, f("lastSeen", "=", "1000")) == ["Ann"]
    assert names(hc, f("createdAt", ">", 0)) == ["Ann", "Bob", "Cid"]


def test_tags_data_needs_every_listed_tag(hc: httpx.Client, people: dict[str, Any]) -> None:
    assert names(hc, f("tagsData", "=", [{"name": "vip"}])) == ["Ann", "Bob"]
    assert names(hc, f("tagsData", "=", [{"name": "vip"}, {"name": "lead"}])) == ["Ann"]
    assert names(hc, f("tagsData", "=", [{"name": "VIP"}])) == ["Ann", "Bob"]
    assert names(hc, f("tagsData", "=", [{"name": "nobody"}])) == []


def test_comparison_joins_filters(hc: httpx.Client, people: dict[str, Any]) -> None:
    either = (f("name", "=", "Ann"), f("name", "=", "Cid"))
    assert names(hc, *either, comparison="OR") == ["Ann", "Cid"]
    assert names(hc, *either, comparison="or") == ["Ann", "Cid"]
    assert names(hc, *either, comparison="AND") == []
    assert names(hc, *either) == []  # AND by default
    tags = (f("tagsData", "=", [{"name": "lead"}]), f("tagsData", "=", [{"name": "vip"}]))
    assert names(hc, *tags, comparison="OR") == ["Ann", "Bob"]


def test_search_sorts_and_orders(hc: httpx.Client, people: dict[str, Any]) -> None:
    body = {"sort": "customers.firstSeen", "order": "DESC"}
    assert names(hc, **body) == ["Bob", "Ann", "Cid"]


def test_channel_identities_are_searchable(
    tenant: Tenant, hc: httpx.Client, people: dict[str, Any]
) -> None:
    async def in_telegram(uow: UnitOfWork) -> None:
        inbox = await inboxes.create_inbox(uow, tenant.ctx, "Bot", ChannelType.TELEGRAM)
        await inboxes.add_contact_identity(uow, tenant.ctx, people["bob"]["id"], inbox.id, "7001")

    tenant.unit(in_telegram)
    assert names(hc, f("telegramId", "=", "7001")) == ["Bob"]
    assert names(hc, f("telegramId", "~", "700")) == ["Bob"]
    assert names(hc, f("telegramId", "!=", "7001")) == ["Ann", "Cid"]
    assert names(hc, f("viberId", "=", "7001")) == []
    assert names(hc, f("facebookId", "!~", "1")) == ["Ann", "Bob", "Cid"]


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"field": "customers.nope", "operator": "=", "value": "x"}, "filter[0].field"),
        ({"field": "", "operator": "=", "value": "x"}, "filter[0].field"),
        ({"operator": "=", "value": "x"}, "filter[0].field"),
        ({"field": "customers.name", "value": "x"}, "filter[0].operator"),
        ({"field": "customers.name", "operator": "like", "value": "x"}, "filter[0].operator"),
        ({"field": "customers.name", "operator": ">", "value": "x"}, "filter[0].operator"),
        ({"field": "customers.id", "operator": "~", "value": "1"}, "filter[0].operator"),
        ({"field": "customers.tagsData", "operator": "!=", "value": []}, "filter[0].operator"),
        ({"field": "customers.name", "operator": "=", "value": 5}, "filter[0].value"),
        ({"field": "customers.name", "operator": "~", "value": None}, "filter[0].value"),
        ({"field": "customers.name", "operator": "~", "value": "a\u0000"}, "filter[0].value"),
        ({"field": "customers.id", "operator": "=", "value": "abc"}, "filter[0].value"),
        ({"field": "customers.id", "operator": "=", "value": True}, "filter[0].value"),
        ({"field": "customers.lastSeen", "operator": ">", "value": "yesterday"}, "filter[0].value"),
        ({"field": "customers.tagsData", "operator": "=", "value": "vip"}, "filter[0].value"),
        ({"field": "customers.tagsData", "operator": "=", "value": []}, "filter[0].value"),
        ({"field": "customers.tagsData", "operator": "=", "value": [{}]},
         "filter[0].value[0].name"),
    ],
)  # fmt: skip
def test_bad_filters_name_the_part_at_fault(
    hc: httpx.Client, item: dict[str, Any], code: str
) -> None:
    response = hc.post("/customers/search", json={"filter": [item]})
    assert codes_of(response) == [code]


def test_every_bad_filter_is_reported_at_once(hc: httpx.Client) -> None:
    response = hc.post(
        "/customers/search",
        json={"filter": [f("name", "=", "ok"), {"field": "", "operator": "=", "value": 1},
                         f("id", "=", "x")], "comparison": "XOR"},
    )  # fmt: skip
    items = errors_of(response, 400)
    assert [i["code"] for i in items] == ["comparison", "filter[1].field", "filter[2].value"]
    assert items[1]["message"] == "This value should not be blank."
    assert items[2]["message"] == "This value should be of type numeric."


def test_paging_parameters_are_checked(hc: httpx.Client) -> None:
    search = "/customers/search"
    assert codes_of(hc.post(search, json={"limit": 101})) == ["limit"]
    assert codes_of(hc.post(search, json={"offset": "x"})) == ["offset"]
    assert codes_of(hc.post(search, json={"offset": 10**20})) == ["offset"]
    assert codes_of(hc.post(search, json={"sort": "customers.email"})) == ["sort"]
    assert codes_of(hc.post(search, json={"order": "sideways"})) == ["order"]
    assert codes_of(hc.post(search, json={"filter": "name"})) == ["filter"]
    assert hc.post(search, json={"limit": "100", "offset": "0"}).status_code == 200

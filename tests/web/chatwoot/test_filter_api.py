"""Chatwoot's contact filter: attribute keys, operators, AND/OR precedence, custom attributes,
dates by day, and Chatwoot's 422 messages in its order of checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.factories import Tenant, make_chatwoot_contact, make_contact, make_contacts


def cond(key: str, op: str, values: list[Any] | None = None, join: str | None = None) -> dict:
    item: dict[str, Any] = {"attribute_key": key, "filter_operator": op, "query_operator": join}
    if values is not None:
        item["values"] = values
    return item


def found(cw: httpx.Client, *conditions: dict, **params: Any) -> list[int]:
    response = cw.post("/contacts/filter", json={"payload": list(conditions)}, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["count"] >= len(body["payload"])
    return [contact["id"] for contact in body["payload"]]


def refused(cw: httpx.Client, *conditions: dict) -> str:
    response = cw.post("/contacts/filter", json={"payload": list(conditions)})
    assert response.status_code == 422, response.text
    return str(response.json()["error"])


@pytest.fixture
def people(cw: httpx.Client, tenant: Tenant) -> dict[str, int]:
    """Four reachable contacts and one that the Chatwoot listing cannot show."""
    tenant.native.post("/fields", json={"name": "Seats", "key": "seats", "type": "number"})
    tenant.native.post("/fields", json={"name": "Renewal", "key": "renewal", "type": "date"})
    tenant.native.post("/fields", json={"name": "Trial", "key": "trial", "type": "boolean"})
    rows: dict[str, dict[str, Any]] = {
        "ada": {
            "name": "Ada",
            "email": "ada@example.com",
            "identifier": "ID-Ada",
            "additional_attributes": {
                "company_name": "Engines Ltd",
                "city": "London",
                "country_code": "GB",
            },
            "custom_attributes": {
                "plan": "Gold",
                "seats": 10,
                "renewal": "2024-03-01",
                "trial": False,
            },
        },
        "bob": {
            "name": "Bob",
            "phone_number": "+14155552671",
            "additional_attributes": {"city": "Boston", "country_code": "US"},
            "custom_attributes": {"plan": "silver", "seats": 2, "trial": True},
        },
        "cy": {
            "name": "Cy",
            "email": "cy@example.org",
            "blocked": True,
            "custom_attributes": {"seats": 30, "renewal": "2025-01-15T10:00:00Z"},
        },
        "di": {"identifier": "di-7"},
    }
    made = {}
    for key, body in rows.items():
        made[key] = make_chatwoot_contact(cw, **body)["id"]
    make_contact(tenant.native, name="Adam unreachable")
    return made


def test_standard_attributes(cw: httpx.Client, people: dict[str, int]) -> None:
    ada, bob, cy, di = people["ada"], people["bob"], people["cy"], people["di"]
    assert found(cw, cond("name", "equal_to", ["ADA"])) == [ada]
    assert found(cw, cond("name", "not_equal_to", ["ada"])) == [bob, cy, di]
    assert found(cw, cond("name", "contains", [" ad", "y"])) == [ada, cy]
    assert found(cw, cond("email", "contains", ["EXAMPLE.COM"])) == [ada]
    assert found(cw, cond("email", "does_not_contain", ["example.com"])) == [cy]
    assert found(cw, cond("email", "not_equal_to", ["ada@example.com"])) == [cy]
    assert found(cw, cond("identifier", "equal_to", ["id-ada"])) == [ada]
    assert found(cw, cond("phone_number", "equal_to", ["14155552671"])) == [bob]
    assert found(cw, cond("phone_number", "contains", ["5552"])) == [bob]
    assert found(cw, cond("country_code", "equal_to", ["gb"])) == [ada]
    assert found(cw, cond("city", "contains", ["bos"])) == [bob]
    assert found(cw, cond("city", "not_equal_to", ["london"])) == [bob]
    assert found(cw, cond("company", "contains", ["engines"])) == [ada]
    assert found(cw, cond("blocked", "equal_to", [True])) == [cy]
    assert found(cw, cond("blocked", "not_equal_to", ["true"])) == [ada, bob, di]


def test_and_binds_tighter_than_or(cw: httpx.Client, people: dict[str, int]) -> None:
    ada, bob, cy = people["ada"], people["bob"], people["cy"]
    # name = bob OR (email contains example AND blocked = true)
    assert found(
        cw,
        cond("name", "equal_to", ["bob"], "or"),
        cond("email", "contains", ["example"], "AND"),
        cond("blocked", "equal_to", ["true"]),
    ) == [bob, cy]
    # (name = ada AND city = london) OR name = cy; the last operator joins nothing
    assert found(
        cw,
        cond("name", "equal_to", ["ada"], "AND"),
        cond("city", "equal_to", ["london"], "OR"),
        cond("name", "equal_to", ["cy"], "AND"),
    ) == [ada, cy]
    assert found(cw) == [ada, bob, people["cy"], people["di"]]


def test_labels(cw: httpx.Client, people: dict[str, int]) -> None:
    cw.post(f"/contacts/{people['ada']}/labels", json={"labels": ["VIP"]})
    cw.post(f"/contacts/{people['bob']}/labels", json={"labels": ["lead"]})
    assert found(cw, cond("labels", "equal_to", ["vip"])) == [people["ada"]]
    assert found(cw, cond("labels", "not_equal_to", ["vip"])) == [
        people["bob"],
        people["cy"],
        people["di"],
    ]
    assert found(cw, cond("labels", "is_present")) == [people["ada"], people["bob"]]
    assert found(cw, cond("labels", "is_not_present", [])) == [people["cy"], people["di"]]


def test_custom_attributes_by_their_type(cw: httpx.Client, people: dict[str, int]) -> None:
    ada, bob, cy, di = people["ada"], people["bob"], people["cy"], people["di"]
    assert found(cw, cond("plan", "equal_to", ["gold"])) == [ada]
    assert found(cw, cond("plan", "not_equal_to", ["gold"])) == [bob, cy, di]  # missing too
    assert found(cw, cond("plan", "contains", ["IL"])) == [bob]
    assert found(cw, cond("plan", "is_present")) == [ada, bob]
    assert found(cw, cond("seats", "is_greater_than", ["5"])) == [ada, cy]
    assert found(cw, cond("seats", "is_less_than", [10])) == [bob]
    assert found(cw, cond("seats", "equal_to", ["30"])) == [cy]
    assert found(cw, cond("renewal", "is_greater_than", ["2024-03-01"])) == [cy]
    assert found(cw, cond("renewal", "is_less_than", ["2025-01-15"])) == [ada]
    assert found(cw, cond("renewal", "equal_to", ["2025-01-15"])) == [cy]
    assert found(cw, cond("renewal", "days_before", ["0"])) == [ada, cy]
    assert found(cw, cond("trial", "equal_to", ["true"])) == [bob]
    assert found(cw, cond("trial", "not_equal_to", [True])) == [ada, cy, di]


def test_dates_compare_by_day(cw: httpx.Client, tenant: Tenant) -> None:
    late_id, early_id, _ = make_contacts(
        tenant.native,
        {"email": "late@example.com", "last_seen": "2024-01-01T23:30:00Z"},
        {"email": "early@example.com", "last_seen": "2024-01-02T00:30:00Z"},
        {"email": "never@example.com"},
    )
    assert found(cw, cond("last_activity_at", "is_greater_than", ["2024-01-01"])) == [early_id]
    assert found(cw, cond("last_activity_at", "is_less_than", ["2024-01-02"])) == [late_id]
    assert found(cw, cond("last_activity_at", "days_before", ["3"])) == [late_id, early_id]
    today = datetime.now(UTC).date()
    everyone = found(cw, cond("created_at", "is_greater_than", [str(today - timedelta(days=1))]))
    assert len(everyone) == 3
    assert found(cw, cond("created_at", "is_greater_than", [str(today)])) == []
    assert found(cw, cond("created_at", "is_less_than", [str(today)])) == []
    assert found(cw, cond("created_at", "days_before", ["0"])) == []
    contact = cw.get(f"/contacts/{late_id}").json()["payload"]
    assert contact["last_activity_at"] == int(datetime(2024, 1, 1, 23, 30, tzinfo=UTC).timestamp())


def test_pages_and_sort_of_a_filter(cw: httpx.Client) -> None:
    made = [make_chatwoot_contact(cw, email=f"f{n:02}@example.com")["id"] for n in range(17)]
    condition = cond("email", "contains", ["@example"])
    body = {"payload": [condition]}
    first = cw.post("/contacts/filter", json=body).json()
    assert first["meta"] == {"count": 17, "current_page": 1} and len(first["payload"]) == 15
    second = cw.post("/contacts/filter", json=body, params={"page": "2"}).json()
    assert second["meta"] == {"count": 17, "current_page": "2"}
    assert [c["id"] for c in second["payload"]] == made[15:]
    from_body = cw.post("/contacts/filter", json={**body, "page": 2}).json()
    assert from_body["meta"]["current_page"] == 2
    assert found(cw, condition, sort="-email")[0] == made[-1]


def test_errors_come_in_chatwoots_order(cw: httpx.Client, people: dict[str, int]) -> None:
    assert refused(cw, cond("name", "equal_to", ["a"], "XOR")) == (
        'Query operator must be either "AND" or "OR".'
    )
    # every query operator is checked before any condition
    assert refused(cw, cond("nope", "equal_to", ["a"], "AND"), cond("name", "x", ["a"], "NOR")) == (
        'Query operator must be either "AND" or "OR".'
    )
    assert refused(cw, cond("name", "is_greater_than", ["a"])) == (
        "Invalid operator. The allowed operators for name are "
        "[equal_to,not_equal_to,contains,does_not_contain]."
    )
    assert refused(cw, cond("labels", "contains", ["a"])) == (
        "Invalid operator. The allowed operators for labels are "
        "[equal_to,not_equal_to,is_present,is_not_present]."
    )
    assert refused(cw, cond("email", "equal_to", [])) == (
        "Invalid value. The values provided for email are invalid"
    )
    assert refused(cw, cond("email", "equal_to")) == (
        "Invalid value. The values provided for email are invalid"
    )
    unknown = (
        "Invalid attribute key - [nope]. The key should be one of [name,phone_number,email,"
        "identifier,country_code,city,company,labels,created_at,last_activity_at,blocked] or a "
        "custom attribute defined in the account."
    )
    assert refused(cw, cond("nope", "equal_to", ["a"])) == unknown
    # conditions are checked in turn: the first one's attribute before the second's operator
    assert refused(cw, cond("nope", "equal_to", ["a"], "AND"), cond("name", "x", ["a"])) == unknown
    assert refused(cw, cond("seats", "contains", ["1"])).startswith(
        "Invalid operator. The allowed operators for seats are"
    )
    assert refused(cw, cond("seats", "equal_to", ["many"])) == (
        "Invalid value. The values provided for seats are invalid"
    )
    for bad in (["yesterday"], ["9999-12-31"]):
        assert refused(cw, cond("created_at", "is_greater_than", bad)) == (
            "Invalid value. The values provided for created_at are invalid"
        )
    assert refused(cw, cond("renewal", "days_before", [10**7])) == (
        "Invalid value. The values provided for renewal are invalid"
    )

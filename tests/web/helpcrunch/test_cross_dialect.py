"""One store: a customer written here is the same contact in every other API, and back."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import Tenant, make_contact, make_customer
from tests.web.helpcrunch.conftest import define


def seeded_customer(tenant: Tenant, hc: httpx.Client) -> dict[str, object]:
    define(tenant, plan="text", seats="number", paid="date", trial="boolean")
    return make_customer(
        hc,
        name="Ann Lee", email="Ann@Example.com", userId="user-77", phone="+44 20 7946 0958",
        company="ACME", city="London", countryCode="gb", firstSeen="1603885746", locale="en",
        tags=[{"name": "vip", "color": "#ff0000"}],
        customData=[{"property": "plan", "value": "gold"}, {"property": "seats", "value": 3},
                    {"property": "paid", "value": "1603885746"},
                    {"property": "trial", "value": False}],
    )  # fmt: skip


def test_a_customer_is_a_native_contact(tenant: Tenant, hc: httpx.Client) -> None:
    made = seeded_customer(tenant, hc)
    native = tenant.native.get(f"/contacts/{made['id']}")
    assert native.status_code == 200
    contact = native.json()
    assert contact["id"] == made["id"]
    assert contact["phone"] == "+442079460958" and contact["email"] == "ann@example.com"
    assert contact["external_id"] == "user-77" and contact["company"] == "ACME"
    assert (contact["city"], contact["country_code"]) == ("London", "GB")
    assert contact["first_seen"] == "2020-10-28T11:49:06Z" and contact["locale"] == "en"
    assert contact["tags"] == ["vip"]
    assert contact["custom_fields"] == {
        "plan": "gold", "seats": 3, "paid": "2020-10-28T11:49:06Z", "trial": False,
    }  # fmt: skip
    found = tenant.native.get("/contacts/lookup", params={"external_id": "user-77"}).json()
    assert found["id"] == made["id"]


def test_a_native_contact_is_a_customer(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text", paid="date")
    made = make_contact(
        tenant.native, name="Bo", phone="+447700900123", external_id="b-1", region_code="ENG",
        last_seen="2024-01-02T03:04:05Z", tags=["lead"], blocked=True,
        custom_fields={"plan": "silver", "paid": "2024-05-01"},
    )  # fmt: skip
    customer = hc.get(f"/customers/{made['id']}").json()
    assert customer["id"] == made["id"] and customer["userId"] == "b-1"
    assert customer["phone"] == "+447700900123" and customer["blocked"] is True
    assert customer["lastSeen"] == "1704164645"
    assert customer["location"] == {"regionCode": "ENG", "countryCode": None, "city": None}
    assert customer["tags"] == [{"name": "lead", "color": "#c377e0"}]
    assert customer["customData"] == {"plan": "silver", "paid": 1714521600}
    search = hc.post(
        "/customers/search",
        json={"filter": [{"field": "customers.userId", "operator": "=", "value": "b-1"}]},
    ).json()
    assert [c["id"] for c in search["data"]] == [made["id"]]


def test_a_customer_is_a_notificore_contact(tenant: Tenant, hc: httpx.Client) -> None:
    pytest.importorskip("contactbook.web.dialects.notificore")
    made = seeded_customer(tenant, hc)
    field_ids = {f["key"]: f["id"] for f in tenant.native.get("/fields").json()["items"]}
    with httpx.Client(base_url=tenant.server.url + "/api", timeout=30) as notificore:
        login = notificore.post("/auth/login", json={"api_key": tenant.api_key})
        assert login.status_code == 200, login.text
        token = login.json()["bearer"]
        response = notificore.get(
            f"/contacts/{made['id']}", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    contact = response.json()["data"]
    assert contact["id"] == made["id"]
    assert contact["phone"] == 442079460958  # E.164 digits as an integer
    assert str(contact["fields"][str(field_ids["plan"])]) == "gold"


def test_a_customer_is_a_chatwoot_contact(tenant: Tenant, hc: httpx.Client) -> None:
    pytest.importorskip("contactbook.web.dialects.chatwoot")
    made = seeded_customer(tenant, hc)
    with httpx.Client(
        base_url=f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key},
        timeout=30,
    ) as chatwoot:
        response = chatwoot.get(f"/contacts/{made['id']}")
    assert response.status_code == 200, response.text
    contact = response.json()["payload"]
    assert contact["id"] == made["id"]
    assert contact["identifier"] == "user-77"
    assert contact["phone_number"] == "+442079460958"
    assert contact["email"] == "ann@example.com"

"""One store: a contact written through another API reads back here, and the other way round,
with the same id, phone and custom values."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import Tenant, make_chatwoot_contact, make_contact
from tests.support.live import LiveServer
from tests.web.chatwoot.conftest import chatwoot_http


def test_created_natively_read_here(server: LiveServer, ua_tenant: Tenant) -> None:
    native = ua_tenant.native
    native.post("/fields", json={"name": "Plan", "key": "plan"})
    made = make_contact(
        native,
        phone="066 123 45 67",
        email="Taras@Example.com",
        name="Taras",
        external_id="user-1",
        company="ACME",
        city="Kyiv",
        country_code="ua",
        additional_attributes={"vip": True},
        custom_fields={"plan": "gold"},
        tags=["vip", "lead"],
        avatar_url="https://example.com/t.png",
        last_seen="2024-05-01T10:00:00Z",
    )
    with chatwoot_http(server, ua_tenant) as cw:
        shown = cw.get(f"/contacts/{made['id']}").json()["payload"]
        labels = cw.get(f"/contacts/{made['id']}/labels").json()["payload"]
        listed = cw.get("/contacts").json()["payload"]
    assert shown["id"] == made["id"]
    assert shown["phone_number"] == "+380661234567"
    assert (shown["email"], shown["name"], shown["identifier"]) == (
        "taras@example.com",
        "Taras",
        "user-1",
    )
    assert shown["additional_attributes"] == {
        "vip": True,
        "company_name": "ACME",
        "city": "Kyiv",
        "country_code": "UA",
    }
    assert shown["custom_attributes"] == {"plan": "gold"}
    assert shown["thumbnail"] == "https://example.com/t.png"
    assert shown["last_activity_at"] == 1714557600
    assert labels == ["vip", "lead"]
    assert [c["id"] for c in listed] == [made["id"]]


def test_written_here_read_natively(cw: httpx.Client, tenant: Tenant) -> None:
    made = make_chatwoot_contact(
        cw,
        name="Ada",
        phone_number="+447700900123",
        identifier="ada-1",
        custom_attributes={"plan": "gold", "seats": 3},
        additional_attributes={"company_name": "Engines", "country_code": "gb", "x": 1},
    )
    cw.patch(f"/contacts/{made['id']}", json={"custom_attributes": {"plan": "platinum"}})
    cw.post(f"/contacts/{made['id']}/labels", json={"labels": ["partner"]})
    native = tenant.native.get(f"/contacts/{made['id']}").json()
    assert native["id"] == made["id"]
    assert (native["phone"], native["external_id"], native["company"], native["country_code"]) == (
        "+447700900123",
        "ada-1",
        "Engines",
        "GB",
    )
    assert native["custom_fields"] == {"plan": "platinum", "seats": 3}
    assert native["additional_attributes"] == {"x": 1}
    assert native["tags"] == ["partner"]
    fields = {f["key"]: f["type"] for f in tenant.native.get("/fields").json()["items"]}
    assert fields == {"plan": "text", "seats": "number"}


def test_notificore_contacts_read_here_and_the_other_way(
    server: LiveServer, tenant: Tenant, cw: httpx.Client
) -> None:
    pytest.importorskip(
        "contactbook.web.dialects.notificore", reason="the Notificore dialect is not in this build"
    )
    field = tenant.native.post("/fields", json={"name": "Plan", "key": "plan"}).json()["id"]
    login = httpx.post(f"{server.url}/api/auth/login", json={"api_key": tenant.api_key})
    assert login.status_code == 200, login.text
    with httpx.Client(
        base_url=f"{server.url}/api",
        headers={"Authorization": f"Bearer {login.json()['bearer']}"},
        timeout=30,
    ) as notificore:
        created = notificore.post(
            "/contacts", json={"phone": 380661234567, "fields": [{"id": field, "value": "gold"}]}
        )
        assert created.status_code == 201, created.text
        data = created.json()["data"]
        assert data["phone"] == 380661234567 and data["fields"] == {str(field): "gold"}
        shown = cw.get(f"/contacts/{data['id']}").json()["payload"]
        assert shown["phone_number"] == "+380661234567"
        assert shown["custom_attributes"] == {"plan": "gold"}
        cw.patch(f"/contacts/{data['id']}", json={"custom_attributes": {"plan": "silver"}})
        read = notificore.get(f"/contacts/{data['id']}").json()["data"]
        assert read["id"] == data["id"] and read["fields"][str(field)] == "silver"

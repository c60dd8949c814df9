"""A number without its area code ("possible, local only": `12345` in Ukraine) cannot be dialled
from anywhere else, so every API refuses it like an impossible number, naming the phone in its
own envelope and changing nothing; complete numbers outside the known plan are still kept."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from tests.support.factories import Tenant, make_chatwoot_contact, make_contact, make_customer
from tests.support.jobs import wait_for_job
from tests.support.live import LiveServer
from tests.web.chatwoot.conftest import chatwoot_http
from tests.web.helpcrunch.conftest import errors_of, helpcrunch_client
from tests.web.notificore.support import Notificore, connect

# Ukraine's local-only form (no area code), written nationally and with the country code.
LOCAL_ONLY = ["12345", "1234567", "+38012345", "+380 123 4567"]
KEPT = "+10233456781"  # complete, unknown to the plan: stored with valid=False
NOTIFICORE_BAD_PHONE = {"message": "Invalid phone number format", "errors": []}
CHATWOOT_BAD_PHONE = {
    "message": "Phone number should be in e164 format",
    "attributes": ["phone_number"],
}


@pytest.fixture
def nc(ua_tenant: Tenant) -> Iterator[Notificore]:
    session = connect(ua_tenant)
    yield session
    session.close()


@pytest.fixture
def cw(server: LiveServer, ua_tenant: Tenant) -> Iterator[httpx.Client]:
    with chatwoot_http(server, ua_tenant) as client:
        yield client


@pytest.fixture
def hc(ua_tenant: Tenant) -> Iterator[httpx.Client]:
    with helpcrunch_client(ua_tenant.server.url, ua_tenant.api_key) as client:
        yield client


def assert_native_bad_phone(response: httpx.Response, field: str = "phone") -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, "invalid_phone")], body


def stored_phones(tenant: Tenant) -> list[str | None]:
    return [c["phone"] for c in tenant.native.get("/contacts").json()["items"]]


def test_native_writes_refuse_local_only_numbers(ua_tenant: Tenant) -> None:
    native = ua_tenant.native
    made = make_contact(native, name="Ann", phone="+380661234567")
    url = f"/contacts/{made['id']}"
    for phone in LOCAL_ONLY:
        assert_native_bad_phone(native.post("/contacts", json={"phone": phone}))
        assert_native_bad_phone(native.patch(url, json={"phone": phone}))
        assert_native_bad_phone(native.put(url, json={"name": "Ann", "phone": phone}))
        batch = {"items": [{"id": made["id"], "name": "Bo"}, {"id": made["id"], "phone": phone}]}
        assert_native_bad_phone(native.patch("/contacts", json=batch), "items.1.phone")
    assert native.get(url).json()["version"] == made["version"]
    assert stored_phones(ua_tenant) == ["+380661234567"]

    kept = native.post("/contacts", json={"phone": KEPT})
    assert kept.status_code == 201, kept.text
    assert kept.json()["phone_info"]["valid"] is False


def test_native_import_refuses_the_row(ua_tenant: Tenant) -> None:
    content = b"phone,name\n12345,Short\n+38012345,Short too\n0661234567,Whole\n"
    response = ua_tenant.native.post(
        "/imports", content=content, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 202, response.text
    done = wait_for_job(ua_tenant.native, response.json()["links"]["self"].removeprefix(
        "/contactbook/v1"))  # fmt: skip
    assert done["state"] == "succeeded", done
    assert done["counts"]["created"] == 1 and done["counts"]["rejected"] == 2, done
    errors = ua_tenant.native.get(done["links"]["errors"].removeprefix("/contactbook/v1"))
    rows = list(csv.reader(io.StringIO(errors.text)))
    assert [row[:2] for row in rows[1:]] == [["2", "phone"], ["3", "phone"]]
    assert stored_phones(ua_tenant) == ["+380661234567"]


def test_notificore_refuses_local_only_numbers(nc: Notificore, ua_tenant: Tenant) -> None:
    made = nc.http.post("/contacts", json={"phone": 380661234567})
    assert made.status_code == 201, made.text
    contact_id = made.json()["data"]["id"]
    # Notificore's own rule already refuses fewer than 9 digits; these have enough.
    for phone in (3801234567, "3801234567", "+3801234567", 1234567):
        created = nc.http.post("/contacts", json={"phone": phone})
        assert (created.status_code, created.json()) == (422, NOTIFICORE_BAD_PHONE), phone
        updated = nc.http.put(f"/contacts/{contact_id}", json={"phone": phone})
        assert (updated.status_code, updated.json()) == (422, NOTIFICORE_BAD_PHONE), phone
    assert stored_phones(ua_tenant) == ["+380661234567"]


def test_chatwoot_refuses_local_only_numbers(cw: httpx.Client, ua_tenant: Tenant) -> None:
    contact_id = make_chatwoot_contact(cw, name="Ann", phone_number="+380661234567")["id"]
    for phone in ("+38012345", "+3801234567"):
        created = cw.post("/contacts", json={"name": "Bo", "phone_number": phone})
        assert (created.status_code, created.json()) == (422, CHATWOOT_BAD_PHONE)
        updated = cw.put(f"/contacts/{contact_id}", json={"phone_number": phone})
        assert (updated.status_code, updated.json()) == (422, CHATWOOT_BAD_PHONE)
    assert stored_phones(ua_tenant) == ["+380661234567"]


def test_helpcrunch_refuses_local_only_numbers(hc: httpx.Client, ua_tenant: Tenant) -> None:
    customer = make_customer(hc, name="Ann", phone="+380661234567")["id"]
    for phone in LOCAL_ONLY:
        created = hc.post("/customers", json={"phone": phone})
        assert [e["code"] for e in errors_of(created, 400)] == ["phone"]
        for method in ("PUT", "PATCH"):
            updated = hc.request(method, f"/customers/{customer}", json={"phone": phone})
            assert [e["code"] for e in errors_of(updated, 400)] == ["phone"]
        batch = hc.put("/customers/batch", json=[{"customer": customer, "phone": phone}])
        assert [e["code"] for e in errors_of(batch, 400)] == ["[0].phone"]
    assert stored_phones(ua_tenant) == ["+380661234567"]


def test_chatwoot_import_refuses_the_row(cw: httpx.Client, ua_tenant: Tenant) -> None:
    content = b"name,phone_number\nShort,+38012345\nWhole,+380661234567\n"
    response = cw.post("/contacts/import", files={"import_file": ("c.csv", content, "text/csv")})
    assert response.status_code == 200, response.text
    job = ua_tenant.native.get("/imports").json()["items"][0]
    done = wait_for_job(ua_tenant.native, f"/imports/{job['id']}")
    assert done["counts"]["created"] == 1 and done["counts"]["rejected"] == 1, done
    assert stored_phones(ua_tenant) == ["+380661234567"]

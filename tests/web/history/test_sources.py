"""Writes through each of the four APIs and the CLI leave one record per step, naming the API
they came through and the fields they changed in canonical form; a write that changes
nothing records nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.factories import Tenant, make_contact, make_list
from tests.web.chatwoot.conftest import chatwoot_http
from tests.web.helpcrunch.conftest import define, helpcrunch_client
from tests.web.history.support import history, steps, version_of
from tests.web.notificore.support import Notificore, connect


@pytest.fixture
def nc(tenant: Tenant) -> Iterator[Notificore]:
    session = connect(tenant)
    yield session
    session.close()


@pytest.fixture
def cw(tenant: Tenant) -> Iterator[httpx.Client]:
    with chatwoot_http(tenant.server, tenant) as client:
        yield client


@pytest.fixture
def hc(tenant: Tenant) -> Iterator[httpx.Client]:
    with helpcrunch_client(tenant.server.url, tenant.api_key) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> httpx.Response:
    assert response.status_code == status, response.text
    return response


def test_native_writes_are_recorded_as_native(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Nat")
    cid = made["id"]
    ok(tenant.native.post("/fields", json={"name": "Plan", "key": "plan", "type": "text"}), 201)
    ok(tenant.native.patch(f"/contacts/{cid}", json={"custom_fields": {"plan": "gold"}}))
    ok(tenant.native.post(f"/contacts/{cid}/tags", json={"tags": ["vip"]}))
    ok(tenant.native.post(f"/contacts/{cid}/tags", json={"tags": ["vip"]}))  # no-op
    ok(tenant.native.delete(f"/contacts/{cid}/tags/vip"))
    ok(tenant.native.delete(f"/contacts/{cid}/tags/vip"))  # no-op
    records = history(tenant, cid)
    assert [(r["version"], r["source"]) for r in records] == [
        (1, "native"),
        (2, "native"),
        (3, "native"),
        (4, "native"),
    ]
    assert records[1]["changes"] == {"custom_fields.plan": {"from": None, "to": "gold"}}
    assert records[2]["changes"] == {"tags": {"from": None, "to": ["vip"]}}
    assert records[3]["changes"] == {"tags": {"from": ["vip"], "to": None}}
    assert version_of(tenant, cid) == 4


def test_notificore_fields_groups_and_stop_list(tenant: Tenant, nc: Notificore) -> None:
    field = ok(
        tenant.native.post("/fields", json={"name": "Town", "key": "town", "type": "text"}), 201
    ).json()["id"]
    first, second = make_list(tenant.native, "First"), make_list(tenant.native, "Second")
    body = {"phone": 380661110001, "groups": [first], "fields": [{"id": field, "value": "Kyiv"}]}
    cid = ok(nc.http.post("/contacts", json=body), 201).json()["data"]["id"]
    update = {"phone": 380661110001, "groups": [second], "fields": [{"id": field, "value": "Lviv"}]}
    ok(nc.http.put(f"/contacts/{cid}", json=update))
    ok(nc.http.put(f"/contacts/{cid}", json=update))  # no-op
    membership = {"contacts": [cid], "groups": [first]}
    ok(nc.http.post("/groups/attach", json=membership))
    ok(nc.http.post("/groups/attach", json=membership))  # no-op
    ok(nc.http.post("/groups/detach", json=membership))
    stop = {"phones": [380661110001], "types": ["sms", "viber"]}
    entry = ok(nc.http.post("/stoplist/attach", json=stop)).json()["data"][0]["id"]
    ok(nc.http.post("/stoplist/attach", json=stop))  # no-op
    ok(nc.http.post("/stoplist/detach", json={"ids": [entry], "types": ["sms"]}))
    ok(nc.http.post("/stoplist/detach", json={"ids": [entry], "types": ["sms"]}))  # no-op
    records = history(tenant, cid)
    assert {r["source"] for r in records} == {"notificore"}
    assert [r["version"] for r in records] == [1, 2, 3, 4, 5, 6]
    created = records[0]
    assert created["action"] == "created"
    assert created["changes"]["phone"] == {"from": None, "to": "+380661110001"}
    assert created["changes"]["custom_fields.town"] == {"from": None, "to": "Kyiv"}
    assert created["changes"]["lists"] == {"from": None, "to": [first]}
    assert records[1]["changes"] == {
        "custom_fields.town": {"from": "Kyiv", "to": "Lviv"},
        "lists": {"from": [first], "to": [second]},
    }
    assert records[2]["changes"] == {"lists": {"from": [second], "to": sorted([first, second])}}
    assert records[3]["changes"] == {"lists": {"from": sorted([first, second]), "to": [second]}}
    assert records[4]["changes"] == {"stoplist": {"from": None, "to": ["sms", "viber"]}}
    assert records[5]["changes"] == {"stoplist": {"from": ["sms", "viber"], "to": ["viber"]}}
    assert version_of(tenant, cid) == 6


def test_chatwoot_custom_attributes_labels_and_inboxes(tenant: Tenant, cw: httpx.Client) -> None:
    made = ok(cw.post("/contacts", json={"name": "Ada", "custom_attributes": {"plan": "gold"}}))
    cid = made.json()["payload"]["contact"]["id"]
    ok(cw.put(f"/contacts/{cid}", json={"custom_attributes": {"plan": "silver"}}))
    ok(cw.put(f"/contacts/{cid}", json={"custom_attributes": {"plan": "silver"}}))  # no-op
    ok(cw.post(f"/contacts/{cid}/labels", json={"labels": ["vip", "lead"]}))
    ok(cw.post(f"/contacts/{cid}/labels", json={"labels": ["vip", "lead"]}))  # no-op
    inbox = ok(tenant.native.post("/inboxes", json={"name": "API"}), 201).json()["id"]
    given = {"inbox_id": inbox, "source_id": "ada-1"}
    ok(cw.post(f"/contacts/{cid}/contact_inboxes", json=given))
    ok(cw.post(f"/contacts/{cid}/contact_inboxes", json=given))  # found, not made
    records = history(tenant, cid)
    assert [(r["version"], r["action"], r["source"]) for r in records] == [
        (1, "created", "chatwoot"),
        (2, "updated", "chatwoot"),
        (3, "updated", "chatwoot"),
        (4, "updated", "chatwoot"),
    ]
    assert records[0]["changes"]["custom_fields.plan"] == {"from": None, "to": "gold"}
    assert records[1]["changes"] == {"custom_fields.plan": {"from": "gold", "to": "silver"}}
    assert records[2]["changes"] == {"tags": {"from": None, "to": ["vip", "lead"]}}
    assert records[3]["changes"] == {
        "inboxes": {"from": None, "to": [{"inbox_id": inbox, "source_id": "ada-1"}]}
    }
    assert version_of(tenant, cid) == 4


def test_helpcrunch_custom_data_and_tags(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text", seats="number")
    body = {"name": "Hal", "customData": [{"property": "plan", "value": "gold"}]}
    cid = ok(hc.post("/customers", json=body), 201).json()["id"]
    change = {"customData": [{"property": "seats", "value": 5}]}
    ok(hc.patch(f"/customers/{cid}", json=change))
    ok(hc.patch(f"/customers/{cid}", json=change))  # no-op
    ok(hc.put(f"/customers/{cid}/tags", json={"tags": [{"name": "Lead"}]}))
    ok(hc.put(f"/customers/{cid}/tags", json={"tags": [{"name": "lead"}]}))  # no-op
    ok(hc.request("DELETE", f"/customers/{cid}/tags", json={"tags": [{"name": "Lead"}]}))
    ok(hc.request("DELETE", f"/customers/{cid}/tags", json={"tags": [{"name": "Lead"}]}))
    records = history(tenant, cid)
    assert steps(tenant, cid) == [
        (1, "created", "helpcrunch"),
        (2, "updated", "helpcrunch"),
        (3, "updated", "helpcrunch"),
        (4, "updated", "helpcrunch"),
    ]
    assert records[0]["changes"]["name"] == {"from": None, "to": "Hal"}
    assert records[0]["changes"]["custom_fields.plan"] == {"from": None, "to": "gold"}
    assert records[1]["changes"] == {"custom_fields.seats": {"from": None, "to": 5}}
    assert records[2]["changes"] == {"tags": {"from": None, "to": ["Lead"]}}
    assert records[3]["changes"] == {"tags": {"from": ["Lead"], "to": None}}
    assert version_of(tenant, cid) == 4


def test_each_record_names_its_request(tenant: Tenant, cw: httpx.Client) -> None:
    made = make_contact(tenant.native, name="R")
    ok(
        cw.post(
            f"/contacts/{made['id']}/labels",
            json={"labels": ["x"]},
            headers={"X-Request-Id": "cw-req-1"},
        )
    )
    last = history(tenant, made["id"])[-1]
    assert last["source"] == "chatwoot" and last["request_id"] == "cw-req-1"
    assert last["actor"] is not None and last["actor"]["type"] == "api_key"


def test_a_chatwoot_contact_made_in_an_inbox_records_its_identity(
    tenant: Tenant, cw: httpx.Client
) -> None:
    inbox = ok(tenant.native.post("/inboxes", json={"name": "API"}), 201).json()["id"]
    made = ok(cw.post("/contacts", json={"name": "In", "inbox_id": inbox, "source_id": "in-1"}))
    cid = made.json()["payload"]["contact"]["id"]
    records = history(tenant, cid)
    # The contact, then its identity in the inbox: two steps of one request, one version each.
    assert [(r["version"], r["action"]) for r in records] == [(1, "created"), (2, "updated")]
    assert records[1]["changes"] == {
        "inboxes": {"from": None, "to": [{"inbox_id": inbox, "source_id": "in-1"}]}
    }
    assert records[0]["request_id"] == records[1]["request_id"] is not None
    assert version_of(tenant, cid) == 2

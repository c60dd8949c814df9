"""Tagging and untagging a customer, and recording customer events."""

from __future__ import annotations

import time

import httpx

from tests.support.factories import Tenant, make_customer
from tests.web.helpcrunch.conftest import codes_of, errors_of


def test_tagging_appends_and_creates_unknown_tags(tenant: Tenant, hc: httpx.Client) -> None:
    made = make_customer(hc, tags=[{"name": "Old"}])
    response = hc.put(
        f"/customers/{made['id']}/tags",
        json={"tags": [{"name": "Lead", "color": "#ccc"}, {"name": "PPC"}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == made["id"] and body["customData"] == {}
    assert body["tags"] == [
        {"name": "Old", "color": "#c377e0"},
        {"name": "Lead", "color": "#ccc"},
        {"name": "PPC", "color": "#c377e0"},
    ]
    again = hc.put(f"/customers/{made['id']}/tags", json={"tags": [{"name": "lead"}]}).json()
    assert [t["name"] for t in again["tags"]] == ["Old", "Lead", "PPC"]  # no duplicate
    # the account's tags are the ones Chatwoot calls labels
    assert {t["name"] for t in tenant.native.get("/tags").json()["items"]} == {"Old", "Lead", "PPC"}
    assert tenant.native.get(f"/contacts/{made['id']}").json()["tags"] == ["Old", "Lead", "PPC"]


def test_untagging_takes_a_json_body_on_delete(hc: httpx.Client) -> None:
    made = make_customer(hc, tags=[{"name": "a"}, {"name": "b"}, {"name": "c"}])
    response = hc.request(
        "DELETE", f"/customers/{made['id']}/tags", json={"tags": [{"name": "b"}, {"name": "zz"}]}
    )
    assert response.status_code == 200, response.text
    assert [t["name"] for t in response.json()["tags"]] == ["a", "c"]
    assert [t["name"] for t in hc.get(f"/customers/{made['id']}").json()["tags"]] == ["a", "c"]


def test_tag_requests_are_checked(hc: httpx.Client) -> None:
    made = make_customer(hc)
    url = f"/customers/{made['id']}/tags"
    assert codes_of(hc.put(url, json={"tags": []})) == ["tags"]
    assert codes_of(hc.put(url, json={})) == ["tags"]
    assert codes_of(hc.put(url, json={"tags": [{"name": " "}]})) == ["tags[0].name"]
    assert codes_of(hc.put(url, json={"tags": [{"name": "x", "color": "url(x)"}]})) == [
        "tags[0].color"
    ]
    assert codes_of(hc.put("/customers/999999999/tags", json={"tags": ["x"]}), 404) == ["not_found"]
    assert hc.get(f"/customers/{made['id']}").json()["tags"] == []


def test_an_event_is_recorded_with_the_contact(tenant: Tenant, hc: httpx.Client) -> None:
    made = make_customer(hc, name="Ann")
    before = int(time.time())
    response = hc.post(
        "/events",
        json={"name": "Button Click", "data": {"button": "buy", "n": 2}, "customer": made["id"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["id", "name", "data", "createdAt", "customer"]
    assert body["name"] == "Button Click" and body["customer"] == made["id"]
    assert body["data"] == {"button": "buy", "n": 2}
    assert isinstance(body["createdAt"], str) and int(body["createdAt"]) >= before
    native = tenant.native.get(f"/contacts/{made['id']}/events").json()["items"]
    assert [(e["id"], e["name"], e["data"]) for e in native] == [
        (body["id"], "Button Click", {"button": "buy", "n": 2})
    ]
    by_string = hc.post("/events", json={"name": "Visit", "customer": str(made["id"])})
    assert by_string.status_code == 200 and by_string.json()["data"] == {}


def test_event_requests_are_checked(hc: httpx.Client) -> None:
    made = make_customer(hc)
    items = errors_of(hc.post("/events", json={"name": "x", "customer": "abc"}), 400)
    assert items == [{"code": "customer", "message": "This value should be of type numeric."}]
    assert codes_of(hc.post("/events", json={"customer": made["id"]})) == ["name"]
    assert codes_of(hc.post("/events", json={"name": " ", "customer": made["id"]})) == ["name"]
    assert codes_of(hc.post("/events", json={"name": "x"})) == ["customer"]
    bad_data = hc.post("/events", json={"name": "x", "customer": made["id"], "data": [1]})
    assert codes_of(bad_data) == ["data"]
    nul = hc.post("/events", json={"name": "x", "customer": made["id"], "data": {"a": "\u0000"}})
    assert codes_of(nul) == ["data.a"]  # PostgreSQL cannot store it: refused on both databases
    huge = hc.post("/events", json={"name": "x", "customer": made["id"], "data": {"n": 2**64}})
    assert codes_of(huge) == ["data.n"]
    missing = hc.post("/events", json={"name": "x", "customer": 999_999_999})
    assert errors_of(missing, 404) == [{"code": "not_found", "message": "Customer not found"}]

"""Chatwoot labels (the account's tags) and contact inboxes (channel identities)."""

from __future__ import annotations

import uuid

import httpx

from tests.support.factories import Tenant, make_chatwoot_contact


def make(cw: httpx.Client, **body: object) -> int:
    return int(make_chatwoot_contact(cw, **body)["id"])


def test_labels_replace_and_are_the_accounts_tags(cw: httpx.Client, tenant: Tenant) -> None:
    contact = make(cw, email="a@example.com")
    path = f"/contacts/{contact}/labels"
    assert cw.get(path).json() == {"payload": []}
    set_ = cw.post(path, json={"labels": ["vip, lead", " cold ", "", "VIP", "lead"]})
    assert set_.status_code == 200 and set_.json() == {"payload": ["vip", "lead", "cold"]}
    assert cw.get(path).json() == {"payload": ["vip", "lead", "cold"]}
    assert tenant.native.get(f"/contacts/{contact}").json()["tags"] == ["vip", "lead", "cold"]
    assert cw.post(path, json={"labels": ["cold", "new"]}).json() == {"payload": ["cold", "new"]}
    assert cw.post(path, json={}).json() == {"payload": []}
    # a tag set natively is a label here, spelled as stored
    tenant.native.post(f"/contacts/{contact}/tags", json={"tags": ["Partner"]})
    assert cw.get(path).json() == {"payload": ["Partner"]}
    assert cw.post(path, json={"labels": ["partner"]}).json() == {"payload": ["Partner"]}
    assert cw.get("/contacts/987654321/labels").status_code == 404


def test_contact_inboxes_find_or_create(cw: httpx.Client, tenant: Tenant, inbox_id: int) -> None:
    contact = make(cw, email="a@example.com", phone_number="+14155552671")
    path = f"/contacts/{contact}/contact_inboxes"
    made = cw.post(path, json={"inbox_id": inbox_id})
    assert made.status_code == 200
    body = made.json()
    assert set(body) == {"source_id", "inbox"}
    uuid.UUID(body["source_id"])  # raises unless it is one
    assert cw.post(path, json={"inbox_id": inbox_id}).json() == body
    given = cw.post(path, json={"inbox_id": inbox_id, "source_id": "mine", "hmac_verified": True})
    assert given.json()["source_id"] == "mine"
    for body_ in ({}, {"inbox_id": 987654321}, {"inbox_id": "x"}):
        missing = cw.post(path, json=body_)
        assert (missing.status_code, missing.json()) == (
            404,
            {"error": "Resource could not be found"},
        )
    other = make(cw, email="b@example.com")
    taken = cw.post(
        f"/contacts/{other}/contact_inboxes", json={"inbox_id": inbox_id, "source_id": "mine"}
    )
    assert taken.status_code == 422 and taken.json()["attributes"] == ["source_id"]
    sms = tenant.native.post("/inboxes", json={"name": "Texts", "channel_type": "sms"}).json()
    derived = cw.post(path, json={"inbox_id": sms["id"]}).json()
    assert derived["source_id"] == "+14155552671"
    assert derived["inbox"]["channel_type"] == "Channel::Sms"
    phoneless = cw.post(f"/contacts/{other}/contact_inboxes", json={"inbox_id": sms["id"]})
    assert phoneless.status_code == 422
    assert phoneless.json() == {
        "error": "param is missing or the value is empty: contact phone number"
    }


def test_contactable_inboxes_per_channel(cw: httpx.Client, tenant: Tenant) -> None:
    def inbox(name: str, channel: str) -> int:
        made = tenant.native.post("/inboxes", json={"name": name, "channel_type": channel})
        return int(made.json()["id"])

    api, widget, mail = inbox("Api", "api"), inbox("Widget", "web_widget"), inbox("Mail", "email")
    wa, sms, tg = inbox("WA", "whatsapp"), inbox("SMS", "sms"), inbox("TG", "telegram")
    full = make(cw, email="a@example.com", phone_number="+14155552671")
    bare = make(cw, identifier="x-1")
    path = "/contacts/{}/contactable_inboxes"

    def offered(contact: int) -> dict[int, str]:
        response = cw.get(path.format(contact))
        assert response.status_code == 200
        return {item["inbox"]["id"]: item["source_id"] for item in response.json()["payload"]}

    first = offered(full)
    assert set(first) == {api, mail, wa, sms}
    assert (first[mail], first[wa], first[sms]) == ("a@example.com", "14155552671", "+14155552671")
    assert offered(full)[api] != first[api]  # a fresh id each time: none is saved
    cw.post(f"/contacts/{full}/contact_inboxes", json={"inbox_id": api, "source_id": "api-1"})
    cw.post(f"/contacts/{full}/contact_inboxes", json={"inbox_id": widget, "source_id": "w-1"})
    cw.post(f"/contacts/{full}/contact_inboxes", json={"inbox_id": api, "source_id": "api-2"})
    again = offered(full)
    assert again[api] == "api-2" and again[widget] == "w-1" and tg not in again
    assert set(offered(bare)) == {api}
    assert cw.get(path.format(987654321)).status_code == 404

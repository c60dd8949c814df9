"""Chatwoot contacts over HTTP: create, show, update, delete, the contact's typing, and the
vendor's update document replayed."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from chatwoot import ChatwootClient

from tests.support.factories import Tenant, make_chatwoot_contact

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "chatwoot"
CONTACT_KEYS = {
    "additional_attributes",
    "availability_status",
    "email",
    "id",
    "name",
    "phone_number",
    "blocked",
    "identifier",
    "thumbnail",
    "custom_attributes",
    "created_at",
}


def test_create_answers_200_with_contact_and_contact_inbox(cw: httpx.Client, inbox_id: int) -> None:
    response = cw.post(
        "/contacts",
        json={
            "inbox_id": inbox_id,
            "name": "Ada",
            "email": "Ada@Example.com",
            "phone_number": "+14155552671",
            "identifier": "ada-1",
            "blocked": "false",
            "custom_attributes": {"plan": "gold"},
            "unknown_key": "ignored",
            "additional_attributes": {"company_name": "ACME", "city": "Kyiv", "vip": True},
        },
    )
    assert response.status_code == 200
    payload = response.json()["payload"]
    contact, contact_inbox = payload["contact"], payload["contact_inbox"]
    assert set(contact) == CONTACT_KEYS | {"contact_inboxes"}
    assert contact["email"] == "ada@example.com"
    assert contact["phone_number"] == "+14155552671"
    assert contact["blocked"] is False and contact["thumbnail"] == ""
    assert contact["availability_status"] == "offline"
    assert contact["custom_attributes"] == {"plan": "gold"}
    assert contact["additional_attributes"] == {"company_name": "ACME", "city": "Kyiv", "vip": True}
    assert isinstance(contact["created_at"], int) and "last_activity_at" not in contact
    assert isinstance(contact_inbox["source_id"], str) and len(contact_inbox["source_id"]) == 36
    assert contact_inbox["inbox"]["id"] == inbox_id
    assert contact_inbox["inbox"]["channel_type"] == "Channel::Api"
    assert contact["contact_inboxes"] == [
        {
            "source_id": contact_inbox["source_id"],
            "inbox": {
                "id": inbox_id,
                "avatar_url": "",
                "channel_id": inbox_id,
                "name": "API inbox",
                "channel_type": "Channel::Api",
                "provider": None,
            },
        }
    ]


def test_create_without_anything_is_a_bare_contact(cw: httpx.Client) -> None:
    response = cw.post("/contacts", json={})
    assert response.status_code == 200
    payload = response.json()["payload"]
    assert payload["contact_inbox"] == {"inbox": None, "source_id": None}
    contact = payload["contact"]
    assert contact["name"] == "" and contact["email"] is None and contact["phone_number"] is None
    assert contact["additional_attributes"] == {} and contact["custom_attributes"] == {}
    assert contact["contact_inboxes"] == []


def test_create_honours_a_source_id_and_numbers_become_strings(
    cw: httpx.Client, inbox_id: int
) -> None:
    payload = cw.post(
        "/contacts",
        json={"inbox_id": str(inbox_id), "source_id": 12345, "identifier": 77, "name": 42},
    ).json()["payload"]
    assert payload["contact_inbox"]["source_id"] == "12345"
    assert payload["contact"]["identifier"] == "77" and payload["contact"]["name"] == "42"


def test_create_with_an_unknown_inbox_creates_nothing(cw: httpx.Client, tenant: Tenant) -> None:
    for inbox in (987654321, "nope"):
        response = cw.post("/contacts", json={"inbox_id": inbox, "email": "x@example.com"})
        assert response.status_code == 404
        assert response.json() == {"error": "Resource could not be found"}
    assert tenant.native.get("/account").json()["contacts"] == 0
    assert cw.post("/contacts", json={"email": "x@example.com"}).status_code == 200


def test_create_in_a_channel_needing_an_email_without_one(cw: httpx.Client, tenant: Tenant) -> None:
    inbox = tenant.native.post("/inboxes", json={"name": "Mail", "channel_type": "email"}).json()
    response = cw.post("/contacts", json={"inbox_id": inbox["id"], "name": "No mail"})
    assert response.status_code == 422
    assert response.json() == {"error": "param is missing or the value is empty: contact email"}
    assert tenant.native.get("/account").json()["contacts"] == 0
    made = cw.post("/contacts", json={"inbox_id": inbox["id"], "email": "m@example.com"})
    assert made.json()["payload"]["contact_inbox"]["source_id"] == "m@example.com"


def test_create_with_a_source_id_of_another_contact_creates_nothing(
    cw: httpx.Client, tenant: Tenant, inbox_id: int
) -> None:
    cw.post("/contacts", json={"inbox_id": inbox_id, "source_id": "s-1", "email": "a@example.com"})
    response = cw.post(
        "/contacts", json={"inbox_id": inbox_id, "source_id": "s-1", "email": "b@example.com"}
    )
    assert response.status_code == 422
    assert response.json()["attributes"] == ["source_id"]
    assert tenant.native.get("/account").json()["contacts"] == 1


def test_show_is_payload_contact_with_the_seed_keys(cw: httpx.Client, inbox_id: int) -> None:
    made = cw.post("/contacts", json={"inbox_id": inbox_id, "email": "a@example.com"}).json()
    source = made["payload"]["contact_inbox"]["source_id"]
    contact_id = made["payload"]["contact"]["id"]
    payload = cw.get(f"/contacts/{contact_id}").json()["payload"]
    assert payload["id"] == contact_id and payload["email"] == "a@example.com"
    assert payload["contact"] == {k: v for k, v in payload.items() if k in payload["contact"]}
    assert payload["contact_inbox"]["source_id"] == source
    assert payload["contact_inbox"]["inbox"]["id"] == inbox_id
    without = cw.get(f"/contacts/{contact_id}", params={"include_contact_inboxes": "false"})
    assert "contact_inboxes" not in without.json()["payload"]
    assert cw.get("/contacts/987654321").status_code == 404
    assert cw.get("/contacts/abc").json() == {"error": "Resource could not be found"}


def test_update_changes_only_what_is_given_and_merges_objects(cw: httpx.Client) -> None:
    made = make_chatwoot_contact(
        cw,
        name="Ada",
        email="a@example.com",
        custom_attributes={"plan": "gold", "seats": 3},
        additional_attributes={"company_name": "ACME", "vip": True, "tier": "a"},
    )
    for method in ("PATCH", "PUT"):
        response = cw.request(
            method,
            f"/contacts/{made['id']}",
            json={
                "custom_attributes": {"seats": 5},
                "additional_attributes": {"tier": "b"},
                "blocked": "0",
                "inbox_id": 999,
                "source_id": "ignored",
            },
        )
        assert response.status_code == 200, response.text
        payload = response.json()["payload"]
        assert payload["name"] == "Ada" and payload["email"] == "a@example.com"
        assert payload["custom_attributes"] == {"plan": "gold", "seats": 5}
        assert payload["additional_attributes"] == {
            "company_name": "ACME",
            "vip": True,
            "tier": "b",
        }
        assert payload["blocked"] is False
    cleared = cw.patch(f"/contacts/{made['id']}", json={"email": "", "blocked": "true"})
    assert cleared.json()["payload"]["email"] is None
    assert cleared.json()["payload"]["blocked"] is True


def test_update_seed_document_replayed(
    cw: httpx.Client, sdk: ChatwootClient, tenant: Tenant, inbox_id: int
) -> None:
    made = make_chatwoot_contact(
        cw,
        inbox_id=inbox_id,
        name="Seed",
        email="seed@example.com",
        identifier="seed-1",
        avatar_url="https://example.com/seed.png",
        custom_attributes={"attribute_key": "attribute_value"},
    )
    path = f"/contacts/{made['id']}"
    literal = (FIXTURES / "update-contact.request.txt").read_bytes()
    as_published = cw.patch(path, content=literal, headers={"content-type": "application/json"})
    assert as_published.status_code == 400  # a trailing comma is not JSON, in Rails either
    placeholder = cw.patch(path, json={"phone_number": "string"})
    assert placeholder.status_code == 422
    assert placeholder.json() == {
        "message": "Phone number should be in e164 format",
        "attributes": ["phone_number"],
    }
    # The documented example value, as the document's clients and the official SDK send it.
    response = cw.patch(path, json={"phone_number": "+972771234567"})
    assert response.status_code == 200
    documented = json.loads((FIXTURES / "update-contact.response.json").read_text())
    payload, expected = response.json()["payload"], documented["payload"]
    assert set(expected) <= set(payload)
    assert set(expected["contact"]) <= set(payload["contact"])
    assert set(expected["contact_inbox"]) <= set(payload["contact_inbox"])
    assert set(expected["contact"]) - {"contact_inboxes"} <= set(payload)  # Chatwoot's own shape
    for key, value in expected["contact"].items():
        assert type(payload["contact"][key]) is type(value), key
    for key, value in expected["contact_inbox"].items():
        assert type(payload["contact_inbox"][key]) is type(value), key
    assert payload["contact"]["phone_number"] == "+972771234567"
    parsed = sdk.contacts.update(tenant.account_id, made["id"], phone_number="+972771234568")
    assert parsed.id == made["id"] and parsed.phone_number == "+972771234568"
    assert parsed.custom_attributes == {"attribute_key": "attribute_value"}


def test_validation_messages_are_chatwoots(cw: httpx.Client, tenant: Tenant) -> None:
    make_chatwoot_contact(
        cw, email="taken@example.com", phone_number="+14155552671", identifier="Id-1"
    )
    cases = [
        ({"email": "TAKEN@example.com"}, "Email has already been taken", ["email"]),
        ({"phone_number": "+14155552671"}, "Phone number has already been taken", ["phone_number"]),
        ({"identifier": "Id-1"}, "Identifier has already been taken", ["identifier"]),
        ({"email": "not-an-email"}, "Email Invalid email", ["email"]),
        (
            {"phone_number": "14155552671"},
            "Phone number should be in e164 format",
            ["phone_number"],
        ),
        (
            {"phone_number": "+1 415 555 2671"},
            "Phone number should be in e164 format",
            ["phone_number"],
        ),
        (
            {"phone_number": "abc+14155552672"},
            "Phone number should be in e164 format",
            ["phone_number"],
        ),
        ({"name": "x" * 256}, "Name is too long (maximum is 255 characters)", ["name"]),
        (
            {"name": "x" * 256, "email": "taken@example.com"},
            "Name is too long (maximum is 255 characters)",
            ["name"],
        ),
        (
            {"identifier": "y" * 256, "phone_number": "12"},
            "Identifier is too long (maximum is 255 characters), "
            "Phone number should be in e164 format",
            ["identifier", "phone_number"],
        ),
        (
            {"email": "taken@example.com", "identifier": "Id-1"},
            "Email has already been taken, Identifier has already been taken",
            ["email", "identifier"],
        ),
    ]
    for body, message, attributes in cases:
        response = cw.post("/contacts", json=body)
        assert response.status_code == 422, body
        assert response.json() == {"message": message, "attributes": attributes}, body
    assert tenant.native.get("/account").json()["contacts"] == 1
    # identifiers are unique as written, emails in any case
    assert cw.post("/contacts", json={"identifier": "id-1"}).status_code == 200


def test_update_excludes_the_contact_from_uniqueness_and_404_beats_422(cw: httpx.Client) -> None:
    made = make_chatwoot_contact(cw, email="me@example.com")
    same = cw.patch(f"/contacts/{made['id']}", json={"email": "ME@example.com"})
    assert same.status_code == 200
    assert cw.patch("/contacts/987654321", json={"phone_number": "nope"}).status_code == 404
    bad = cw.put(f"/contacts/{made['id']}", json={"phone_number": "nope", "name": "Changed"})
    assert bad.status_code == 422
    assert cw.get(f"/contacts/{made['id']}").json()["payload"]["name"] == ""


def test_a_value_chatwoot_accepts_but_is_no_phone_number(cw: httpx.Client) -> None:
    response = cw.post("/contacts", json={"phone_number": "+1999"})
    assert response.status_code == 422
    assert response.json() == {
        "message": "Phone number should be in e164 format",
        "attributes": ["phone_number"],
    }


def test_typing_of_awkward_values(cw: httpx.Client) -> None:
    for body in (
        {"custom_attributes": "flat"},
        {"additional_attributes": [1]},
        {"name": {"first": "A"}},
    ):
        response = cw.post("/contacts", json=body)
        assert response.status_code == 422, body
        assert set(response.json()) == {"message", "attributes"}
    made = make_chatwoot_contact(
        cw, custom_attributes={"joined": "2024-05-01", "vip": True, "score": 1.5}
    )
    assert made["custom_attributes"] == {"joined": "2024-05-01", "vip": True, "score": 1.5}


def test_destroy_custom_attributes_avatar_and_conversations(
    cw: httpx.Client, inbox_id: int
) -> None:
    made = make_chatwoot_contact(
        cw,
        inbox_id=inbox_id,
        avatar_url="https://example.com/a.png",
        custom_attributes={"a": "1", "b": "2", "c": "3"},
    )
    assert made["thumbnail"] == "https://example.com/a.png"
    path = f"/contacts/{made['id']}"
    kept = cw.post(
        f"{path}/destroy_custom_attributes", json={"custom_attributes": ["a", "c", "zz"]}
    )
    assert kept.status_code == 200
    assert kept.json()["payload"]["custom_attributes"] == {"b": "2"}
    assert len(kept.json()["payload"]["contact_inboxes"]) == 1
    avatar = cw.delete(f"{path}/avatar")
    assert avatar.status_code == 200
    assert avatar.json()["payload"]["thumbnail"] == ""
    assert "contact_inboxes" not in avatar.json()["payload"]
    assert cw.get(f"{path}/conversations").json() == {"payload": []}
    assert cw.get("/contacts/987654321/conversations").status_code == 404

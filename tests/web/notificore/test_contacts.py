"""Contacts through bsg-sdk: create, read, update, delete, bulk delete, list.

The SDK's contact model cannot parse the `fields` object the seeds and the live API use
(docs/design.md §3.1), so contact calls go through its `*_without_preload_content` variants:
the SDK still builds every request; the test reads the JSON.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from bsg_api.exceptions import UnprocessableEntityException
from bsg_api.models import (
    ContactFieldCreateRequest,
    ContactFieldType,
    ContactFieldValuePair,
    ContactGroupSchema,
    ContactListCreateRequest,
    ContactUpdateRequest,
    StoreContact,
)

from tests.support.factories import make_contact
from tests.web.notificore.support import Notificore, json_of, raw_json

CONTACT_KEYS = ["id", "phone", "fields", "created_at", "groups", "hlr_status", "hlr_last_check"]
GROUP_KEYS = ["id", "name", "description", "default", "created_at", "items", "stop_list_count"]
MOMENT = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"


def new_group(nc: Notificore, name: str) -> int:
    made = nc.groups.contact_list_create(ContactListCreateRequest(name=name))
    assert made.data is not None and made.data.id is not None
    return made.data.id


def new_field(nc: Notificore, name: str, kind: ContactFieldType = ContactFieldType.TEXT) -> int:
    made = nc.fields.contact_field_create(ContactFieldCreateRequest(name=name, type=kind))
    assert made.data is not None and made.data.id is not None
    return made.data.id


def create(nc: Notificore, phone: int, **extra: Any) -> dict[str, Any]:
    response = nc.contacts.contact_create_without_preload_content(
        StoreContact(phone=phone, **extra)
    )
    return raw_json(response, 201)["data"]


def get(nc: Notificore, contact_id: int) -> dict[str, Any]:
    return raw_json(nc.contacts.contact_without_preload_content(contact_id), 200)["data"]


def check_contact_types(contact: dict[str, Any]) -> None:
    assert list(contact) == CONTACT_KEYS
    assert type(contact["id"]) is int and type(contact["phone"]) is int
    assert 100_000_000 <= contact["phone"] <= 999_999_999_999_999
    assert isinstance(contact["fields"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in contact["fields"].items())
    assert contact["hlr_status"] == "unknown" and contact["hlr_last_check"] is None
    for group in contact["groups"]:
        assert list(group) == GROUP_KEYS
        assert type(group["default"]) is bool
        assert type(group["items"]) is int and type(group["stop_list_count"]) is int


def test_create_answers_201_with_the_contact(nc: Notificore) -> None:
    group = new_group(nc, "Clients")
    field = new_field(nc, "Full name")
    contact = create(
        nc,
        85267202829,
        groups=[ContactGroupSchema(id=group)],
        fields=[ContactFieldValuePair(id=field, value="TARAS IVANOV")],
    )
    check_contact_types(contact)
    assert contact["phone"] == 85267202829
    assert contact["fields"] == {str(field): "TARAS IVANOV"}
    assert [g["id"] for g in contact["groups"]] == [group]
    assert contact["groups"][0]["items"] == 1
    assert contact["groups"][0]["description"] is None
    assert contact["created_at"] == get(nc, contact["id"])["created_at"]


def test_a_bare_contact_has_empty_fields_and_groups(nc: Notificore) -> None:
    contact = create(nc, 380661234567)
    check_contact_types(contact)
    assert contact["fields"] == {} and contact["groups"] == []
    assert re.match(MOMENT, contact["created_at"])


def test_groups_may_be_plain_ids_too(nc: Notificore) -> None:
    group = new_group(nc, "Plain")
    response = nc.http.post("/contacts", json={"phone": 380661234568, "groups": [group]})
    assert [g["id"] for g in json_of(response, 201)["data"]["groups"]] == [group]


def test_get_answers_the_stored_contact(nc: Notificore) -> None:
    made = create(nc, 447700900123)
    assert get(nc, made["id"]) == made


def test_update_replaces_groups_when_given_and_upserts_only_given_fields(nc: Notificore) -> None:
    first, second = new_group(nc, "First"), new_group(nc, "Second")
    name, city = new_field(nc, "Name"), new_field(nc, "City")
    made = create(
        nc,
        380661111111,
        groups=[ContactGroupSchema(id=first)],
        fields=[
            ContactFieldValuePair(id=name, value="Ann"),
            ContactFieldValuePair(id=city, value="Kyiv"),
        ],
    )
    response = nc.contacts.contact_update_without_preload_content(
        made["id"],
        ContactUpdateRequest(
            phone=380662222222,
            groups=[ContactGroupSchema(id=second)],
            fields=[ContactFieldValuePair(id=city, value="Lviv")],
        ),
    )
    updated = raw_json(response, 200)["data"]
    check_contact_types(updated)
    assert updated["id"] == made["id"] and updated["phone"] == 380662222222
    assert [g["id"] for g in updated["groups"]] == [second]
    assert updated["fields"] == {str(name): "Ann", str(city): "Lviv"}
    # without groups the memberships stay; an empty value removes a field's value
    body = {"phone": 380662222222, "fields": [{"id": name, "value": ""}]}
    again = json_of(nc.http.put(f"/contacts/{made['id']}", json=body), 200)["data"]
    assert [g["id"] for g in again["groups"]] == [second]
    assert again["fields"] == {str(city): "Lviv"}
    lists = {g.id: g.items for g in nc.groups.contact_lists().data or []}
    assert lists == {first: 0, second: 1}


def test_update_with_empty_groups_leaves_every_group(nc: Notificore) -> None:
    group = new_group(nc, "Leaving")
    made = create(nc, 380661111112, groups=[ContactGroupSchema(id=group)])
    body = {"phone": 380661111112, "groups": []}
    assert json_of(nc.http.put(f"/contacts/{made['id']}", json=body), 200)["data"]["groups"] == []


def test_delete_answers_204_and_the_id_becomes_invalid(nc: Notificore) -> None:
    group = new_group(nc, "Gone soon")
    made = create(nc, 380661111113, groups=[ContactGroupSchema(id=group)])
    response = nc.contacts.contact_delete_without_preload_content(made["id"])
    assert response.status == 204 and response.data == b""
    assert "content-type" not in response.headers
    with pytest.raises(UnprocessableEntityException) as caught:
        nc.contacts.contact(made["id"])
    assert caught.value.data is not None
    assert caught.value.data.message == "Invalid contact id"
    assert caught.value.data.errors == []
    assert nc.groups.contact_list(group).data.items == 0  # type: ignore[union-attr]


def test_sdk_delete_call_succeeds(nc: Notificore) -> None:
    made = create(nc, 380661111114)
    nc.contacts.contact_delete(made["id"])
    assert nc.http.get(f"/contacts/{made['id']}").status_code == 422


def test_bulk_delete_by_ids_and_by_groups(nc: Notificore) -> None:
    group = new_group(nc, "Doomed")
    keep = create(nc, 380661000001)
    by_id = [create(nc, 380661000002)["id"], create(nc, 380661000003)["id"]]
    in_group = create(nc, 380661000004, groups=[ContactGroupSchema(id=group)])
    nc.contacts.contacts_delete(contact_ids=by_id)
    remaining = raw_json(nc.contacts.contacts_without_preload_content(), 200)
    assert sorted(c["id"] for c in remaining["data"]) == [keep["id"], in_group["id"]]
    nc.contacts.contacts_delete(group_ids=[group])
    remaining = raw_json(nc.contacts.contacts_without_preload_content(), 200)
    assert [c["id"] for c in remaining["data"]] == [keep["id"]] and remaining["total"] == 1
    assert nc.groups.contact_list(group).data.items == 0  # type: ignore[union-attr]


def test_bulk_delete_answers_204_with_an_empty_body(nc: Notificore) -> None:
    made = create(nc, 380661000005)
    response = nc.contacts.contacts_delete_without_preload_content(contact_ids=[made["id"]])
    assert response.status == 204 and response.data == b""


def test_bulk_delete_without_ids_is_422(nc: Notificore) -> None:
    response = nc.http.post("/contacts/delete")
    assert json_of(response, 422)["message"] == "The given data was invalid."


def test_list_pages_in_id_order_with_a_total(nc: Notificore) -> None:
    made = [create(nc, 380670000000 + n)["id"] for n in range(17)]
    first = raw_json(nc.contacts.contacts_without_preload_content(page_limit=15), 200)
    assert [c["id"] for c in first["data"]] == made[:15] and first["total"] == 17
    for contact in first["data"]:
        check_contact_types(contact)
    rest = raw_json(
        nc.contacts.contacts_without_preload_content(page_limit=15, page_offset=15), 200
    )
    assert [c["id"] for c in rest["data"]] == made[15:] and rest["total"] == 17


def test_list_defaults_to_30(nc: Notificore) -> None:
    for n in range(31):
        create(nc, 380680000000 + n)
    listed = json_of(nc.http.get("/contacts"), 200)
    assert len(listed["data"]) == 30 and listed["total"] == 31


def test_list_of_groups(nc: Notificore) -> None:
    a, b, c = new_group(nc, "Group A"), new_group(nc, "Group B"), new_group(nc, "Group C")
    in_a = create(nc, 380690000001, groups=[ContactGroupSchema(id=a)])["id"]
    in_b = create(nc, 380690000002, groups=[ContactGroupSchema(id=b)])["id"]
    create(nc, 380690000003, groups=[ContactGroupSchema(id=c)])
    create(nc, 380690000004)
    listed = raw_json(nc.contacts.contacts_without_preload_content(groups=[a, b]), 200)
    assert [x["id"] for x in listed["data"]] == [in_a, in_b] and listed["total"] == 2


def test_contacts_without_a_phone_are_not_shown(nc: Notificore) -> None:
    phoneless = make_contact(nc.tenant.native, email="nophone@example.com")
    with_phone = create(nc, 380661000009)
    listed = raw_json(nc.contacts.contacts_without_preload_content(), 200)
    assert [c["id"] for c in listed["data"]] == [with_phone["id"]] and listed["total"] == 1
    assert json_of(nc.http.get(f"/contacts/{phoneless['id']}"), 422) == {
        "message": "Invalid contact id",
        "errors": [],
    }


def test_a_contact_without_a_phone_is_missing_on_every_method(nc: Notificore) -> None:
    native = nc.tenant.native
    group = new_group(nc, "Kept apart")
    phoneless = native.post(
        "/contacts", json={"email": "hidden@example.com", "name": "Hidden"}
    ).json()
    before = native.get(f"/contacts/{phoneless['id']}")
    assert before.status_code == 200
    missing = {"message": "Invalid contact id", "errors": []}
    path = f"/contacts/{phoneless['id']}"
    assert json_of(nc.http.get(path), 422) == missing
    body = {"phone": 380661000010, "groups": [group]}
    assert json_of(nc.http.put(path, json=body), 422) == missing
    assert json_of(nc.http.delete(path), 422) == missing
    after = native.get(f"/contacts/{phoneless['id']}")
    assert after.status_code == 200
    assert after.json() == before.json() and after.headers["etag"] == before.headers["etag"]
    assert after.json()["phone"] is None and after.json()["lists"] == []
    assert nc.groups.contact_list(group).data.items == 0  # type: ignore[union-attr]

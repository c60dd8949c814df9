"""Errors in Notificore's envelopes: documented business messages, the validation form with
the vendor's flattened paths, 404 for unknown routes; a failed write changes nothing."""

from __future__ import annotations

import pytest
from bsg_api.exceptions import UnprocessableEntityException
from bsg_api.models import ContactFieldType, ContactUpdateRequest, StoreContact

from contactbook.services import accounts
from tests.support.factories import make_tenant
from tests.support.live import LiveServer
from tests.web.notificore.support import Notificore, connect, json_of, raw_json
from tests.web.notificore.test_contacts import create, get, new_field, new_group

INVALID = "The given data was invalid."


@pytest.mark.parametrize("path", ["/nothing", "/contacts/abc", "/groups/1/members", "/v2/x"])
def test_unknown_routes_are_404_not_found(nc: Notificore, path: str) -> None:
    assert json_of(nc.http.get(path), 404) == {"message": "Not Found"}


def test_wrong_method_is_405_in_the_envelope(nc: Notificore) -> None:
    assert json_of(nc.http.delete("/groups"), 405) == {"message": "Method Not Allowed"}


def test_unknown_and_foreign_contacts_are_invalid_contact_ids(
    nc: Notificore, other_nc: Notificore
) -> None:
    theirs = create(other_nc, 380661240001)["id"]
    for contact_id in (theirs, 987654321, 2**63, 0):
        with pytest.raises(UnprocessableEntityException) as caught:
            nc.contacts.contact_update(contact_id or 1, ContactUpdateRequest(phone=380661240002))
        for method, body in (("get", None), ("put", {"phone": 380661240002}), ("delete", None)):
            response = nc.http.request(method, f"/contacts/{contact_id}", json=body)
            assert json_of(response, 422) == {"message": "Invalid contact id", "errors": []}
    assert caught.value.data is not None and caught.value.data.message == "Invalid contact id"
    assert get(other_nc, theirs)["phone"] == 380661240001
    nc.contacts.contacts_delete(contact_ids=[theirs])  # skipped, not deleted
    assert get(other_nc, theirs)["phone"] == 380661240001


def test_duplicate_phone(nc: Notificore) -> None:
    first = create(nc, 380661240010)
    response = nc.contacts.contact_create_without_preload_content(StoreContact(phone=380661240010))
    assert raw_json(response, 422) == {
        "message": "Phone number is already exist in contact book",
        "errors": [],
    }
    second = create(nc, 380661240011)
    body = {"phone": 380661240010}
    assert json_of(nc.http.put(f"/contacts/{second['id']}", json=body), 422)["message"] == (
        "Phone number is already exist in contact book"
    )
    assert get(nc, first["id"]) == first


@pytest.mark.parametrize("phone", [12345678, 1234567890123456, 999999999999, "38066x1234567"])
def test_impossible_phones_are_invalid_phone_number_format(nc: Notificore, phone: object) -> None:
    response = nc.http.post("/contacts", json={"phone": phone})
    assert json_of(response, 422) == {"message": "Invalid phone number format", "errors": []}


def test_phone_digits_as_a_string_are_accepted(nc: Notificore) -> None:
    made = json_of(nc.http.post("/contacts", json={"phone": "380661240020"}), 201)["data"]
    assert made["phone"] == 380661240020


def test_unknown_group_on_create_is_group_not_found_and_nothing_is_stored(
    nc: Notificore,
) -> None:
    response = nc.http.post("/contacts", json={"phone": 380661240030, "groups": [987654321]})
    assert json_of(response, 422) == {"message": "Contact group is not found", "errors": []}
    assert json_of(nc.http.get("/contacts"), 200)["total"] == 0


def test_failed_update_changes_nothing(nc: Notificore) -> None:
    group, field = new_group(nc, "Kept"), new_field(nc, "Kept value")
    made = create(nc, 380661240040)
    body = {
        "phone": 380661240041,
        "groups": [group, 987654321],
        "fields": [{"id": field, "value": "new"}],
    }
    response = nc.http.put(f"/contacts/{made['id']}", json=body)
    assert json_of(response, 422)["message"] == "Contact group is not found"
    assert get(nc, made["id"]) == made
    assert nc.groups.contact_list(group).data.items == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"phone": ["This field is missing."]}),
        ({"phone": True}, {"phone": ["This value should be of type integer."]}),
        (
            {"phone": 380661240050, "groups": "1"},
            {"groups": ["This value should be of type array."]},
        ),
        (
            {"phone": 380661240050, "groups": [{"name": "x"}]},
            {"groups0id": ["This value should be of type integer."]},
        ),
        (
            {"phone": 380661240050, "groups": ["one"]},
            {"groups0": ["This value should be of type integer."]},
        ),
        (
            {"phone": 380661240050, "fields": [{"value": "x"}]},
            {"fields0id": ["This field is missing."]},
        ),
        (
            {"phone": 380661240050, "fields": [{"id": 1, "value": {"a": 1}}]},
            {"fields0value": ["This value should be of type string."]},
        ),
        (
            {"phone": 380661240050, "fields": [{"id": 987654321, "value": "x"}]},
            {"fields0id": ["No custom field 987654321."]},
        ),
        (
            {"phone": 380661240050, "groups": list(range(1, 102))},
            {"groups": ["This collection should contain 100 elements or less."]},
        ),
    ],
)
def test_validation_errors_name_the_wire_path(nc: Notificore, body: dict, errors: dict) -> None:
    response = nc.http.post("/contacts", json=body)
    assert json_of(response, 422) == {"message": INVALID, "errors": errors}
    assert json_of(nc.http.get("/contacts"), 200)["total"] == 0


def test_a_bad_value_for_a_typed_field_names_its_value(nc: Notificore) -> None:
    seats = new_field(nc, "Seats", ContactFieldType.NUMBER)
    born = new_field(nc, "Born", ContactFieldType.DATE)
    body = {
        "phone": 380661240060,
        "fields": [{"id": seats, "value": "many"}, {"id": born, "value": "13.03.2025"}],
    }
    errors = json_of(nc.http.post("/contacts", json=body), 422)["errors"]
    assert set(errors) == {"fields0value", "fields1value"}
    body = {
        "phone": 380661240060,
        "fields": [{"id": seats, "value": 42}, {"id": born, "value": "2025-03-13 14:51:33"}],
    }
    made = json_of(nc.http.post("/contacts", json=body), 201)["data"]
    assert made["fields"] == {str(seats): "42", str(born): "2025-03-13 14:51:33"}


def test_malformed_json_is_400(nc: Notificore) -> None:
    response = nc.http.post(
        "/contacts", content=b'{"phone": ', headers={"content-type": "application/json"}
    )
    body = json_of(response, 400)
    assert body["errors"] == [] and body["message"]


def test_test_accounts_may_only_use_verified_phones(server: LiveServer) -> None:
    tenant = make_tenant(server, test_mode=True)
    nc = connect(tenant)
    try:
        response = nc.http.post("/contacts", json={"phone": 380661240070})
        assert json_of(response, 422) == {
            "message": INVALID,
            "errors": {"phone": ["A test account may only use verified phone numbers."]},
        }
        tenant.unit(lambda uow: accounts.verify_number(uow, tenant.account_id, "+380661240070"))
        made = json_of(nc.http.post("/contacts", json={"phone": 380661240070}), 201)["data"]
        # the seed's rule: a change of phone must be to a verified number too
        moved = nc.http.put(f"/contacts/{made['id']}", json={"phone": 380661240071})
        assert json_of(moved, 422)["errors"] == {
            "phone": ["A test account may only use verified phone numbers."]
        }
        kept = nc.http.put(f"/contacts/{made['id']}", json={"phone": 380661240070})
        assert json_of(kept, 200)["data"]["phone"] == 380661240070
    finally:
        nc.close()
        tenant.close()


def test_read_only_keys_cannot_write(nc: Notificore) -> None:
    key = nc.tenant.native.post("/keys", json={"scopes": ["read"]}).json()
    response = nc.http.post("/auth/login", json={"api_key": key["api_key"]})
    token = json_of(response, 200)["bearer"]
    headers = {"Authorization": f"Bearer {token}"}
    assert json_of(nc.http.get("/groups", headers=headers), 200)["total"] == 0
    denied = nc.http.post("/groups", json={"name": "Nope"}, headers=headers)
    assert json_of(denied, 403)["errors"] == []

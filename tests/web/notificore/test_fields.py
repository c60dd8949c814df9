"""Contact fields through bsg-sdk's parsed calls: list, create (201), patch, bulk delete (204)."""

from __future__ import annotations

import httpx
import pytest
from bsg_api.exceptions import UnprocessableEntityException
from bsg_api.models import (
    ContactFieldCreateRequest,
    ContactFieldType,
    ContactFieldUpdateRequest,
    ContactFieldUpdateRequestOptionDescription,
    ContactFieldUpdateRequestOptionIsVisible,
    ContactFieldUpdateRequestOptionName,
    ContactFieldValuePair,
    PostContactsFieldsDeleteRequest,
)

from tests.support.factories import make_chatwoot_contact, make_contact
from tests.web.notificore.support import Notificore, json_of
from tests.web.notificore.test_contacts import create, get, new_field

FIELD_KEYS = ["id", "name", "type", "description", "is_visible"]


def test_create_answers_201_and_the_sdk_parses_it(nc: Notificore) -> None:
    made = nc.fields.contact_field_create(
        ContactFieldCreateRequest(
            name="Country", type=ContactFieldType.TEXT, description="The country name"
        )
    )
    assert made.data is not None
    assert made.data.name == "Country" and made.data.type is ContactFieldType.TEXT
    assert made.data.description == "The country name" and made.data.is_visible is True
    raw = json_of(nc.http.get("/contacts/fields"), 200)
    assert raw == {
        "data": [
            {
                "id": made.data.id,
                "name": "Country",
                "type": "text",
                "description": "The country name",
                "is_visible": True,
            }
        ]
    }


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("text", "text"),
        ("number", "number"),
        ("date", "date"),
        ("string", "text"),
        ("integer", "number"),
        ("datetime", "date"),
    ],
)
def test_types_and_their_documented_aliases(nc: Notificore, sent: str, shown: str) -> None:
    response = nc.http.post("/contacts/fields", json={"name": "Typed", "type": sent})
    data = json_of(response, 201)["data"]
    assert list(data) == FIELD_KEYS and data["type"] == shown


def test_list_and_patch_one_key_at_a_time(nc: Notificore) -> None:
    field = new_field(nc, "Nickname")
    renamed = nc.fields.contact_field_update(
        field,
        ContactFieldUpdateRequest(ContactFieldUpdateRequestOptionName(name="Alias")),
    )
    assert renamed.data is not None and renamed.data.name == "Alias"
    described = nc.fields.contact_field_update(
        field,
        ContactFieldUpdateRequest(
            ContactFieldUpdateRequestOptionDescription(description="What friends say")
        ),
    )
    assert described.data is not None and described.data.description == "What friends say"
    hidden = nc.fields.contact_field_update(
        field,
        ContactFieldUpdateRequest(ContactFieldUpdateRequestOptionIsVisible(is_visible=False)),
    )
    assert hidden.data is not None and hidden.data.is_visible is False
    assert hidden.data.name == "Alias" and hidden.data.type is ContactFieldType.TEXT
    listed = nc.fields.contact_fields()
    assert [(f.id, f.name, f.is_visible) for f in listed.data or []] == [(field, "Alias", False)]
    cleared = json_of(nc.http.patch(f"/contacts/fields/{field}", json={"description": None}), 200)
    assert cleared["data"]["description"] is None


def test_patch_needs_a_key_and_cannot_change_the_type(nc: Notificore) -> None:
    field = new_field(nc, "Fixed", ContactFieldType.NUMBER)
    assert nc.http.patch(f"/contacts/fields/{field}", json={}).status_code == 422
    kept = json_of(
        nc.http.patch(f"/contacts/fields/{field}", json={"type": "text", "name": "Still"}), 200
    )
    assert kept["data"]["type"] == "number" and kept["data"]["name"] == "Still"


def test_unknown_field_id_on_patch_is_422(nc: Notificore, other_nc: Notificore) -> None:
    theirs = new_field(other_nc, "Theirs")
    for field in (theirs, 987654321):
        response = nc.http.patch(f"/contacts/fields/{field}", json={"name": "Mine"})
        assert json_of(response, 422) == {"message": "Contact field is not found", "errors": []}
    assert other_nc.fields.contact_fields().data[0].name == "Theirs"  # type: ignore[index]


def test_bulk_delete_removes_fields_and_their_values(nc: Notificore) -> None:
    keep, drop = new_field(nc, "Keep"), new_field(nc, "Drop")
    contact = create(
        nc,
        380661234001,
        fields=[
            ContactFieldValuePair(id=keep, value="k"),
            ContactFieldValuePair(id=drop, value="d"),
        ],
    )
    response = nc.fields.post_contacts_fields_delete_without_preload_content(
        PostContactsFieldsDeleteRequest(ids=[drop, 123456789])
    )
    assert response.status == 204 and response.data == b""
    assert [f.id for f in nc.fields.contact_fields().data or []] == [keep]
    assert get(nc, contact["id"])["fields"] == {str(keep): "k"}
    nc.fields.post_contacts_fields_delete(PostContactsFieldsDeleteRequest(ids=[keep]))
    assert nc.fields.contact_fields().data == []


def test_keys_are_free_slugs_of_the_name(nc: Notificore) -> None:
    first, second, reserved = (new_field(nc, "Plan"), new_field(nc, "Plan"), new_field(nc, "Phone"))
    keys = {f["id"]: f["key"] for f in nc.tenant.native.get("/fields").json()["items"]}
    assert keys == {first: "plan", second: "plan_2", reserved: "phone_2"}


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"type": "text"}, "name"),
        ({"name": "x" * 31, "type": "text"}, "name"),
        ({"name": "", "type": "text"}, "name"),
        ({"name": "Colour"}, "type"),
        ({"name": "Colour", "type": "colour"}, "type"),
        ({"name": "Colour", "type": "text", "is_visible": "yes"}, "is_visible"),
        ({"name": "Colour", "type": "text", "description": "d" * 256}, "description"),
    ],
)
def test_bad_definitions_are_validation_errors(nc: Notificore, body: dict, key: str) -> None:
    response = json_of(nc.http.post("/contacts/fields", json=body), 422)
    assert response["message"] == "The given data was invalid."
    assert list(response["errors"]) == [key]
    assert nc.fields.contact_fields().data == []


def test_sdk_raises_for_an_unknown_field(nc: Notificore) -> None:
    with pytest.raises(UnprocessableEntityException):
        nc.fields.contact_field_update(
            555555555,
            ContactFieldUpdateRequest(ContactFieldUpdateRequestOptionName(name="Nobody")),
        )


def test_fields_of_other_types_show_as_the_nearest_notificore_type(nc: Notificore) -> None:
    native = nc.tenant.native
    for body in (
        {"name": "VIP", "type": "boolean"},
        {"name": "Budget", "type": "currency"},
        {"name": "A very long display name that Notificore cannot show", "type": "link"},
    ):
        assert native.post("/fields", json=body).status_code == 201
    shown = [(f.name, f.type) for f in nc.fields.contact_fields().data or []]
    assert shown == [
        ("VIP", ContactFieldType.TEXT),
        ("Budget", ContactFieldType.NUMBER),
        ("A very long display name that", ContactFieldType.TEXT),
    ]
    made = make_contact(native, phone="+380661234002", custom_fields={"vip": True, "budget": 2.5})
    fields = get(nc, made["id"])["fields"]
    assert sorted(fields.values()) == ["2.5", "true"]


def test_create_adopts_a_field_contacts_already_use(nc: Notificore) -> None:
    tenant = nc.tenant
    with httpx.Client(
        base_url=f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key},
        timeout=30,
    ) as chatwoot:
        written = make_chatwoot_contact(chatwoot, name="Ann", phone_number="+380661234567",
                                        custom_attributes={"plan": "gold"})  # fmt: skip
    contact = written["id"]
    [implicit] = tenant.native.get("/fields").json()["items"]
    # a type the values held cannot take is a validation error naming the type
    refused = json_of(
        nc.http.post("/contacts/fields", json={"name": "Plan", "type": "number"}), 422
    )
    assert list(refused["errors"]) == ["type"]
    assert tenant.native.get("/fields").json()["items"] == [implicit]
    adopted = json_of(nc.http.post("/contacts/fields", json={"name": "Plan", "type": "text"}), 201)
    assert adopted["data"]["id"] == implicit["id"]
    assert [f["key"] for f in tenant.native.get("/fields").json()["items"]] == ["plan"]
    assert get(nc, contact)["fields"] == {str(implicit["id"]): "gold"}
    # a second field of that name is a new one, as before
    assert new_field(nc, "Plan") != implicit["id"]

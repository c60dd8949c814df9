"""Chatwoot custom attribute definitions over HTTP: the account's custom field definitions."""

from __future__ import annotations

import re

import httpx

from tests.support.factories import Tenant, make_chatwoot_contact

ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_create_flat_or_wrapped_names_or_numbers(cw: httpx.Client, tenant: Tenant) -> None:
    flat = cw.post(
        "/custom_attribute_definitions",
        json={
            "attribute_display_name": "Plan",
            "attribute_key": "plan",
            "attribute_display_type": 6,
            "attribute_model": 1,
            "attribute_values": ["gold", "silver"],
            "attribute_description": "Their plan",
            "regex_pattern": "^[a-z]+$",
            "regex_cue": "lower",
        },
    )
    assert flat.status_code == 200, flat.text
    body = flat.json()
    assert set(body) == {
        "id",
        "attribute_display_name",
        "attribute_display_type",
        "attribute_description",
        "attribute_key",
        "regex_pattern",
        "regex_cue",
        "attribute_values",
        "attribute_model",
        "default_value",
        "created_at",
        "updated_at",
    }
    assert (body["attribute_display_type"], body["attribute_model"]) == (
        "list",
        "contact_attribute",
    )
    assert body["attribute_values"] == ["gold", "silver"] and body["default_value"] is None
    assert (body["regex_pattern"], body["regex_cue"]) == ("^[a-z]+$", "lower")
    assert ISO_MILLIS.match(body["created_at"]) and ISO_MILLIS.match(body["updated_at"])
    wrapped = cw.post(
        "/custom_attribute_definitions",
        json={
            "custom_attribute_definition": {
                "attribute_display_name": "Trial",
                "attribute_key": "trial",
                "attribute_display_type": "checkbox",
                "attribute_model": "contact_attribute",
                "default_value": 1,
            }
        },
    ).json()
    assert (wrapped["attribute_display_type"], wrapped["default_value"]) == ("checkbox", 1)
    defaulted = cw.post(
        "/custom_attribute_definitions",
        json={"attribute_display_name": "Topic", "attribute_key": "topic"},
    ).json()
    assert defaulted["attribute_model"] == "conversation_attribute"
    assert defaulted["attribute_display_type"] == "text"
    # the same definitions natively: contact fields only
    native = {f["key"]: f for f in tenant.native.get("/fields").json()["items"]}
    assert set(native) == {"plan", "trial"}
    assert native["plan"]["id"] == body["id"] and native["plan"]["type"] == "list"
    assert native["trial"]["type"] == "boolean"


def test_list_filters_by_model_and_is_a_bare_array(cw: httpx.Client) -> None:
    for key, model in (("a", 1), ("b", 0), ("c", "contact_attribute")):
        cw.post(
            "/custom_attribute_definitions",
            json={"attribute_display_name": key, "attribute_key": key, "attribute_model": model},
        )

    def keys(**params: str) -> list[str]:
        response = cw.get("/custom_attribute_definitions", params=params)
        assert response.status_code == 200 and isinstance(response.json(), list)
        return [d["attribute_key"] for d in response.json()]

    assert keys() == ["a", "b", "c"]
    assert keys(attribute_model="contact_attribute") == keys(attribute_model="1") == ["a", "c"]
    assert keys(attribute_model="conversation_attribute") == keys(attribute_model="0") == ["b"]
    assert keys(attribute_model="nonsense") == []


def test_validation_and_missing_bodies(cw: httpx.Client) -> None:
    path = "/custom_attribute_definitions"
    bodies: list[dict[str, object]] = [{}, {"unrelated": 1}, {"custom_attribute_definition": {}}]
    for body in bodies:
        response = cw.post(path, json=body)
        assert response.status_code == 422
        assert response.json() == {
            "error": "param is missing or the value is empty: custom_attribute_definition"
        }
    blank = cw.post(path, json={"attribute_display_type": "text"})
    assert blank.json() == {
        "message": "Attribute display name can't be blank, Attribute key can't be blank",
        "attributes": ["attribute_display_name", "attribute_key"],
    }
    reserved = cw.post(
        path,
        json={
            "attribute_display_name": "E",
            "attribute_key": "email",
            "attribute_model": "contact_attribute",
        },
    )
    assert reserved.json() == {
        "message": "Attribute key The provided key is not allowed as it might conflict with "
        "default attributes.",
        "attributes": ["attribute_key"],
    }
    # a conversation attribute never meets contact attributes
    assert (
        cw.post(
            path,
            json={"attribute_display_name": "E", "attribute_key": "email", "attribute_model": 0},
        ).status_code
        == 200
    )
    first = {"attribute_display_name": "P", "attribute_key": "plan", "attribute_model": 1}
    assert cw.post(path, json=first).status_code == 200
    again = cw.post(path, json=first)
    assert again.json() == {
        "message": "Attribute key has already been taken",
        "attributes": ["attribute_key"],
    }
    # unique per model: the same key for conversations is another definition
    assert cw.post(path, json={**first, "attribute_model": 0}).status_code == 200
    wrong = cw.post(path, json={**first, "attribute_key": "p2", "attribute_display_type": 12})
    assert wrong.status_code == 422 and wrong.json()["attributes"] == ["attribute_display_type"]


def test_show_update_delete(cw: httpx.Client, tenant: Tenant) -> None:
    made = cw.post(
        "/custom_attribute_definitions",
        json={
            "attribute_display_name": "Seats",
            "attribute_key": "seats",
            "attribute_display_type": "number",
            "attribute_model": 1,
            "attribute_description": "How many",
        },
    ).json()
    path = f"/custom_attribute_definitions/{made['id']}"
    assert cw.get(path).json() == made
    contact = make_chatwoot_contact(cw, email="a@example.com", custom_attributes={"seats": "4"})
    contact_id = contact["id"]
    assert contact["custom_attributes"] == {"seats": 4}
    changed = cw.patch(
        path, json={"attribute_display_name": "Licences", "attribute_description": None}
    )
    assert changed.status_code == 200
    assert changed.json()["attribute_display_name"] == "Licences"
    assert changed.json()["attribute_description"] is None
    put = cw.put(path, json={"custom_attribute_definition": {"attribute_key": "licences"}})
    assert put.json()["attribute_key"] == "licences"
    shown = cw.get(f"/contacts/{contact_id}").json()["payload"]
    assert shown["custom_attributes"] == {"licences": 4}
    retype = cw.patch(path, json={"attribute_display_type": "text"})
    assert retype.status_code == 422 and retype.json()["attributes"] == ["attribute_display_type"]
    assert cw.patch(path, json={"attribute_display_type": 1}).status_code == 200  # unchanged
    deleted = cw.delete(path)
    assert deleted.status_code == 204 and deleted.content == b""
    assert cw.get(path).json() == {"error": "Resource could not be found"}
    assert cw.delete(path).status_code == 404
    assert cw.get(f"/contacts/{contact_id}").json()["payload"]["custom_attributes"] == {}
    assert cw.get("/custom_attribute_definitions/abc").status_code == 404


def _contact_with(cw: httpx.Client, name: str, custom: dict[str, object]) -> int:
    return int(make_chatwoot_contact(cw, name=name, custom_attributes=custom)["id"])


def test_a_definition_adopts_a_key_contacts_already_use(cw: httpx.Client, tenant: Tenant) -> None:
    contact = _contact_with(cw, "Ann", {"plan": "gold"})
    [implicit] = tenant.native.get("/fields").json()["items"]
    path = "/custom_attribute_definitions"
    wanted = {
        "attribute_display_name": "Plan",
        "attribute_key": "plan",
        "attribute_display_type": "list",
        "attribute_model": "contact_attribute",
        "attribute_values": ["gold", "silver"],
        "attribute_description": "Their plan",
    }
    adopted = cw.post(path, json=wanted)
    assert adopted.status_code == 200, adopted.text
    body = adopted.json()
    assert body["id"] == implicit["id"]
    assert (body["attribute_display_name"], body["attribute_display_type"]) == ("Plan", "list")
    assert (body["attribute_values"], body["attribute_description"]) == (
        ["gold", "silver"],
        "Their plan",
    )
    # the values stay, readable through every API
    shown = cw.get(f"/contacts/{contact}").json()["payload"]
    assert shown["custom_attributes"] == {"plan": "gold"}
    assert tenant.native.get(f"/contacts/{contact}").json()["custom_fields"] == {"plan": "gold"}
    # the field is now defined: its options hold, and a second definition is a duplicate
    refused = cw.patch(f"/contacts/{contact}", json={"custom_attributes": {"plan": "bronze"}})
    assert refused.status_code == 422, refused.text
    again = cw.post(path, json=wanted)
    assert again.json() == {
        "message": "Attribute key has already been taken",
        "attributes": ["attribute_key"],
    }
    assert [f["id"] for f in tenant.native.get("/fields").json()["items"]] == [implicit["id"]]


def test_a_definition_whose_type_the_stored_values_cannot_take_is_refused(
    cw: httpx.Client, tenant: Tenant
) -> None:
    contact = _contact_with(cw, "Ann", {"plan": "gold"})
    before = tenant.native.get("/fields").json()["items"]
    path = "/custom_attribute_definitions"
    number = {
        "attribute_display_name": "Plan",
        "attribute_key": "plan",
        "attribute_display_type": "number",
        "attribute_model": "contact_attribute",
    }
    refused = cw.post(path, json=number)
    assert refused.status_code == 422, refused.text
    assert refused.json()["attributes"] == ["attribute_display_type"]
    assert tenant.native.get("/fields").json()["items"] == before
    assert tenant.native.get(f"/contacts/{contact}").json()["custom_fields"] == {"plan": "gold"}
    # a type the values can take adopts the field; text that reads as numbers becomes numbers
    seats = _contact_with(cw, "Bob", {"seats": "12"})
    counted = cw.post(path, json={**number, "attribute_display_name": "Seats",
                                  "attribute_key": "seats"})  # fmt: skip
    assert counted.status_code == 200, counted.text
    assert counted.json()["attribute_display_type"] == "number"
    shown = cw.get(f"/contacts/{seats}").json()["payload"]
    assert shown["custom_attributes"] == {"seats": 12}

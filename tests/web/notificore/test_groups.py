"""Groups (the core's lists) through bsg-sdk's parsed calls, with their maintained counters."""

from __future__ import annotations

import pytest
from bsg_api.exceptions import UnprocessableEntityException
from bsg_api.models import (
    ContactGroupSchema,
    ContactListAttachRequest,
    ContactListCreateRequest,
    ContactListDetachRequest,
    ContactListUpdateRequest,
    StoplistAddRequest,
    StoplistRemoveRequest,
)

from tests.web.notificore.support import Notificore, json_of, raw_json
from tests.web.notificore.test_contacts import GROUP_KEYS, create, get, new_group


def test_create_answers_201_with_zero_counters(nc: Notificore) -> None:
    made = nc.groups.contact_list_create(
        ContactListCreateRequest(name="Clients", description="Paying ones", default=True)
    )
    assert made.data is not None
    group = made.data
    assert (group.name, group.description, group.default) == ("Clients", "Paying ones", True)
    assert group.items == 0 and group.stop_list_count == 0 and group.created_at is not None
    raw = json_of(nc.http.get(f"/groups/{group.id}"), 200)["data"]
    assert list(raw) == GROUP_KEYS and raw["default"] is True


def test_list_get_update_delete(nc: Notificore) -> None:
    first, second = new_group(nc, "First"), new_group(nc, "Second")
    listed = nc.groups.contact_lists(page_limit=15)
    assert [g.id for g in listed.data or []] == [first, second] and listed.total == 2
    assert nc.groups.contact_lists(page_offset=1).total == 2
    updated = nc.groups.contact_list_update(
        first, ContactListUpdateRequest(name="Renamed", description="Now described")
    )
    assert updated.data is not None
    assert (updated.data.name, updated.data.description) == ("Renamed", "Now described")
    got = nc.groups.contact_list(first)
    assert got.data is not None and got.data.name == "Renamed"
    contact = create(nc, 380661230001, groups=[ContactGroupSchema(id=first)])
    assert nc.groups.contact_list_delete(first) is None
    assert [g.id for g in nc.groups.contact_lists().data or []] == [second]
    assert get(nc, contact["id"])["groups"] == []  # the contact stays


def test_delete_answers_204_without_a_body(nc: Notificore) -> None:
    group = new_group(nc, "Short-lived")
    response = nc.groups.contact_list_delete_without_preload_content(group)
    assert response.status == 204 and response.data == b""


def test_update_changes_only_what_is_present(nc: Notificore) -> None:
    made = nc.groups.contact_list_create(
        ContactListCreateRequest(name="Keep me", description="Kept", default=True)
    )
    assert made.data is not None and made.data.id is not None
    group = made.data.id
    renamed = json_of(nc.http.put(f"/groups/{group}", json={"name": "Kept name"}), 200)["data"]
    assert renamed["description"] == "Kept" and renamed["default"] is True
    # the SDK always sends `default` (false unless set): the flag goes, as the spec says
    via_sdk = nc.groups.contact_list_update(group, ContactListUpdateRequest(name="Kept name"))
    assert via_sdk.data is not None and via_sdk.data.default is False
    cleared = json_of(nc.http.put(f"/groups/{group}", json={"description": None}), 200)["data"]
    assert cleared["description"] is None and cleared["name"] == "Kept name"


def test_one_default_group_at_a_time(nc: Notificore) -> None:
    first = nc.groups.contact_list_create(ContactListCreateRequest(name="One", default=True))
    second = nc.groups.contact_list_create(ContactListCreateRequest(name="Two", default=True))
    flags = {g.id: g.default for g in nc.groups.contact_lists().data or []}
    assert flags == {first.data.id: False, second.data.id: True}  # type: ignore[union-attr]


def test_attach_and_detach_move_membership_and_counters(nc: Notificore) -> None:
    a, b = new_group(nc, "Group A"), new_group(nc, "Group B")
    people = [create(nc, 380661230010 + n)["id"] for n in range(3)]
    assert (
        nc.groups.contact_list_attach(ContactListAttachRequest(contacts=people, groups=[a, b]))
        == {}
    )
    again = nc.groups.contact_list_attach_without_preload_content(
        ContactListAttachRequest(contacts=people[:1], groups=[a])
    )
    assert raw_json(again, 200) == {}  # idempotent
    counts = {g.id: g.items for g in nc.groups.contact_lists().data or []}
    assert counts == {a: 3, b: 3}
    nc.groups.contact_list_detach(ContactListDetachRequest(contacts=people[1:], groups=[b]))
    counts = {g.id: g.items for g in nc.groups.contact_lists().data or []}
    assert counts == {a: 3, b: 1}
    assert [g["id"] for g in get(nc, people[0])["groups"]] == [a, b]


def test_stop_list_count_follows_the_stop_list(nc: Notificore) -> None:
    a, b = new_group(nc, "Stops A"), new_group(nc, "Stops B")
    create(nc, 380661230020, groups=[ContactGroupSchema(id=a), ContactGroupSchema(id=b)])
    create(nc, 380661230021, groups=[ContactGroupSchema(id=a)])
    added = nc.stoplist.stoplist_add(
        StoplistAddRequest(phones=[380661230020, 380661230021], types=["sms", "rcs"])
    )
    counts = {g.id: g.stop_list_count for g in nc.groups.contact_lists().data or []}
    assert counts == {a: 2, b: 1}
    first = added.data[0].id  # type: ignore[index]
    nc.stoplist.stoplist_remove(StoplistRemoveRequest(ids=[first], types=["sms"]))
    counts = {g.id: g.stop_list_count for g in nc.groups.contact_lists().data or []}
    assert counts == {a: 1, b: 0}  # rcs alone does not count


def test_duplicate_name_is_the_documented_422(nc: Notificore) -> None:
    new_group(nc, "Twins")
    with pytest.raises(UnprocessableEntityException) as caught:
        nc.groups.contact_list_create(ContactListCreateRequest(name="twins"))
    assert caught.value.data is not None
    assert caught.value.data.message == "Contact group is already exists"
    other = new_group(nc, "Other")
    with pytest.raises(UnprocessableEntityException) as caught:
        nc.groups.contact_list_update(other, ContactListUpdateRequest(name="Twins"))
    assert caught.value.data.message == "Contact group is already exists"  # type: ignore[union-attr]


def test_unknown_groups_are_the_documented_422(nc: Notificore, other_nc: Notificore) -> None:
    theirs = new_group(other_nc, "Theirs")
    for group in (theirs, 987654321):
        with pytest.raises(UnprocessableEntityException) as caught:
            nc.groups.contact_list_update(group, ContactListUpdateRequest(name="Mine"))
        assert caught.value.data.message == "Contact group is not found"  # type: ignore[union-attr]
        for method in ("get", "delete"):
            response = nc.http.request(method, f"/groups/{group}")
            assert json_of(response, 422) == {"message": "Contact group is not found", "errors": []}
    contact = create(nc, 380661230030)
    body = {"contacts": [contact["id"]], "groups": [theirs]}
    assert json_of(nc.http.post("/groups/attach", json=body), 422)["message"] == (
        "Contact group is not found"
    )
    mine = new_group(nc, "Mine")
    theirs_contact = create(other_nc, 380661230031)["id"]
    body = {"contacts": [theirs_contact], "groups": [mine]}
    assert json_of(nc.http.post("/groups/detach", json=body), 422) == {
        "message": "Invalid contact id",
        "errors": [],
    }
    assert other_nc.groups.contact_list(theirs).data.name == "Theirs"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"name": "ab"}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"description": "only"}, "name"),
        ({"name": "Fine", "description": "d" * 256}, "description"),
        ({"name": "Fine", "default": 0}, "default"),
        ({"name": 123}, "name"),
    ],
)
def test_bad_groups_are_validation_errors(nc: Notificore, body: dict, key: str) -> None:
    response = json_of(nc.http.post("/groups", json=body), 422)
    assert response["message"] == "The given data was invalid."
    assert list(response["errors"]) == [key]
    assert nc.groups.contact_lists().total == 0


@pytest.mark.parametrize(
    "body",
    [
        {"contacts": [], "groups": [1]},
        {"contacts": [1], "groups": []},
        {"contacts": list(range(1, 202)), "groups": [1]},
        {"contacts": [0], "groups": [1]},
    ],
)
def test_bad_membership_bodies(nc: Notificore, body: dict) -> None:
    assert json_of(nc.http.post("/groups/attach", json=body), 422)["errors"]


def test_empty_description_is_stored_as_null(nc: Notificore) -> None:
    made = json_of(nc.http.post("/groups", json={"name": "Blank", "description": ""}), 201)
    assert made["data"]["description"] is None

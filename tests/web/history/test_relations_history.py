"""Writes to many contacts at once (memberships, tags, the stop list, field definitions) record
each contact they change exactly once, set-based: the statements such a write sends do not
grow with the number of contacts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.support.factories import Tenant, make_contact, make_contacts, make_list
from tests.support.live import LiveServer
from tests.web.chatwoot.conftest import chatwoot_http
from tests.web.history.support import history, version_of
from tests.web.test_query_counts import StatementCounter


@pytest.fixture
def cw(tenant: Tenant) -> Iterator[httpx.Client]:
    with chatwoot_http(tenant.server, tenant) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> httpx.Response:
    assert response.status_code == status, response.text
    return response


def last_changes(tenant: Tenant, contact_id: int) -> dict[str, object]:
    changes: dict[str, object] = history(tenant, contact_id)[-1]["changes"]
    return changes


def counted(server: LiveServer, write: Callable[[], object]) -> int:
    with StatementCounter(server) as counter:
        write()
    return len(counter.statements)


def test_bulk_membership_records_each_contact_once_set_based(
    tenant: Tenant, server: LiveServer
) -> None:
    small = make_contacts(tenant.native, *({"name": f"s{n}"} for n in range(3)))
    large = make_contacts(tenant.native, *({"name": f"l{n}"} for n in range(30)))
    a, b = make_list(tenant.native, "Bulk A"), make_list(tenant.native, "Bulk B")
    few = counted(
        server, lambda: ok(tenant.native.post(f"/lists/{a}/members", json={"contact_ids": small}))
    )
    many = counted(
        server, lambda: ok(tenant.native.post(f"/lists/{b}/members", json={"contact_ids": large}))
    )
    assert few == many
    for cid in small:
        assert [r["version"] for r in history(tenant, cid)] == [1, 2]
        assert last_changes(tenant, cid) == {"lists": {"from": None, "to": [a]}}
    for cid in large:
        assert [r["version"] for r in history(tenant, cid)] == [1, 2]
        assert last_changes(tenant, cid) == {"lists": {"from": None, "to": [b]}}
    # Again, with one newcomer: only the newcomer is written and recorded.
    both = ok(tenant.native.post(f"/lists/{a}/members", json={"contact_ids": [*small, large[0]]}))
    assert both.json()["added"] == 1
    assert [r["version"] for r in history(tenant, small[0])] == [1, 2]
    assert last_changes(tenant, large[0]) == {"lists": {"from": [b], "to": sorted([a, b])}}
    removed = ok(tenant.native.post(f"/lists/{a}/members/remove", json={"contact_ids": small}))
    assert removed.json()["removed"] == 3
    for cid in small:
        assert last_changes(tenant, cid) == {"lists": {"from": [a], "to": None}}
        assert version_of(tenant, cid) == 3
    ok(tenant.native.delete(f"/lists/{a}/members/{small[0]}"), 204)  # not a member: no-op
    assert version_of(tenant, small[0]) == 3


def test_deleting_a_list_records_each_former_member(tenant: Tenant) -> None:
    keep, gone = make_list(tenant.native, "Keep"), make_list(tenant.native, "Gone")
    members = make_contacts(
        tenant.native, {"name": "m1", "lists": [keep, gone]}, {"name": "m2", "lists": [gone]}
    )
    outsider = make_contact(tenant.native, name="out", lists=[keep])["id"]
    ok(tenant.native.delete(f"/lists/{gone}"), 204)
    assert last_changes(tenant, members[0]) == {
        "lists": {"from": sorted([keep, gone]), "to": [keep]}
    }
    assert last_changes(tenant, members[1]) == {"lists": {"from": [gone], "to": None}}
    assert [version_of(tenant, cid) for cid in members] == [2, 2]
    assert [r["version"] for r in history(tenant, outsider)] == [1]


def test_renaming_recolouring_and_deleting_a_tag_record_its_carriers(
    tenant: Tenant, server: LiveServer
) -> None:
    carriers = make_contacts(
        tenant.native, *({"name": f"t{n}", "tags": ["old", "x"]} for n in range(4))
    )
    bystander = make_contact(tenant.native, name="b", tags=["x"])["id"]
    ok(tenant.native.patch("/tags/old", json={"name": "new"}))
    for cid in carriers:
        assert last_changes(tenant, cid) == {"tags": {"from": ["old", "x"], "to": ["new", "x"]}}
    ok(tenant.native.patch("/tags/new", json={"name": "new"}))  # no-op
    assert [version_of(tenant, cid) for cid in carriers] == [2] * 4
    # A colour is shown with the contact: its version moves, and the record says so.
    ok(tenant.native.patch("/tags/new", json={"color": "#112233"}))
    for cid in carriers:
        records = history(tenant, cid)
        assert [r["version"] for r in records] == [1, 2, 3] and records[-1]["changes"] == {}
    ok(tenant.native.delete("/tags/new"), 204)
    for cid in carriers:
        assert last_changes(tenant, cid) == {"tags": {"from": ["new", "x"], "to": ["x"]}}
        assert version_of(tenant, cid) == 4
    assert [r["version"] for r in history(tenant, bystander)] == [1]
    # Deleting a tag of many carriers costs what deleting one of a few does.
    few = make_contacts(tenant.native, *({"name": f"f{n}", "tags": ["few"]} for n in range(2)))
    make_contacts(tenant.native, *({"name": f"g{n}", "tags": ["lots"]} for n in range(25)))
    assert counted(server, lambda: ok(tenant.native.delete("/tags/few"), 204)) == counted(
        server, lambda: ok(tenant.native.delete("/tags/lots"), 204)
    )
    assert last_changes(tenant, few[0]) == {"tags": {"from": ["few"], "to": None}}


def test_stop_list_changes_record_the_contact_holding_the_phone(tenant: Tenant) -> None:
    held = make_contacts(tenant.native, {"phone": "+380661120001"}, {"phone": "+380661120002"})
    stop = {"phones": ["+380661120001", "+380661120002", "+380661120003"], "channels": ["sms"]}
    ok(tenant.native.post("/stoplist", json=stop))
    for cid in held:
        assert last_changes(tenant, cid) == {"stoplist": {"from": None, "to": ["sms"]}}
        assert version_of(tenant, cid) == 2
    ok(tenant.native.post("/stoplist", json=stop))  # already stopped: no-op
    assert [version_of(tenant, cid) for cid in held] == [2, 2]
    ok(tenant.native.post("/stoplist", json={"phones": ["+380661120001"], "channels": ["viber"]}))
    assert last_changes(tenant, held[0]) == {"stoplist": {"from": ["sms"], "to": ["sms", "viber"]}}
    release = {"phones": ["+380661120001", "+380661120002"], "channels": ["sms", "viber"]}
    ok(tenant.native.post("/stoplist/remove", json=release))
    assert last_changes(tenant, held[0]) == {"stoplist": {"from": ["sms", "viber"], "to": None}}
    assert last_changes(tenant, held[1]) == {"stoplist": {"from": ["sms"], "to": None}}
    assert [version_of(tenant, cid) for cid in held] == [4, 3]
    assert all(r["source"] == "native" for cid in held for r in history(tenant, cid))


def test_stop_list_changes_are_set_based(tenant: Tenant, server: LiveServer) -> None:
    phones = [f"+3806611300{n:02d}" for n in range(24)]
    held = make_contacts(tenant.native, *({"phone": p} for p in phones))

    def stop(some: list[str]) -> None:
        ok(tenant.native.post("/stoplist", json={"phones": some, "channels": ["sms"]}))

    assert counted(server, lambda: stop(phones[:2])) == counted(server, lambda: stop(phones[2:]))
    assert all(version_of(tenant, cid) == 2 for cid in held)


def test_deleting_fields_records_each_holder_once(tenant: Tenant) -> None:
    for key in ("aa", "bb"):
        ok(tenant.native.post("/fields", json={"name": key, "key": key, "type": "text"}), 201)
    ids = {f["key"]: f["id"] for f in tenant.native.get("/fields").json()["items"]}
    both = make_contact(tenant.native, name="both", custom_fields={"aa": "1", "bb": "2"})["id"]
    one = make_contact(tenant.native, name="one", custom_fields={"bb": "3"})["id"]
    none = make_contact(tenant.native, name="none")["id"]
    with httpx.Client(base_url=tenant.server.url + "/api", timeout=30) as raw:
        token = raw.post("/auth/login", json={"api_key": tenant.api_key}).json()["bearer"]
        ok(
            raw.post(
                "/contacts/fields/delete",
                json={"ids": [ids["aa"], ids["bb"]]},
                headers={"Authorization": f"Bearer {token}"},
            ),
            204,
        )
    assert [r["version"] for r in history(tenant, both)] == [1, 2]
    assert last_changes(tenant, both) == {
        "custom_fields.aa": {"from": "1", "to": None},
        "custom_fields.bb": {"from": "2", "to": None},
    }
    assert last_changes(tenant, one) == {"custom_fields.bb": {"from": "3", "to": None}}
    assert last_changes(tenant, both)["custom_fields.aa"] and version_of(tenant, both) == 2
    assert [r["version"] for r in history(tenant, none)] == [1]
    assert history(tenant, one)[-1]["source"] == "notificore"


def test_a_new_field_key_renames_the_value_in_each_holder(tenant: Tenant) -> None:
    made = ok(tenant.native.post("/fields", json={"name": "Tier", "key": "tier"}), 201)
    holder = make_contact(tenant.native, name="h", custom_fields={"tier": "gold"})["id"]
    other = make_contact(tenant.native, name="o")["id"]
    ok(tenant.native.patch(f"/fields/{made.json()['id']}", json={"name": "Level"}))
    assert version_of(tenant, holder) == 1  # the name is no contact's value
    ok(tenant.native.patch(f"/fields/{made.json()['id']}", json={"key": "level"}))
    assert last_changes(tenant, holder) == {
        "custom_fields.tier": {"from": "gold", "to": None},
        "custom_fields.level": {"from": None, "to": "gold"},
    }
    assert version_of(tenant, holder) == 2
    assert [r["version"] for r in history(tenant, other)] == [1]


def test_adopting_an_implicit_field_records_converted_values(
    tenant: Tenant, cw: httpx.Client
) -> None:
    made = ok(cw.post("/contacts", json={"name": "S", "custom_attributes": {"seats": "12"}}))
    cid = made.json()["payload"]["contact"]["id"]
    other = ok(cw.post("/contacts", json={"name": "T", "custom_attributes": {"plan": "x"}}))
    unchanged = other.json()["payload"]["contact"]["id"]
    ok(tenant.native.post("/fields", json={"name": "Seats", "key": "seats", "type": "number"}), 201)
    assert last_changes(tenant, cid) == {"custom_fields.seats": {"from": "12", "to": 12}}
    assert version_of(tenant, cid) == 2
    assert [r["version"] for r in history(tenant, unchanged)] == [1]

"""Native lists, fields, tags, stop list, account, keys and inboxes over HTTP."""

from __future__ import annotations

from tests.support.factories import Tenant, make_contact, make_contacts, make_list
from tests.support.jobs import wait_for_job


def test_lists_crud_and_members(tenant: Tenant) -> None:
    native = tenant.native
    made = native.post("/lists", json={"name": "Clients", "description": "Paying"})
    assert made.status_code == 201
    list_id = made.json()["id"]
    assert made.json()["items"] == 0 and made.json()["is_default"] is False
    ids = make_contacts(native, *({"name": f"c{n}"} for n in range(3)))
    added = native.post(f"/lists/{list_id}/members", json={"contact_ids": ids})
    assert added.json()["added"] == 3 and added.json()["list"]["items"] == 3
    again = native.post(f"/lists/{list_id}/members", json={"contact_ids": ids})
    assert again.json()["added"] == 0
    assert native.get(f"/contacts/{ids[0]}").json()["lists"] == [list_id]
    removed = native.post(f"/lists/{list_id}/members/remove", json={"contact_ids": ids[:2]})
    assert removed.json()["removed"] == 2 and removed.json()["list"]["items"] == 1
    assert native.delete(f"/lists/{list_id}/members/{ids[2]}").status_code == 204
    patched = native.patch(f"/lists/{list_id}", json={"description": None, "is_default": True})
    assert patched.json()["description"] is None and patched.json()["is_default"] is True
    other = native.post("/lists", json={"name": "Other", "is_default": True}).json()
    assert other["is_default"] is True
    assert native.get(f"/lists/{list_id}").json()["is_default"] is False  # one default
    listing = native.get("/lists").json()
    assert listing["total"] == 2 and [i["name"] for i in listing["items"]] == ["Clients", "Other"]
    assert native.delete(f"/lists/{list_id}").status_code == 204
    assert native.get(f"/lists/{list_id}").status_code == 404
    assert native.get(f"/contacts/{ids[0]}").status_code == 200


def test_list_names_are_unique_ignoring_case_and_checked(tenant: Tenant) -> None:
    assert tenant.native.post("/lists", json={"name": "Leads"}).status_code == 201
    dup = tenant.native.post("/lists", json={"name": "LEADS"})
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_list"
    short = tenant.native.post("/lists", json={"name": "ab"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "name"


def test_members_of_unknown_ids_change_nothing(tenant: Tenant) -> None:
    list_id = make_list(tenant.native, "Clients")
    contact = make_contact(tenant.native, name="c")["id"]
    response = tenant.native.post(
        f"/lists/{list_id}/members", json={"contact_ids": [contact, 999_999_999]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contacts.1"
    assert tenant.native.get(f"/lists/{list_id}").json()["items"] == 0


def test_fields_crud(tenant: Tenant) -> None:
    native = tenant.native
    made = native.post("/fields", json={"name": "Favourite Colour", "type": "list",
                                         "options": ["red", "blue"]})  # fmt: skip
    assert made.status_code == 201
    field = made.json()
    assert field["key"] == "favourite_colour" and field["type"] == "list"
    contact = make_contact(native, custom_fields={"favourite_colour": "red"})
    bad = native.patch(f"/contacts/{contact['id']}",
                       json={"custom_fields": {"favourite_colour": "green"}})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "custom_fields.favourite_colour"
    renamed = native.patch(f"/fields/{field['id']}", json={"key": "colour", "name": "Colour"})
    assert renamed.json()["key"] == "colour"
    assert native.get(f"/contacts/{contact['id']}").json()["custom_fields"] == {"colour": "red"}
    assert native.post("/fields", json={"name": "x", "key": "colour"}).status_code == 409
    assert native.post("/fields", json={"name": "Phone"}).status_code == 422  # reserved
    assert native.delete(f"/fields/{field['id']}").status_code == 204
    assert native.get(f"/contacts/{contact['id']}").json()["custom_fields"] == {}
    assert native.get(f"/fields/{field['id']}").status_code == 404


def test_unknown_custom_field_is_refused(tenant: Tenant) -> None:
    response = tenant.native.post("/contacts", json={"custom_fields": {"nosuch": 1}})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "custom_fields.nosuch", "code": "unknown_field",
        "message": "No custom field 'nosuch'.",
    }  # fmt: skip


def test_tags_rename_recolour_delete(tenant: Tenant) -> None:
    native = tenant.native
    contact = make_contact(native, tags=["lead"])
    renamed = native.patch("/tags/LEAD", json={"name": "Lead", "color": "#ff0000"})
    assert renamed.json() == {"name": "Lead", "color": "#ff0000", "contacts": 1}
    assert native.get(f"/contacts/{contact['id']}").json()["tags"] == ["Lead"]
    assert native.delete("/tags/lead").status_code == 204
    assert native.get(f"/contacts/{contact['id']}").json()["tags"] == []
    assert native.delete("/tags/lead").status_code == 404


def test_stoplist_moves_list_counters(ua_tenant: Tenant) -> None:
    native = ua_tenant.native
    list_id = make_list(native, "Clients")
    make_contact(native, phone="0501234567", lists=[list_id])
    stopped = native.post("/stoplist", json={"phones": ["+380501234567", 380671112233],
                                              "channels": ["sms", "viber"]})  # fmt: skip
    assert stopped.status_code == 200
    entries = stopped.json()["items"]
    assert [e["phone"] for e in entries] == ["+380501234567", "+380671112233"]
    assert entries[0]["channels"] == ["sms", "viber"]
    assert native.get(f"/lists/{list_id}").json()["stop_list_count"] == 1
    listing = native.get("/stoplist", params={"channel": "viber"}).json()
    assert listing["total"] == 2
    assert native.get("/stoplist", params={"list_id": list_id}).json()["total"] == 1
    native.post("/stoplist/remove", json={"phones": ["0501234567"], "channels": ["sms"]})
    assert native.get(f"/lists/{list_id}").json()["stop_list_count"] == 1  # still on viber
    assert native.delete(f"/stoplist/{entries[0]['id']}").status_code == 204
    assert native.get(f"/lists/{list_id}").json()["stop_list_count"] == 0
    assert native.delete(f"/stoplist/{entries[0]['id']}").status_code == 404
    bad = native.post("/stoplist", json={"phones": ["+380501234567", "call me"],
                                          "channels": ["sms"]})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "phones.1"
    assert native.get("/stoplist").json()["total"] == 1  # nothing changed


def test_account_keys_and_inboxes(tenant: Tenant) -> None:
    native = tenant.native
    make_contact(native, phone="+447700900123")
    account = native.get("/account").json()
    assert account["id"] == tenant.account_id
    assert (account["contacts"], account["contacts_with_phone"]) == (1, 1)
    key = native.post("/keys", json={"name": "reader", "scopes": ["read"]})
    assert key.status_code == 201
    secret = key.json()["api_key"]
    reader = {"Authorization": f"Bearer {secret}"}
    assert native.get("/contacts", headers=reader).status_code == 200
    denied = native.post("/contacts", json={}, headers=reader)
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    assert secret not in str(native.get("/keys").json())
    assert native.delete(f"/keys/{key.json()['id']}").status_code == 204
    assert native.get("/contacts", headers=reader).status_code == 401
    inbox = native.post("/inboxes", json={"name": "Website"})
    assert inbox.status_code == 201 and inbox.json()["channel_type"] == "api"
    assert [i["name"] for i in native.get("/inboxes").json()["items"]] == ["Website"]
    assert native.post("/inboxes", json={"name": "X", "channel_type": "pigeon"}).status_code == 422


def test_a_key_mints_only_keys_with_scopes_it_holds(tenant: Tenant) -> None:
    native = tenant.native
    made = native.post("/keys", json={"name": "keeper", "scopes": ["admin", "read"]})
    assert made.status_code == 201, made.text
    keeper = {"Authorization": f"Bearer {made.json()['api_key']}"}
    for wanted in (["write"], ["read", "write"], ["admin", "read", "write"]):
        refused = native.post("/keys", json={"scopes": wanted}, headers=keeper)
        assert refused.status_code == 403, wanted
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "forbidden"
    names = [k["name"] for k in native.get("/keys").json()["items"]]
    assert names == ["initial", "keeper"]  # nothing was issued
    for allowed in (["read"], ["admin"], ["admin", "read"]):
        assert native.post("/keys", json={"scopes": allowed}, headers=keeper).status_code == 201


def test_a_field_adopts_a_key_an_import_defined(tenant: Tenant) -> None:
    native = tenant.native
    started = native.post(
        "/imports",
        content=b"phone,name,plan,seats\n+380661000001,Ann,gold,12\n",
        headers={"content-type": "text/csv"},
    )
    assert started.status_code == 202, started.text
    assert wait_for_job(native, f"/imports/{started.json()['id']}")["state"] == "succeeded"
    implicit = {f["key"]: f["id"] for f in native.get("/fields").json()["items"]}
    [contact] = native.get("/contacts").json()["items"]
    # a type the stored values cannot take is refused, naming the type, and changes nothing
    wrong = native.post("/fields", json={"name": "Plan", "key": "plan", "type": "number"})
    assert wrong.status_code == 422, wrong.text
    assert [e["field"] for e in wrong.json()["errors"]] == ["type"]
    made = native.post("/fields", json={"name": "Plan", "key": "plan", "type": "list",
                                         "options": ["gold", "silver"]})  # fmt: skip
    assert made.status_code == 201, made.text
    assert (made.json()["id"], made.json()["type"]) == (implicit["plan"], "list")
    seats = native.post("/fields", json={"name": "Seats", "type": "number"})
    assert seats.status_code == 201, seats.text
    assert seats.json()["id"] == implicit["seats"]
    shown = native.get(f"/contacts/{contact['id']}").json()
    assert shown["custom_fields"] == {"plan": "gold", "seats": 12}
    assert native.post("/fields", json={"name": "Plan", "key": "plan"}).status_code == 409

"""Native contacts over HTTP: create, read with ETag, PATCH/PUT semantics, If-Match, delete."""

from __future__ import annotations

from tests.support.factories import Tenant, make_contact


def test_create_normalises_and_returns_everything(ua_tenant: Tenant) -> None:
    response = ua_tenant.native.post(
        "/contacts",
        json={"phone": "066 123-45-67", "email": "Taras@Example.COM", "name": "Taras",
              "external_id": "user-1", "company": "ACME", "city": "Kyiv", "country_code": "ua",
              "blocked": True, "first_seen": "2024-01-02T03:04:05Z", "device": {"ip": "1.2.3.4"},
              "additional_attributes": {"vip": True}},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body["phone"] == "+380661234567"
    assert body["phone_info"] == {"region": "UA", "type": "mobile", "valid": True}
    assert body["email"] == "taras@example.com"
    assert body["country_code"] == "UA"
    assert body["blocked"] is True and body["unsubscribed"] is False
    assert body["first_seen"] == "2024-01-02T03:04:05Z"
    assert body["device"] == {"ip": "1.2.3.4"}
    assert body["additional_attributes"] == {"vip": True}
    assert body["hlr_status"] == "unknown" and body["hlr_last_check"] is None
    assert body["version"] == 1
    assert body["custom_fields"] == {} and body["tags"] == [] and body["lists"] == []


def test_possible_numbers_outside_the_plan_are_kept_and_flagged(tenant: Tenant) -> None:
    body = make_contact(tenant.native, phone="+10233456781")
    assert body["phone"] == "+10233456781"
    assert body["phone_info"]["valid"] is False


def test_read_returns_etag_of_the_version(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    read = tenant.native.get(f"/contacts/{made['id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == made


def test_patch_changes_only_what_is_given_and_null_clears(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A", email="a@example.com", company="ACME", tags=["x"])
    response = tenant.native.patch(
        f"/contacts/{made['id']}", json={"company": None, "city": "Lviv"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["company"] is None and body["city"] == "Lviv"
    assert body["name"] == "A" and body["email"] == "a@example.com" and body["tags"] == ["x"]
    assert body["version"] == 2 and response.headers["etag"] == '"2"'


def test_put_replaces_the_whole_contact(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A", email="a@example.com", tags=["x"], notes="keep?")
    response = tenant.native.put(f"/contacts/{made['id']}", json={"name": "B"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "B"
    assert body["email"] is None and body["notes"] is None and body["tags"] == []


def test_custom_fields_merge_on_patch_and_replace_on_put(tenant: Tenant) -> None:
    for name, kind in (("Plan", "text"), ("Seats", "number")):
        assert tenant.native.post("/fields", json={"name": name, "type": kind}).status_code == 201
    made = make_contact(tenant.native, custom_fields={"plan": "gold", "seats": "3"})
    assert made["custom_fields"] == {"plan": "gold", "seats": 3}
    patched = tenant.native.patch(f"/contacts/{made['id']}", json={"custom_fields": {"seats": 5}})
    assert patched.json()["custom_fields"] == {"plan": "gold", "seats": 5}
    removed = tenant.native.patch(f"/contacts/{made['id']}", json={"custom_fields": {"plan": None}})
    assert removed.json()["custom_fields"] == {"seats": 5}
    replaced = tenant.native.put(f"/contacts/{made['id']}", json={"custom_fields": {"plan": "x"}})
    assert replaced.json()["custom_fields"] == {"plan": "x"}


def test_if_match_guards_writes(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    url = f"/contacts/{made['id']}"
    ok = tenant.native.patch(url, json={"name": "B"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200
    stale = tenant.native.patch(url, json={"name": "C"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["code"] == "precondition_failed"
    assert tenant.native.get(url).json()["name"] == "B"
    assert tenant.native.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    assert tenant.native.delete(url, headers={"If-Match": '"2"'}).status_code == 204
    assert tenant.native.get(url).status_code == 404


def test_if_match_star_and_garbage(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    url = f"/contacts/{made['id']}"
    assert (
        tenant.native.patch(url, json={"name": "B"}, headers={"If-Match": "*"}).status_code == 200
    )
    # No entity tag at all: a condition that matches nothing, not a validation error.
    bad = tenant.native.patch(url, json={"name": "C"}, headers={"If-Match": "yesterday"})
    assert bad.status_code == 412
    assert bad.headers["etag"] == '"2"'


def test_duplicates_conflict_with_the_field_named(tenant: Tenant) -> None:
    first = make_contact(
        tenant.native, phone="+447700900001", email="dup@example.com", external_id="e-1"
    )
    response = tenant.native.post(
        "/contacts", json={"phone": "+44 7700 900001", "email": "DUP@example.com"}
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "duplicate_contact"
    assert {e["field"] for e in problem["errors"]} == {"phone", "email"}
    assert problem["existing_id"] == first["id"]
    other = make_contact(tenant.native, name="other")
    clash = tenant.native.patch(f"/contacts/{other['id']}", json={"external_id": "e-1"})
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "external_id"


def test_updating_a_contact_to_its_own_values_is_no_conflict(tenant: Tenant) -> None:
    made = make_contact(tenant.native, phone="+447700900002", email="self@example.com")
    response = tenant.native.patch(
        f"/contacts/{made['id']}", json={"phone": "07700 900002", "email": "SELF@example.com"}
    )
    # No default region: the national form cannot be read, so it is refused, naming phone.
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phone"
    same = tenant.native.patch(f"/contacts/{made['id']}", json={"phone": "+447700900002"})
    assert same.status_code == 200


def test_lookup_by_phone_email_and_external_id(ua_tenant: Tenant) -> None:
    made = make_contact(
        ua_tenant.native, phone="+380501112233", email="look@example.com", external_id="X-9"
    )
    for params in ({"phone": "050 111 22 33"}, {"email": "LOOK@example.com"},
                   {"external_id": "X-9"}):  # fmt: skip
        found = ua_tenant.native.get("/contacts/lookup", params=params)
        assert found.status_code == 200, params
        assert found.json()["id"] == made["id"]
    assert (
        ua_tenant.native.get("/contacts/lookup", params={"external_id": "x-9"}).status_code == 404
    )
    assert ua_tenant.native.get("/contacts/lookup").status_code == 422


def test_tags_on_a_contact(tenant: Tenant) -> None:
    made = make_contact(tenant.native, tags=["VIP"])
    added = tenant.native.post(f"/contacts/{made['id']}/tags", json={"tags": ["vip", "Lead"]})
    assert added.json()["tags"] == ["VIP", "Lead"]
    removed = tenant.native.delete(f"/contacts/{made['id']}/tags/vip")
    assert removed.json()["tags"] == ["Lead"]
    listed = tenant.native.get("/tags").json()["items"]
    assert {t["name"]: t["contacts"] for t in listed} == {"Lead": 1, "VIP": 0}
    assert all(t["color"] == "#c377e0" for t in listed)


def test_merge_folds_a_contact_into_another(tenant: Tenant, other_tenant: Tenant) -> None:
    base = make_contact(tenant.native, email="base@example.com", tags=["kept"])
    mergee = make_contact(tenant.native, phone="+447700900123", email="other@example.com",
                          tags=["gone"], custom_fields={}, company="ACME")  # fmt: skip
    response = tenant.native.post(f"/contacts/{base['id']}/merge", json={"mergee_id": mergee["id"]})
    assert response.status_code == 200
    merged = response.json()
    assert (merged["id"], merged["email"], merged["phone"], merged["company"]) == (
        base["id"], "base@example.com", "+447700900123", "ACME"
    )  # fmt: skip
    assert merged["tags"] == ["kept"] and merged["version"] > base["version"]
    assert tenant.native.get(f"/contacts/{mergee['id']}").status_code == 404
    theirs = make_contact(other_tenant.native, name="theirs")
    for path, body in (
        (f"/contacts/{base['id']}/merge", {"mergee_id": theirs["id"]}),
        (f"/contacts/{theirs['id']}/merge", {"mergee_id": base["id"]}),
        (f"/contacts/{base['id']}/merge", {"mergee_id": mergee["id"]}),
    ):
        missing = tenant.native.post(path, json=body)
        assert missing.status_code == 404 and missing.json()["code"] == "contact_not_found"
    assert tenant.native.post(f"/contacts/{base['id']}/merge", json={}).status_code == 422


def test_batch_patch_changes_several_contacts_or_none(tenant: Tenant) -> None:
    a = make_contact(tenant.native, name="A", email="a@example.com")
    b = make_contact(tenant.native, name="B")
    response = tenant.native.patch(
        "/contacts",
        json={"items": [{"id": b["id"], "company": "ACME"}, {"id": a["id"], "name": "A2"}]},
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(c["id"], c["name"], c["company"]) for c in items] == [
        (b["id"], "B", "ACME"), (a["id"], "A2", None)
    ]  # fmt: skip
    failed = tenant.native.patch(
        "/contacts",
        json={"items": [{"id": a["id"], "name": "A3"}, {"id": b["id"], "email": "a@example.com"}]},
    )
    assert failed.status_code == 409
    assert failed.json()["errors"][0]["field"] == "items.1.email"
    invalid = tenant.native.patch(
        "/contacts", json={"items": [{"id": a["id"], "name": "A3"}, {"id": b["id"], "email": "x"}]}
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "items.1.email"
    assert tenant.native.get(f"/contacts/{a['id']}").json()["name"] == "A2"
    missing = tenant.native.patch("/contacts", json={"items": [{"id": 999_999_999, "name": "x"}]})
    assert missing.status_code == 404

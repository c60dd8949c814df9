"""History over HTTP: each write through the native API is one record with its field diffs."""

from __future__ import annotations

from tests.support.factories import Tenant, make_contact


def test_create_and_update_are_recorded_newest_first(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A", email="a@example.com", tags=["x"])
    changed = tenant.native.patch(
        f"/contacts/{made['id']}", json={"name": "B", "email": None},
        headers={"X-Request-Id": "req-42"},
    )  # fmt: skip
    assert changed.status_code == 200
    assert changed.headers["x-request-id"] == "req-42"
    history = tenant.native.get(f"/contacts/{made['id']}/history")
    assert history.status_code == 200
    items = history.json()["items"]
    assert [item["action"] for item in items] == ["updated", "created"]
    assert [item["version"] for item in items] == [2, 1]
    assert items[0]["changes"] == {
        "name": {"from": "A", "to": "B"},
        "email": {"from": "a@example.com", "to": None},
    }
    assert items[0]["source"] == "native" and items[0]["request_id"] == "req-42"
    assert items[0]["actor"]["type"] == "api_key"
    assert items[1]["changes"]["tags"] == {"from": None, "to": ["x"]}
    assert history.json()["next_cursor"] is None


def test_a_write_that_changes_nothing_records_nothing(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A", tags=["x"])
    again = tenant.native.patch(f"/contacts/{made['id']}", json={"name": "A", "tags": ["x"]})
    assert again.status_code == 200 and again.json()["version"] == 1
    assert again.headers["etag"] == '"1"'
    items = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert [item["action"] for item in items] == ["created"]


def test_a_tag_alone_moves_the_version_once_and_is_recorded(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    tagged = tenant.native.patch(f"/contacts/{made['id']}", json={"tags": ["vip"]})
    assert tagged.json()["version"] == 2
    items = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert items[0]["version"] == 2
    assert items[0]["changes"] == {"tags": {"from": None, "to": ["vip"]}}


def test_history_pages_with_a_cursor(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="v1")
    for n in range(2, 6):
        tenant.native.patch(f"/contacts/{made['id']}", json={"name": f"v{n}"})
    first = tenant.native.get(f"/contacts/{made['id']}/history", params={"limit": 2}).json()
    assert [item["version"] for item in first["items"]] == [5, 4]
    second = tenant.native.get(
        f"/contacts/{made['id']}/history", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [item["version"] for item in second["items"]] == [3, 2]


def test_another_accounts_contact_has_no_history(tenant: Tenant, other_tenant: Tenant) -> None:
    made = make_contact(other_tenant.native, name="theirs")
    assert tenant.native.get(f"/contacts/{made['id']}/history").status_code == 404
    assert tenant.native.get("/contacts/999999999/history").status_code == 404

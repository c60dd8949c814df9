"""HelpCrunch batch update: PUT /customers/batch, 1 to 10 partial updates, all or nothing."""

from __future__ import annotations

import httpx

from tests.support.factories import Tenant, make_customer
from tests.web.helpcrunch.conftest import codes_of, define, errors_of


def test_batch_updates_each_customer_like_patch_in_input_order(hc: httpx.Client) -> None:
    a = make_customer(hc, name="A", email="a@example.com")
    b = make_customer(hc, name="B", company="ACME")
    response = hc.put(
        "/customers/batch",
        json=[{"customer": b["id"], "phone": "+442079460958", "city": "London"},
              {"customer": str(a["id"]), "name": "A2"}],
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["id"] for c in body] == [b["id"], a["id"]]
    assert body[0]["phone"] == "+442079460958" and body[0]["company"] == "ACME"
    assert body[0]["location"]["city"] == "London"
    assert body[1]["name"] == "A2" and body[1]["email"] == "a@example.com"
    assert hc.get(f"/customers/{a['id']}").json() == body[1]


def test_the_same_customer_twice_ends_in_its_last_state(hc: httpx.Client) -> None:
    a = make_customer(hc, name="A")
    body = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "first"}, {"customer": a["id"], "notes": "n"}],
    ).json()
    assert [(c["name"], c["notes"]) for c in body] == [("first", "n"), ("first", "n")]


def test_batch_size_is_one_to_ten(hc: httpx.Client) -> None:
    a = make_customer(hc, name="A")
    assert codes_of(hc.put("/customers/batch", json=[])) == ["body"]
    eleven = [{"customer": a["id"], "name": f"n{i}"} for i in range(11)]
    items = errors_of(hc.put("/customers/batch", json=eleven), 400)
    assert items == [
        {"code": "body", "message": "This collection should contain 10 elements or less."}
    ]
    ten = hc.put("/customers/batch", json=eleven[:10])
    assert ten.status_code == 200 and len(ten.json()) == 10
    assert codes_of(hc.put("/customers/batch", json={"customer": a["id"]})) == ["body"]


def test_customer_ids_must_be_given_and_numeric(hc: httpx.Client) -> None:
    a = make_customer(hc, name="A")
    response = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "changed"}, {"name": "x"}, {"customer": "abc"}],
    )
    items = errors_of(response, 400)
    assert items == [
        {"code": "[1].customer", "message": "This value should not be blank."},
        {"code": "[2].customer", "message": "This value should be of type numeric."},
    ]
    assert hc.get(f"/customers/{a['id']}").json()["name"] == "A"


def test_one_bad_item_changes_nothing(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text")
    a = make_customer(hc, name="A", email="a@example.com")
    b = make_customer(hc, name="B")
    bad_email = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "A2", "tags": [{"name": "t"}]},
              {"customer": b["id"], "email": "broken"}],
    )  # fmt: skip
    assert codes_of(bad_email) == ["[1].email"]
    taken = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "A2"}, {"customer": b["id"], "email": "a@example.com"}],
    )
    assert codes_of(taken) == ["[1].email"]
    unknown_property = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "A2"},
              {"customer": b["id"], "customData": [{"property": "plan", "value": "x"},
                                                    {"property": "nope", "value": 1}]}],
    )  # fmt: skip
    assert codes_of(unknown_property) == ["[1].customData[1].property"]
    bad_time = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "A2"}, {"customer": b["id"], "lastSeen": -5}],
    )
    assert codes_of(bad_time) == ["[1].lastSeen"]
    missing = hc.put(
        "/customers/batch",
        json=[{"customer": a["id"], "name": "A2"}, {"customer": 999_999_999, "name": "x"}],
    )
    assert errors_of(missing, 404) == [{"code": "not_found", "message": "Customer not found"}]
    assert hc.get(f"/customers/{a['id']}").json()["name"] == "A"
    assert hc.get(f"/customers/{a['id']}").json()["tags"] == []
    assert tenant.native.get("/tags").json()["items"] == []

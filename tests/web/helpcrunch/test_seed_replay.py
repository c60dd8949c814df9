"""The seed document (HelpCrunch's update-customer page, Ukrainian) replayed over HTTP.

The request body is sent exactly as the page prints it, with one exception: the page went
through an e-mail obfuscator that printed the address as "[email protected]" (with a no-break
space), which is no address at all; a real one stands in for it in both request and response.
The seed's customer was made elsewhere (a Telegram widget: device, origin and location), so
the test first makes such a customer through the native API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.factories import Tenant, make_contact
from tests.web.helpcrunch.conftest import codes_of, define

TESTS = Path(__file__).resolve().parents[2]
SEED = TESTS / "fixtures" / "helpcrunch" / "update-customer.uk.txt"
# The copy kept with the tests is the project's shared seed, byte for byte, where that is at hand.
SHARED_SEED = TESTS.parent.parent / "shared" / "seeds" / "helpcrunch-update-customer.uk.txt"
OBFUSCATED = "[email\u00a0protected]"
EMAIL = "john.doe@example.com"


def seed_json(after: str) -> dict[str, Any]:
    """The first JSON object printed after the heading `after`."""
    text = SEED.read_text()
    start = text.index("{", text.index(after))
    value, _ = json.JSONDecoder().raw_decode(text, start)
    assert isinstance(value, dict)
    return value


def real_email(document: dict[str, Any]) -> dict[str, Any]:
    assert document["email"] == OBFUSCATED
    return {**document, "email": EMAIL}


REQUEST = seed_json("Приклад тіла запиту")
RESPONSE = seed_json("200 OK")


def test_the_fixture_is_the_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("no shared seeds beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def widget_customer(tenant: Tenant) -> int:
    """The seed's attributes as the custom attributes, and a customer as a widget leaves it."""
    define(
        tenant,
        subscription_status="text",
        number_of_payments="number",
        last_paid_amount="currency",
        last_payment_date="date",
        last_invoice_url="link",
        last_payment_was_successful="boolean",
    )
    location = RESPONSE["location"]
    made = make_contact(
        tenant.native,
        name="Visitor",
        device=RESPONSE["device"],
        created_from=RESPONSE["createdFrom"],
        integration_id=RESPONSE["integrationId"],
        city=location["city"],
        country_code=location["countryCode"],
        region_code=location["regionCode"],
    )
    return int(made["id"])


def test_the_seed_documents_are_what_the_test_expects() -> None:
    assert list(REQUEST) == [
        "name", "email", "userId", "company", "phone", "firstSeen", "lastSeen", "unsubscribed",
        "blocked", "source", "referer", "lastPage", "locale", "notes", "tags", "customData",
    ]  # fmt: skip
    assert RESPONSE["customData"]["last_payment_date"] == 1603885746


def test_put_with_the_seed_body_answers_the_seed_response(tenant: Tenant, hc: httpx.Client) -> None:
    customer_id = widget_customer(tenant)
    response = hc.put(f"/customers/{customer_id}", json=real_email(REQUEST))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    expected = real_email(RESPONSE)
    assert list(body) == list(expected)  # same keys, same order
    for key, value in expected.items():
        if key == "id":
            assert body["id"] == customer_id
        elif key == "location":
            # PUT sets what the body leaves out to null, and the seed's body has no location.
            assert body["location"] == {"regionCode": None, "countryCode": None, "city": None}
        else:
            assert type(body[key]) is type(value), key
            assert body[key] == value, key
    # customData keeps JSON types: numbers, a float, a date as unix integer, a boolean
    data = body["customData"]
    assert data["number_of_payments"] == 15 and type(data["number_of_payments"]) is int
    assert data["last_paid_amount"] == 15.99 and type(data["last_paid_amount"]) is float
    assert data["last_payment_date"] == 1603885746 and type(data["last_payment_date"]) is int
    assert data["last_payment_was_successful"] is True
    # and a read answers the same
    assert hc.get(f"/customers/{customer_id}").json() == body


def test_patch_with_the_seed_body_answers_the_whole_seed_response(
    tenant: Tenant, hc: httpx.Client
) -> None:
    customer_id = widget_customer(tenant)
    response = hc.patch(f"/customers/{customer_id}", json=real_email(REQUEST))
    assert response.status_code == 200, response.text
    assert response.json() == {**real_email(RESPONSE), "id": customer_id}
    assert response.content.startswith(f'{{"id":{customer_id},"name":"John Doe",'.encode())


def test_the_seed_customer_is_stored_canonically(tenant: Tenant, hc: httpx.Client) -> None:
    customer_id = widget_customer(tenant)
    assert hc.put(f"/customers/{customer_id}", json=real_email(REQUEST)).status_code == 200
    native = tenant.native.get(f"/contacts/{customer_id}").json()
    assert native["phone"] == "+10233456781"  # possible, outside the known plan: kept, flagged
    assert native["phone_info"]["valid"] is False
    assert native["external_id"] == "user_1234567890"
    assert native["first_seen"] == native["last_seen"] == "2020-10-28T11:49:06Z"
    assert native["custom_fields"]["last_payment_date"] == "2020-10-28T11:49:06Z"
    assert native["tags"] == ["vip"]
    assert native["device"] == RESPONSE["device"]
    tags = tenant.native.get("/tags").json()["items"]
    assert [(t["name"], t["color"]) for t in tags] == [("vip", "#ff0000")]


def test_the_obfuscated_address_of_the_page_is_refused(tenant: Tenant, hc: httpx.Client) -> None:
    customer_id = widget_customer(tenant)
    response = hc.put(f"/customers/{customer_id}", json=REQUEST)
    assert codes_of(response) == ["email"]
    assert tenant.native.get(f"/contacts/{customer_id}").json()["name"] == "Visitor"

"""Request ids: every answer carries `X-Request-Id`, and the change record of a write holds the
id of the request that made it, through every dialect; a caller's id that is not printable or
longer than 64 characters is replaced by one of ours."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.factories import Tenant, make_contact

MADE_HERE = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def raw(tenant: Tenant) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tenant.server.url, timeout=30) as client:
        yield client


def _newest(tenant: Tenant, contact_id: int) -> dict[str, Any]:
    item: dict[str, Any] = tenant.native.get(f"/contacts/{contact_id}/history").json()["items"][0]
    return item


def test_each_dialects_write_is_recorded_with_its_request_id(
    tenant: Tenant, raw: httpx.Client
) -> None:
    made = make_contact(tenant.native, name="Start")
    contact_id = made["id"]

    native = tenant.native.patch(
        f"/contacts/{contact_id}", json={"name": "Native"}, headers={"X-Request-Id": "native-1"}
    )
    assert native.status_code == 200 and native.headers["x-request-id"] == "native-1"
    newest = _newest(tenant, contact_id)
    assert (newest["source"], newest["request_id"]) == ("native", "native-1")
    assert newest["changes"] == {"name": {"from": "Start", "to": "Native"}}

    chatwoot = raw.patch(
        f"/api/v1/accounts/{tenant.account_id}/contacts/{contact_id}",
        json={"name": "Chatwoot"},
        headers={"api_access_token": tenant.api_key, "X-Request-Id": "cw:2/a+b=c@d"},
    )
    assert chatwoot.status_code == 200, chatwoot.text
    assert chatwoot.headers["x-request-id"] == "cw:2/a+b=c@d"
    newest = _newest(tenant, contact_id)
    assert (newest["source"], newest["request_id"]) == ("chatwoot", "cw:2/a+b=c@d")

    helpcrunch = raw.patch(
        f"/v1/customers/{contact_id}",
        json={"name": "HelpCrunch"},
        headers={"Authorization": f"Bearer {tenant.api_key}", "X-Request-Id": "h" * 64},
    )
    assert helpcrunch.status_code == 200, helpcrunch.text
    assert helpcrunch.headers["x-request-id"] == "h" * 64
    newest = _newest(tenant, contact_id)
    assert (newest["source"], newest["request_id"]) == ("helpcrunch", "h" * 64)
    assert [item["version"] for item in tenant.native.get(
        f"/contacts/{contact_id}/history").json()["items"]] == [4, 3, 2, 1]  # fmt: skip


@pytest.mark.parametrize(
    "given", ["h" * 65, "two words", "semi;colon", "tab\there", "é-accent", ""]
)
def test_an_unfit_request_id_is_replaced_by_ours(tenant: Tenant, given: str) -> None:
    made = make_contact(tenant.native, name="Before")
    headers: dict[bytes, bytes] = {b"X-Request-Id": given.encode("utf-8")} if given else {}
    changed = tenant.native.patch(
        f"/contacts/{made['id']}", json={"name": "After"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    ours = changed.headers["x-request-id"]
    assert MADE_HERE.match(ours) and ours != given
    assert _newest(tenant, made["id"])["request_id"] == ours


def test_every_answer_carries_a_request_id_errors_included(
    tenant: Tenant, raw: httpx.Client
) -> None:
    missing = tenant.native.get("/contacts/999999999", headers={"X-Request-Id": "lost-1"})
    assert missing.status_code == 404 and missing.headers["x-request-id"] == "lost-1"
    unauthenticated = raw.get("/contactbook/v1/contacts")
    assert unauthenticated.status_code == 401
    assert MADE_HERE.match(unauthenticated.headers["x-request-id"])
    first = tenant.native.get("/account").headers["x-request-id"]
    second = tenant.native.get("/account").headers["x-request-id"]
    assert first != second, "each request gets its own"

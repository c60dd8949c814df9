"""Reading a contact's history over the native API in tests."""

from __future__ import annotations

from typing import Any

from tests.support.factories import Tenant


def history(tenant: Tenant, contact_id: int) -> list[dict[str, Any]]:
    """Every record of the contact, oldest first (all pages)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if cursor is not None:
            params["cursor"] = cursor
        response = tenant.native.get(f"/contacts/{contact_id}/history", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items[::-1]


def steps(tenant: Tenant, contact_id: int) -> list[tuple[int, str, str]]:
    """(version, action, source) of each record, oldest first."""
    return [(r["version"], r["action"], r["source"]) for r in history(tenant, contact_id)]


def version_of(tenant: Tenant, contact_id: int) -> int:
    response = tenant.native.get(f"/contacts/{contact_id}")
    assert response.status_code == 200, response.text
    return int(response.json()["version"])

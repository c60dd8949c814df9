"""Filtered pages by id are exact whether their matches are common, rare, or beyond the rows
the first step of a filtered page walks (storage/repositories/contacts.py, `_filtered_ids`)."""

from __future__ import annotations

import pytest

from contactbook.storage.repositories import contacts as contact_repository
from tests.support.factories import Tenant
from tests.support.jobs import wait_for_job
from tests.web.helpcrunch.conftest import helpcrunch_client

ROWS = 300
HEAD = 40  # rows walked before the filter's indexes take over, shrunk so 300 rows cross it


def name_of(n: int) -> str:
    if n in (233, 271):
        return f"Zed {n}"  # rare, and only past the walked rows
    return f"Novak {n}" if n % 3 == 0 else f"Other {n}"


@pytest.fixture
def loaded(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    monkeypatch.setattr(contact_repository, "_HEAD", HEAD)
    body = "phone,name\n" + "".join(f"+447700900{n:03d},{name_of(n)}\n" for n in range(ROWS))
    job = tenant.native.post("/imports", content=body.encode(),
                             headers={"content-type": "text/csv"}).json()  # fmt: skip
    assert wait_for_job(tenant.native, f"/imports/{job['id']}")["counts"]["created"] == ROWS
    ids: dict[str, list[int]] = {"Novak": [], "Zed": [], "Other": []}
    cursor = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = tenant.native.get("/contacts", params=params).json()
        for contact in page["items"]:
            ids[contact["name"].split()[0]].append(contact["id"])
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert len(ids["Zed"]) == 2 and len(ids["Novak"]) == 100
    return ids


def walk(tenant: Tenant, limit: int, **params: str) -> list[int]:
    """Every id a cursor walk of the filtered listing returns, page by page."""
    found: list[int] = []
    cursor: str | None = None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        reply = tenant.native.get("/contacts", params={"limit": limit, **params, **extra})
        assert reply.status_code == 200, reply.text
        page = reply.json()
        assert len(page["items"]) <= limit
        found += [c["id"] for c in page["items"]]
        if not page["has_more"]:
            return found
        cursor = page["next_cursor"]


@pytest.mark.parametrize("term", ["Novak", "Zed", "Nobody"])
@pytest.mark.parametrize("limit", [1, 7, 150])
def test_cursor_walks_of_a_search_are_exact(
    tenant: Tenant, loaded: dict[str, list[int]], term: str, limit: int
) -> None:
    expected = loaded.get(term, [])
    assert walk(tenant, limit, q=term) == expected
    assert walk(tenant, limit, q=term, sort="-id") == expected[::-1]


def test_offset_pages_of_a_rare_match_are_exact(
    tenant: Tenant, loaded: dict[str, list[int]]
) -> None:
    with helpcrunch_client(tenant.server.url, tenant.api_key) as hc:

        def search(value: str, offset: int, limit: int) -> list[int]:
            body = {"filter": [{"field": "customers.name", "operator": "~", "value": value}],
                    "offset": offset, "limit": limit}  # fmt: skip
            reply = hc.post("/customers/search", json=body)
            assert reply.status_code == 200, reply.text
            return [c["id"] for c in reply.json()["data"]]

        assert search("Zed", 0, 10) == loaded["Zed"]
        assert search("Zed", 1, 10) == loaded["Zed"][1:]
        assert search("Novak", 50, 20) == loaded["Novak"][50:70]
        assert search("Novak", 95, 20) == loaded["Novak"][95:]

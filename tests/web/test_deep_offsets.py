"""Deep offset pages are served from checkpoints when current, and are always exact."""

from __future__ import annotations

import time

import httpx

from contactbook.storage.positions import MIN_OFFSET, STEP
from tests.support.factories import Tenant
from tests.support.jobs import wait_for_job
from tests.support.live import LiveServer

ROWS = MIN_OFFSET + 3 * STEP + 37


def load(tenant: Tenant) -> list[int]:
    body = "phone,name\n" + "".join(f"+4477{n:08d},P{n}\n" for n in range(ROWS))
    job = tenant.native.post("/imports", content=body.encode(),
                             headers={"content-type": "text/csv"}).json()  # fmt: skip
    assert wait_for_job(tenant.native, f"/imports/{job['id']}")["counts"]["created"] == ROWS
    ids: list[int] = []
    cursor = None
    while True:
        page = tenant.native.get(
            "/contacts", params={"limit": 1000, **({"cursor": cursor} if cursor else {})}
        ).json()
        ids += [c["id"] for c in page["items"]]
        if not page["has_more"]:
            return ids
        cursor = page["next_cursor"]


def page_ids(client: httpx.Client, offset: int, limit: int = 30) -> list[int]:
    reply = client.get("/v1/customers", params={"offset": offset, "limit": limit})
    assert reply.status_code == 200, reply.text
    return [c["id"] for c in reply.json()["data"]]


def wait_for_checkpoints(server: LiveServer, account_id: int) -> None:
    positions = server.app.state.runtime.db.positions
    deadline = time.monotonic() + 60
    while not any(key[0] == account_id for key in positions._entries):
        assert time.monotonic() < deadline, "checkpoints were never built"
        time.sleep(0.05)


def test_deep_pages_are_exact_with_and_without_checkpoints(
    server: LiveServer, tenant: Tenant
) -> None:
    ids = load(tenant)
    offsets = [MIN_OFFSET, MIN_OFFSET + 1, MIN_OFFSET + STEP - 1, MIN_OFFSET + 2 * STEP + 5,
               ROWS - 10, ROWS]  # fmt: skip
    with httpx.Client(base_url=server.url, timeout=30,
                      headers={"Authorization": f"Bearer {tenant.api_key}"}) as hc:  # fmt: skip
        plain = {offset: page_ids(hc, offset) for offset in offsets}  # builds checkpoints
        wait_for_checkpoints(server, tenant.account_id)
        for offset in offsets:
            assert plain[offset] == ids[offset : offset + 30]
            # another page size: a new response, rendered from the checkpoints
            assert page_ids(hc, offset, 29) == plain[offset][:29]
        # a deletion moves every later position: checkpoints are stale, pages stay exact
        assert tenant.native.delete(f"/contacts/{ids[10]}").status_code == 204
        remaining = ids[:10] + ids[11:]
        for offset in offsets:
            assert page_ids(hc, offset) == remaining[offset : offset + 30]

"""An erase racing other writes to the same contact: erasers, a delete to the trash, a restore,
an update and a membership change, released together. Whatever order they land in, exactly
one erase succeeds, nobody gets a 5xx, the contact is gone with every counter right, and no
value written by any of them survives in any table."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from contactbook.domain.errors import DomainError
from contactbook.services import integrity, trash
from contactbook.services.integrity import IntegrityReport
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_contact, make_list
from tests.web.history.test_erase_api import _rows_holding

ROUNDS = 6


def _race(tenant: Tenant, contact_id: int, mark: str, spare: int) -> list[str]:
    """Release the six writers together; what each of them got, in order."""
    barrier = threading.Barrier(6)

    def http(method: str, path: str, body: object = None) -> Callable[[], str]:
        def go() -> str:
            native = tenant.native
            with httpx.Client(base_url=native.base_url, headers=native.headers, timeout=60) as c:
                barrier.wait()
                reply = c.request(method, path, json=body)
                return f"{method} {path.split('?')[0]} {reply.status_code}"

        return go

    def restore() -> str:
        async def work(uow: UnitOfWork) -> object:
            return await trash.restore_contact(uow, tenant.ctx, contact_id)

        barrier.wait()
        try:
            tenant.unit(work)
        except DomainError as exc:
            return f"restore {exc.code}"
        return "restore ok"

    second = {"name": f"Second {mark}", "tags": ["second"]}
    jobs = [
        http("DELETE", f"/contacts/{contact_id}?erase=true"),
        http("DELETE", f"/contacts/{contact_id}?erase=true"),
        http("DELETE", f"/contacts/{contact_id}"),
        http("PATCH", f"/contacts/{contact_id}", second),
        http("POST", f"/lists/{spare}/members", {"contact_ids": [contact_id]}),
        restore,
    ]
    with ThreadPoolExecutor(len(jobs)) as pool:
        return [f.result(timeout=120) for f in [pool.submit(job) for job in jobs]]


def test_an_erase_wins_every_race_and_leaves_nothing(tenant: Tenant) -> None:
    group = make_list(tenant.native, name="Raced")
    spare = make_list(tenant.native, name="Spare")
    for round_ in range(ROUNDS):
        mark = uuid.uuid4().hex[:10]
        made = make_contact(tenant.native, name=f"First {mark}", email=f"r{mark}@example.com",
                            tags=["first"], lists=[group])  # fmt: skip
        contact_id = made["id"]
        if round_ % 2:  # half the rounds start from the trash
            assert tenant.native.delete(f"/contacts/{contact_id}").status_code == 204

        outcomes = _race(tenant, contact_id, mark, spare)

        assert not [o for o in outcomes if o.endswith(tuple(f" 5{n:02d}" for n in range(100)))]
        erases = sorted(outcomes[:2])
        assert erases == [f"DELETE /contacts/{contact_id} {n}" for n in (204, 404)], outcomes
        assert tenant.native.get(f"/contacts/{contact_id}").status_code == 404
        history = tenant.native.get(f"/contacts/{contact_id}/history").json()["items"]
        assert history[0]["action"] == "erased", outcomes
        assert all(
            change == {"from": None, "to": None}
            for item in history
            for change in item["changes"].values()
        )
        # Tag names are the account's, not the person's: only the contact's own values count.
        assert _rows_holding(tenant, [mark]) == [], outcomes

    async def check(uow: UnitOfWork) -> IntegrityReport:
        return await integrity.check_account(uow, tenant.account_id)

    report = tenant.unit(check, write=False)
    assert report.clean, report.as_json()
    assert tenant.native.get(f"/lists/{group}").json()["items"] == 0
    assert tenant.native.get(f"/lists/{spare}").json()["items"] == 0
    assert tenant.native.get("/account").json()["contacts"] == 0

"""The trash's purge in running servers: `contactbook serve` with `CONTACTBOOK_TRASH_DAYS` set
purges what was deleted longer ago, once at start and then every `CONTACTBOOK_TRASH_PURGE_SECONDS`,
in every worker at once; a purged contact cannot be restored, and its history stays."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.support.databases import fresh_database
from tests.support.invariants import assert_invariants
from tests.support.served import ServedProcess, new_account

# A hang guard: the purge runs at start and then every 0.3 s, so it is done well before.
DEADLINE_SECONDS = 30


def _trash(native: httpx.Client) -> list[int]:
    reply = native.get("/trash", params={"limit": 1000})
    assert reply.status_code == 200, reply.text
    return [item["id"] for item in reply.json()["items"]]


def _until_empty(native: httpx.Client) -> list[int]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (left := _trash(native)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_servers_purge_expired_trash_at_start_and_then_on_their_interval(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    directory = Path(tmp_path_factory.mktemp("purge"))
    with fresh_database(directory) as url:
        account_id, key = new_account(url, name="Purged")
        # Served as by default: 30 days, so what is deleted stays.
        kept = ServedProcess(url, directory)
        try:
            with kept.client(key) as native:
                group = native.post("/lists", json={"name": "Group"}).json()["id"]
                ids = [
                    native.post("/contacts", json={"name": f"P{n}", "phone": f"+4477009{n:05d}",
                                                   "tags": ["t"], "lists": [group]}).json()["id"]
                    for n in range(5)
                ]  # fmt: skip
                survivor = native.post("/contacts", json={"name": "Stays", "lists": [group]})
                for contact_id in ids:
                    assert native.delete(f"/contacts/{contact_id}").status_code == 204
                listed = native.get("/trash").json()["items"]
                assert sorted(item["id"] for item in listed) == sorted(ids)
                assert all(item["purge_at"] > item["deleted_at"] for item in listed)
        finally:
            kept.stop()

        # Two workers keeping the trash 0 days: the start's pass purges what is there.
        purging = ServedProcess(
            url, directory, workers=2,
            env={"CONTACTBOOK_TRASH_DAYS": "0", "CONTACTBOOK_TRASH_PURGE_SECONDS": "0.3"},
        )  # fmt: skip
        try:
            with purging.client(key) as native:
                assert _until_empty(native) == []
                for contact_id in ids:
                    answer = native.post(f"/trash/{contact_id}/restore")
                    assert answer.status_code == 404, answer.text
                    history = native.get(f"/contacts/{contact_id}/history")
                    assert history.status_code == 200, history.text
                    actions = [item["action"] for item in history.json()["items"]]
                    assert actions == ["deleted", "created"]
                # Later deletions go on the next pass; live contacts are never touched.
                late = native.post("/contacts", json={"name": "Late", "lists": [group]}).json()
                assert native.delete(f"/contacts/{late['id']}").status_code == 204
                assert _until_empty(native) == []
                assert native.post(f"/trash/{late['id']}/restore").status_code == 404
                assert native.get(f"/contacts/{survivor.json()['id']}").status_code == 200
                assert native.get(f"/lists/{group}").json()["items"] == 1
                assert native.get("/account").json()["contacts"] == 1
            assert "Traceback" not in purging.log()
        finally:
            purging.stop()
        assert_invariants(url, account_id)

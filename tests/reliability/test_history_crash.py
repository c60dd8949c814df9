"""A crash between a write and its change record is impossible by construction (one
transaction): a live `contactbook serve` is killed with SIGKILL in the middle of a stream of
concurrent writes, started again on the same database, and every contact still has exactly one
record per version 1..v, v its version."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.reliability.conftest import NATIVE
from tests.reliability.history_checks import check_versions
from tests.support.crowd import Caller, together
from tests.support.databases import fresh_database
from tests.support.observed import Findings
from tests.support.served import ServedProcess, new_account

CONTACTS, CLIENTS = 6, 6
# Long enough for a few hundred writes to commit, short of the crowd running out of work.
KILL_AFTER_SECONDS = 2.0
MAX_STEPS = 2000


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with fresh_database(tmp_path) as url:
        yield url, tmp_path


def phone(n: int) -> str:
    return f"+4477009{n + 80000:05d}"


def test_sigkill_mid_stream_leaves_one_record_per_version(database: tuple[str, Path]) -> None:
    url, directory = database
    served = ServedProcess(url, directory, workers=2)
    account_id, key = new_account(url)
    headers = {"Authorization": f"Bearer {key}"}
    with served.client(key) as native:
        people = []
        for n in range(CONTACTS):
            made = native.post("/contacts", json={"phone": phone(n), "name": f"c{n}"})
            assert made.status_code == 201, made.text
            people.append(int(made.json()["id"]))
        made_list = native.post("/lists", json={"name": "Crash"})
        assert made_list.status_code == 201, made_list.text
        list_id = made_list.json()["id"]

    async def client(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        await barrier.wait()
        for step in range(MAX_STEPS):
            cid = people[(index + step) % CONTACTS]
            kind = (index + step) % 5
            request: tuple[str, str, dict[str, Any]]
            if kind == 0:
                request = ("PATCH", f"{NATIVE}/contacts/{cid}", {"name": f"n{index}-{step}"})
            elif kind == 1:
                request = ("POST", f"{NATIVE}/contacts/{cid}/tags", {"tags": [f"t{step % 3}"]})
            elif kind == 2:
                path = f"{NATIVE}/lists/{list_id}/members" + ("" if step % 2 else "/remove")
                request = ("POST", path, {"contact_ids": people})
            elif kind == 3:
                path = f"{NATIVE}/stoplist" + ("" if step % 2 else "/remove")
                request = (
                    "POST",
                    path,
                    {"phones": [phone(n) for n in range(3)], "channels": ["sms"]},
                )
            else:
                request = ("PATCH", f"{NATIVE}/contacts/{cid}", {"tags": [f"t{index}"]})
            method, path, body = request
            if await caller.request(method, path, json=body) is None:
                return  # the server is gone

    killer = threading.Timer(KILL_AFTER_SECONDS, served.kill)
    killer.start()
    try:
        _, tally = together(CLIENTS, served.url, headers, client)
    finally:
        killer.join()
    findings = Findings()
    written = len([o for o in tally.outcomes if o.status is not None and o.status < 300])
    findings.expect(written > CLIENTS, f"too few writes before the kill: {tally.summary()}")
    findings.expect(bool(tally.dropped()), f"the kill interrupted nothing: {tally.summary()}")
    findings.expect(not tally.server_errors(), f"5xx before the kill: {tally.summary()}")

    again = ServedProcess(url, directory, workers=1)
    try:
        with httpx.Client(base_url=again.url + NATIVE, headers=headers, timeout=60) as native:
            started = time.monotonic()
            records = check_versions(findings, native, people)
            findings.note(
                f"{tally.summary()}; {records} records, read back in "
                f"{time.monotonic() - started:.1f} s"
            )
        findings.conclude(url, account_id)
    finally:
        again.stop()

"""Explicit definitions racing for a key that contacts already use, against a live
`contactbook serve --workers 2`: exactly one adopts the field the writes defined, every other
gets its API's duplicate error, and no value is lost."""

from __future__ import annotations

import asyncio
import time
from typing import TypeGuard

import httpx

from tests.reliability.conftest import NATIVE, Account
from tests.support.crowd import Caller, together
from tests.support.observed import Findings

TAKEN = {"message": "Attribute key has already been taken", "attributes": ["attribute_key"]}
# Each server process caches the account's definitions for a few seconds, so a field another
# process defined may take that long to be listed.
SETTLE_SECONDS = 30.0


def fields_by_key(account: Account, keys: list[str]) -> dict[str, int]:
    """The account's fields (key → id) once all of `keys` are listed, or as they are after
    SETTLE_SECONDS."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        found = {f["key"]: f["id"] for f in account.native.get("/fields").json()["items"]}
        if set(keys) <= set(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_concurrent_definitions_of_an_implicit_key_adopt_it_once(account: Account) -> None:
    creators, rounds = 8, 5
    chatwoot = account.chatwoot_headers()
    chatwoot_path = f"/api/v1/accounts/{account.id}"
    keys = [f"plan{r}" for r in range(rounds)]
    contacts: dict[str, list[int]] = {}
    for key in keys:
        contacts[key] = []
        for n in range(3):
            written = httpx.post(
                f"{account.base}{chatwoot_path}/contacts",
                json={"name": f"{key} {n}", "custom_attributes": {key: f"v{n}"}},
                headers=chatwoot,
                timeout=60,
            )
            assert written.status_code == 200, written.text
            contacts[key].append(int(written.json()["payload"]["contact"]["id"]))
    implicit = fields_by_key(account, keys)
    assert set(implicit) == set(keys)

    async def creator(
        index: int, caller: Caller, barrier: asyncio.Barrier
    ) -> list[httpx.Response | None]:
        replies = []
        for key in keys:
            await barrier.wait()
            if index % 2:
                reply = await caller.request(
                    "POST", f"{NATIVE}/fields", json={"name": key.title(), "key": key}
                )
            else:
                body = {"attribute_display_name": key.title(), "attribute_key": key,
                        "attribute_model": "contact_attribute"}  # fmt: skip
                reply = await caller.request(
                    "POST", f"{chatwoot_path}/custom_attribute_definitions", json=body,
                    headers=chatwoot,
                )  # fmt: skip
            replies.append(reply)
        return replies

    results, tally = together(creators, account.base, account.headers(), creator)
    findings = Findings()
    findings.expect(not tally.server_errors() and not tally.dropped(), tally.summary())
    for round_, key in enumerate(keys):
        replies = [(index, replies[round_]) for index, replies in enumerate(results)]
        won = [(i, r) for i, r in replies if r is not None and r.status_code in (200, 201)]
        findings.equal(f"{key}: creates that adopted the field", len(won), 1)
        for _, adopted in won:
            findings.equal(f"{key}: the adopted id", adopted.json()["id"], implicit[key])
        for index, reply in replies:
            if reply is None or (index, reply) in won:
                continue
            if index % 2:
                findings.equal(f"{key}: a native duplicate", reply.status_code, 409)
            else:
                findings.equal(f"{key}: a Chatwoot duplicate", (reply.status_code, reply.json()),
                               (422, TAKEN))  # fmt: skip
        for n, cid in enumerate(contacts[key]):
            shown = account.native.get(f"/contacts/{cid}").json()["custom_fields"]
            findings.equal(f"contact {cid}'s {key}", shown, {key: f"v{n}"})
    after = fields_by_key(account, keys)
    findings.equal("fields after the race", after, implicit)
    findings.conclude(account.database_url, account.id, account.log)


def answered(reply: httpx.Response | None) -> TypeGuard[httpx.Response]:
    """A reply came, and it is a 200."""
    return reply is not None and reply.status_code == 200


def test_definitions_racing_the_writes_that_first_use_a_key(account: Account) -> None:
    """Contact writes that would define a new key implicitly and explicit creates of it, at
    once: every write keeps its value, exactly one create answers like a create."""
    clients, rounds = 8, 5
    chatwoot = account.chatwoot_headers()
    base = f"/api/v1/accounts/{account.id}"
    keys = [f"tier{r}" for r in range(rounds)]

    async def client(index: int, caller: Caller, barrier: asyncio.Barrier) -> list[int | None]:
        results: list[int | None] = []
        for key in keys:
            await barrier.wait()
            body: dict[str, object]
            if index % 2:
                body = {"attribute_display_name": key.title(), "attribute_key": key,
                        "attribute_model": "contact_attribute"}  # fmt: skip
                reply = await caller.request(
                    "POST", f"{base}/custom_attribute_definitions", json=body, headers=chatwoot
                )
                results.append(reply.json()["id"] if answered(reply) else None)
            else:
                body = {"name": f"{key} {index}", "custom_attributes": {key: f"v{index}"}}
                reply = await caller.request(
                    "POST", f"{base}/contacts", json=body, headers=chatwoot
                )
                results.append(
                    reply.json()["payload"]["contact"]["id"] if answered(reply) else None
                )
        return results

    results, tally = together(clients, account.base, account.headers(), client)
    findings = Findings()
    findings.expect(not tally.server_errors() and not tally.dropped(), tally.summary())
    defined = fields_by_key(account, keys)
    findings.equal("fields", sorted(defined), keys)
    for round_, key in enumerate(keys):
        created = [r[round_] for i, r in enumerate(results) if i % 2 and r[round_] is not None]
        findings.equal(f"{key}: creates that answered 200", created, [defined.get(key)])
        for index in range(0, clients, 2):
            cid = results[index][round_]
            findings.expect(cid is not None, f"{key}: the write of client {index} failed")
            if cid is not None:
                shown = account.native.get(f"/contacts/{cid}").json()["custom_fields"]
                findings.equal(f"contact {cid}'s {key}", shown, {key: f"v{index}"})
        again = httpx.post(
            f"{account.base}{base}/custom_attribute_definitions",
            json={"attribute_display_name": "X", "attribute_key": key, "attribute_model": 1},
            headers=chatwoot,
            timeout=60,
        )
        findings.equal(f"{key}: one more create", (again.status_code, again.json()), (422, TAKEN))
    findings.conclude(account.database_url, account.id, account.log)

"""Change records under contention, against a live `contactbook serve --workers 2`: clients of
all four APIs change the same contacts at once (fields, tags, memberships, the stop list), and
every contact ends with one record per version, none lost and none repeated."""

from __future__ import annotations

import asyncio

from tests.reliability.conftest import NATIVE, Account
from tests.reliability.history_checks import check_versions
from tests.support.crowd import Caller, together
from tests.support.observed import Findings

CONTACTS, CLIENTS, ROUNDS = 5, 8, 6


def phone(n: int) -> str:
    return f"+4477009{n + 70000:05d}"


def test_concurrent_writes_leave_one_record_per_version(account: Account) -> None:
    account.new_fields(["plan"])
    lists = [account.new_list("Crowd A"), account.new_list("Crowd B")]
    people = [account.new_contact(phone=phone(n), name=f"p{n}") for n in range(CONTACTS)]
    bsg, chatwoot = account.notificore_headers(), account.chatwoot_headers()
    chatwoot_path = f"/api/v1/accounts/{account.id}"

    async def client(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for step in range(ROUNDS):
            await barrier.wait()
            # Every client on the same contact in a round, and some on all of them at once.
            cid = people[step % CONTACTS]
            kind = (index + step) % 8
            target = lists[index % 2]
            if kind == 0:
                await caller.request(
                    "PATCH", f"{NATIVE}/contacts/{cid}", json={"name": f"n{index}-{step}"}
                )
            elif kind == 1:
                await caller.request(
                    "POST", f"{NATIVE}/contacts/{cid}/tags", json={"tags": [f"t{index}", "shared"]}
                )
            elif kind == 2:
                await caller.request("DELETE", f"{NATIVE}/contacts/{cid}/tags/shared")
            elif kind == 3:
                await caller.request(
                    "POST",
                    "/api/groups/attach",
                    headers=bsg,
                    json={"contacts": people, "groups": [target]},
                )
            elif kind == 4:
                await caller.request(
                    "POST",
                    "/api/groups/detach",
                    headers=bsg,
                    json={"contacts": people[::2], "groups": [target]},
                )
            elif kind == 5:
                phones = [phone(n) for n in range(CONTACTS)]
                path = "/stoplist" if step % 2 == 0 else "/stoplist/remove"
                await caller.request(
                    "POST", NATIVE + path, json={"phones": phones, "channels": ["sms"]}
                )
            elif kind == 6:
                await caller.request(
                    "POST",
                    f"{chatwoot_path}/contacts/{cid}/labels",
                    headers=chatwoot,
                    json={"labels": [f"l{index}"]},
                )
            else:
                await caller.request(
                    "PATCH",
                    f"/v1/customers/{cid}",
                    json={
                        "customData": [{"property": "plan", "value": f"p{index}-{step}"}],
                    },
                )

    _, tally = together(CLIENTS, account.base, account.headers(), client)
    findings = Findings()
    findings.expect(not tally.not_2xx(), "not every request answered 2xx: " + tally.summary())
    records = check_versions(findings, account.native, people)
    findings.expect(records > CONTACTS * 3, f"only {records} records for {tally.requests} writes")
    findings.note(f"{tally.summary()}; {records} records")
    findings.conclude(account.database_url, account.id, account.log)

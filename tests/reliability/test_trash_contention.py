"""The trash under concurrent writers, against a live `contactbook serve --workers 2`: a delete
racing writes that add a membership, a tag, an identity or a field files every write that
committed before it (and the others find no contact); two restores of one contact make one
contact; a restore racing a create of the same email lets exactly one of them have it; no 5xx.
Each test ends with `contactbook check` clean."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.reliability.conftest import NATIVE, Account
from tests.support.crowd import Caller, together
from tests.support.observed import Findings, account_totals, list_counters, member_ids

GONE = {404, 422}  # what a write to a contact that is not there answers (422: lists' own form)


def phone(n: int) -> str:
    return f"+4477008{n:05d}"


def status(reply: httpx.Response | None) -> int | None:
    return None if reply is None else reply.status_code


def test_a_delete_racing_writes_to_the_contact_files_every_write_that_came_first(
    account: Account,
) -> None:
    rounds = 12
    group = account.new_list("Raced")
    inbox = int(account.create("/inboxes", {"name": "Raced inbox"})["id"])
    made = [account.new_contact(name=f"C{n}", phone=phone(n)) for n in range(rounds)]
    chatwoot = f"/api/v1/accounts/{account.id}"
    cw_headers = account.chatwoot_headers()
    # Per contact: what each writer got back.
    seen: dict[int, dict[str, int | None]] = {cid: {} for cid in made}

    async def writer(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for n, cid in enumerate(made):
            await barrier.wait()
            if index in (0, 1):
                # Staggered, so that in some rounds the writes commit first.
                await asyncio.sleep((n % 4) * 0.015)
                reply = await caller.request("DELETE", f"{NATIVE}/contacts/{cid}")
                seen[cid][f"delete{index}"] = status(reply)
            elif index == 2:
                reply = await caller.request(
                    "POST", f"{NATIVE}/lists/{group}/members", json={"contact_ids": [cid]}
                )
                seen[cid]["member"] = status(reply)
            elif index == 3:
                reply = await caller.request(
                    "POST", f"{NATIVE}/contacts/{cid}/tags", json={"tags": ["raced"]}
                )
                seen[cid]["tag"] = status(reply)
            elif index == 4:
                reply = await caller.request(
                    "POST", f"{chatwoot}/contacts/{cid}/contact_inboxes",
                    json={"inbox_id": inbox, "source_id": f"s-{cid}"}, headers=cw_headers,
                )  # fmt: skip
                seen[cid]["identity"] = status(reply)
            else:
                reply = await caller.request(
                    "PATCH", f"{NATIVE}/contacts/{cid}", json={"name": f"Patched {cid}"}
                )
                seen[cid]["patch"] = status(reply)

    _, tally = together(6, account.base, account.headers(), writer)
    findings = Findings()
    findings.equal("5xx or dropped", [o for o in tally.outcomes if o.status is None
                                      or o.status >= 500], [])  # fmt: skip
    for cid, got in seen.items():
        deletes = sorted([got["delete0"], got["delete1"]], key=lambda s: s or 0)
        findings.equal(f"contact {cid}: the two deletes", deletes, [204, 404])
        for what in ("member", "tag", "identity", "patch"):
            findings.expect(
                got[what] in GONE or (got[what] or 0) < 300,
                f"contact {cid}: {what} answered {got[what]}",
            )
    findings.equal("account totals after the deletes", account_totals(account.native), (0, 0))
    findings.equal("members after the deletes", list_counters(account.native, group)["items"], 0)

    # Back from the trash, each contact holds exactly the writes that answered 2xx.
    members = 0
    with httpx.Client(base_url=account.base + chatwoot, headers=cw_headers, timeout=60) as cw:
        for cid, got in seen.items():
            back = account.native.post(f"/trash/{cid}/restore")
            findings.equal(f"contact {cid}: restore", back.status_code, 200)
            if back.status_code != 200:
                continue
            body = back.json()
            ok = {what: (got[what] or 0) < 300 for what in ("member", "tag", "identity", "patch")}
            members += ok["member"]
            findings.equal(f"contact {cid}: lists", body["lists"], [group] if ok["member"] else [])
            findings.equal(f"contact {cid}: tags", body["tags"], ["raced"] if ok["tag"] else [])
            name = f"Patched {cid}" if ok["patch"] else f"C{made.index(cid)}"
            findings.equal(f"contact {cid}: name", body["name"], name)
            shown = cw.get(f"/contacts/{cid}").json()["payload"]
            sources = [i["source_id"] for i in shown["contact_inboxes"]]
            findings.equal(
                f"contact {cid}: identities", sources, [f"s-{cid}"] if ok["identity"] else []
            )
    findings.equal("account totals after restoring", account_totals(account.native),
                   (rounds, rounds))  # fmt: skip
    findings.equal("list items", list_counters(account.native, group)["items"], members)
    findings.equal("list members", len(member_ids(account.native, group)), members)
    findings.note(f"delete racing writes: {tally.summary()}; {members} memberships came first")
    findings.conclude(account.database_url, account.id, account.log)


def test_concurrent_restores_of_one_contact_make_one_contact(account: Account) -> None:
    rounds, clients = 8, 4
    group = account.new_list("Restored")
    made = [account.new_contact(phone=phone(100 + n), lists=[group], tags=["t"])
            for n in range(rounds)]  # fmt: skip
    for cid in made:
        assert account.native.delete(f"/contacts/{cid}").status_code == 204
    got: dict[int, list[int | None]] = {cid: [] for cid in made}

    async def restorer(_: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for cid in made:
            await barrier.wait()
            got[cid].append(status(await caller.request("POST", f"{NATIVE}/trash/{cid}/restore")))

    _, tally = together(clients, account.base, account.headers(), restorer)
    findings = Findings()
    for cid, statuses in got.items():
        findings.equal(f"contact {cid}: restores", sorted(s or 0 for s in statuses),
                       [200] + [404] * (clients - 1))  # fmt: skip
        history = account.native.get(f"/contacts/{cid}/history").json()["items"]
        findings.equal(f"contact {cid}: actions", [i["action"] for i in history],
                       ["restored", "deleted", "created"])  # fmt: skip
    findings.equal("account totals", account_totals(account.native), (rounds, rounds))
    findings.equal("list items", list_counters(account.native, group)["items"], rounds)
    findings.equal("trash", account.native.get("/trash").json()["items"], [])
    findings.note(f"concurrent restores: {tally.summary()}")
    findings.conclude(account.database_url, account.id, account.log)


def test_a_restore_racing_a_create_of_its_email_lets_one_of_them_have_it(
    account: Account,
) -> None:
    rounds = 16
    group = account.new_list("Contested")
    made = [account.new_contact(email=f"e{n}@example.com", phone=phone(200 + n), lists=[group])
            for n in range(rounds)]  # fmt: skip
    for cid in made:
        assert account.native.delete(f"/contacts/{cid}").status_code == 204
    outcome: dict[int, dict[str, Any]] = {cid: {} for cid in made}

    async def racer(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for n, cid in enumerate(made):
            await barrier.wait()
            if index == 0:
                reply = await caller.request("POST", f"{NATIVE}/trash/{cid}/restore")
                outcome[cid]["restore"] = reply
            else:
                await asyncio.sleep((n % 3) * 0.004)  # so that each side wins some rounds
                reply = await caller.request(
                    "POST", f"{NATIVE}/contacts",
                    json={"email": f"e{n}@example.com", "phone": phone(300 + n), "lists": [group]},
                )  # fmt: skip
                outcome[cid]["create"] = reply

    _, tally = together(2, account.base, account.headers(), racer)
    findings = Findings()
    findings.equal("5xx or dropped", [o for o in tally.outcomes if o.status is None
                                      or o.status >= 500], [])  # fmt: skip
    restored = 0
    for cid, replies in outcome.items():
        pair = (status(replies["restore"]), status(replies["create"]))
        findings.expect(pair in ((200, 409), (409, 201)), f"contact {cid}: {pair}")
        if pair == (409, 201):
            problem = replies["restore"].json()
            findings.equal(f"contact {cid}: 409 names", [e["field"] for e in problem["errors"]],
                           ["email"])  # fmt: skip
            findings.equal(f"contact {cid}: held by", problem.get("existing_id"),
                           replies["create"].json()["id"])  # fmt: skip
        restored += pair[0] == 200
    trashed = {item["id"] for item in account.native.get("/trash").json()["items"]}
    findings.equal("left in the trash", len(trashed), rounds - restored)
    findings.equal("account totals", account_totals(account.native), (rounds, rounds))
    findings.equal("list items", list_counters(account.native, group)["items"], rounds)
    findings.note(f"restore vs create: {restored} restores won of {rounds}; {tally.summary()}")
    findings.conclude(account.database_url, account.id, account.log)

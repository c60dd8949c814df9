"""Writes that hold when several clients write to one account at once, against a live
`contactbook serve --workers 2`: no lost update, counters that move by exactly the rows
written, no 5xx, no deadlock, no dropped connection. Each test ends with `contactbook check`
clean and the exact values an operator would read through the API."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.reliability.conftest import NATIVE, Account
from tests.support.crowd import Caller, Tally, together
from tests.support.import_files import write_phones_csv
from tests.support.observed import (
    Findings,
    account_totals,
    contact_ids,
    list_counters,
    member_ids,
    stop_entries,
    stopped_members,
)


def phone(n: int) -> str:
    """A distinct UK mobile number for each n below 100,000."""
    return f"+4477009{n:05d}"


def ok(reply: httpx.Response | None) -> bool:
    return reply is not None and 200 <= reply.status_code < 300


def answer(reply: httpx.Response | None, key: str) -> Any:
    """`key` of a 2xx JSON reply; None for anything else."""
    return reply.json()[key] if reply is not None and ok(reply) else None


def no_failures(findings: Findings, tally: Tally, what: str) -> None:
    """Every request of the crowd answered 2xx: no 5xx, no 4xx, no dropped connection."""
    findings.expect(
        not tally.not_2xx(), f"{what}: not every request answered 2xx: " + tally.summary()
    )


# --- no lost update ------------------------------------------------------------------------


def test_concurrent_patches_of_different_custom_fields_keep_every_one(account: Account) -> None:
    writers, rounds = 10, 10
    keys = [f"k{i}" for i in range(writers)]
    account.new_fields(keys)
    made = [account.create("/contacts", {"name": f"Round {r}"}) for r in range(rounds)]

    async def writer(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for contact in made:
            await barrier.wait()
            await caller.request(
                "PATCH",
                f"{NATIVE}/contacts/{contact['id']}",
                json={"custom_fields": {keys[index]: f"v{index}"}},
            )

    _, tally = together(writers, account.base, account.headers(), writer)
    findings = Findings()
    no_failures(findings, tally, "PATCH")
    lost = 0
    for contact in made:
        now = account.native.get(f"/contacts/{contact['id']}").json()
        missing = [k for i, k in enumerate(keys) if now["custom_fields"].get(k) != f"v{i}"]
        lost += len(missing)
        # Each accepted PATCH is one new version: two writers on one version lost one write.
        findings.equal(
            f"contact {contact['id']} version after {writers} PATCHes",
            now["version"],
            contact["version"] + writers,
        )
    findings.equal(f"updates lost of {writers * rounds} (custom field keys missing)", lost, 0)
    findings.equal("account totals", account_totals(account.native), (rounds, 0))
    findings.conclude(account.database_url, account.id, account.log)


def test_vendor_writes_racing_a_native_patch_keep_every_field(account: Account) -> None:
    """Notificore PUT, HelpCrunch PATCH and Chatwoot PUT write the same custom values as a native
    PATCH; racing each other on one contact, none of them loses the others' fields."""
    rounds = 5
    dialects = ["native", "native", "native", "native", "notificore", "notificore",
                "helpcrunch", "helpcrunch", "chatwoot", "chatwoot"]  # fmt: skip
    keys = [f"f{i}" for i in range(len(dialects))]
    field_ids = account.new_fields(keys)
    numbers = [phone(r) for r in range(rounds)]
    contact_list = account.new_list("Kept")
    made = [account.create("/contacts", {"phone": p, "lists": [contact_list]}) for p in numbers]
    bsg = account.notificore_headers()
    chatwoot = account.chatwoot_headers()

    def request_of(index: int, contact: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        key, cid = keys[index], contact["id"]
        value = f"{dialects[index]}-{index}"
        if dialects[index] == "notificore":
            body = {
                "phone": int(contact["phone"][1:]),
                "fields": [{"id": field_ids[key], "value": value}],
            }
            return "PUT", f"/api/contacts/{cid}", body
        if dialects[index] == "helpcrunch":
            return (
                "PATCH",
                f"/v1/customers/{cid}",
                {"customData": [{"property": key, "value": value}]},
            )
        if dialects[index] == "chatwoot":
            path = f"/api/v1/accounts/{account.id}/contacts/{cid}"
            return "PUT", path, {"custom_attributes": {key: value}}
        return "PATCH", f"{NATIVE}/contacts/{cid}", {"custom_fields": {key: value}}

    async def writer(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        headers = {"notificore": bsg, "chatwoot": chatwoot}.get(dialects[index], account.headers())
        for contact in made:
            method, path, body = request_of(index, contact)
            await barrier.wait()
            await caller.request(method, path, json=body, headers=headers)

    _, tally = together(len(dialects), account.base, account.headers(), writer)
    findings = Findings()
    no_failures(findings, tally, "vendor and native writes")
    lost: list[str] = []
    for contact in made:
        now = account.native.get(f"/contacts/{contact['id']}").json()
        for index, key in enumerate(keys):
            if now["custom_fields"].get(key) != f"{dialects[index]}-{index}":
                lost.append(f"{dialects[index]} {key} on {contact['id']}")
        findings.equal(f"contact {contact['id']} lists", now["lists"], [contact_list])
        findings.equal(f"contact {contact['id']} phone", now["phone"], contact["phone"])
    findings.equal(f"writes lost of {len(keys) * rounds}", lost, [])
    findings.equal("list items", list_counters(account.native, contact_list)["items"], rounds)
    findings.equal("account totals", account_totals(account.native), (rounds, rounds))
    findings.conclude(account.database_url, account.id, account.log)


def test_concurrent_tags_and_attribute_merges_keep_every_one(account: Account) -> None:
    """Tags added and additional attributes merged at once, through the native API, HelpCrunch
    and Chatwoot: every tag and every attribute is there at the end."""
    writers, rounds = 8, 5
    made = [account.new_contact(name=f"Tagged {r}") for r in range(rounds)]
    chatwoot = account.chatwoot_headers()

    async def writer(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for cid in made:
            await barrier.wait()
            if index % 4 == 0:
                await caller.request(
                    "POST", f"{NATIVE}/contacts/{cid}/tags", json={"tags": [f"t{index}"]}
                )
            elif index % 4 == 1:
                await caller.request(
                    "PUT", f"/v1/customers/{cid}/tags", json={"tags": [{"name": f"t{index}"}]}
                )
            elif index % 4 == 2:
                body = {"additional_attributes": {f"a{index}": index}}
                await caller.request("PATCH", f"{NATIVE}/contacts/{cid}", json=body)
            else:
                path = f"/api/v1/accounts/{account.id}/contacts/{cid}"
                body = {"additional_attributes": {f"a{index}": index}}
                await caller.request("PUT", path, json=body, headers=chatwoot)

    _, tally = together(writers, account.base, account.headers(), writer)
    findings = Findings()
    no_failures(findings, tally, "tag and attribute writes")
    want_tags = sorted(f"t{i}" for i in range(writers) if i % 4 in (0, 1))
    want_attributes = {f"a{i}": i for i in range(writers) if i % 4 in (2, 3)}
    lost = 0
    for cid in made:
        now = account.native.get(f"/contacts/{cid}").json()
        lost += len(set(want_tags) - set(now["tags"]))
        lost += sum(
            1 for k, v in want_attributes.items() if now["additional_attributes"].get(k) != v
        )
    findings.equal(f"writes lost of {writers * rounds}", lost, 0)
    findings.equal("account totals", account_totals(account.native), (rounds, 0))
    findings.conclude(account.database_url, account.id, account.log)


# --- counters that move by exactly the rows written ----------------------------------------


def test_concurrent_removes_of_the_same_members_count_each_once(account: Account) -> None:
    members_count, removers, rounds = 60, 8, 20
    list_id = account.new_list("Removals")
    members = [account.new_contact(phone=phone(n)) for n in range(members_count)]
    added: list[int | None] = []

    async def remover(index: int, caller: Caller, barrier: asyncio.Barrier) -> list[int | None]:
        removed: list[int | None] = []
        for _ in range(rounds):
            if index == 0:
                reply = await caller.request(
                    "POST", f"{NATIVE}/lists/{list_id}/members", json={"contact_ids": members}
                )
                added.append(answer(reply, "added"))
            await barrier.wait()
            reply = await caller.request(
                "POST", f"{NATIVE}/lists/{list_id}/members/remove", json={"contact_ids": members}
            )
            removed.append(answer(reply, "removed"))
            await barrier.wait()
        return removed

    reported, tally = together(removers, account.base, account.headers(), remover)
    findings = Findings()
    no_failures(findings, tally, "add and remove members")
    true_removed = members_count * rounds
    findings.equal("members added (sum of `added`)", sum(a or 0 for a in added), true_removed)
    findings.equal(
        "members removed (sum of `removed`)",
        sum(r or 0 for rs in reported for r in rs),
        true_removed,
    )
    findings.equal("real members at the end", len(member_ids(account.native, list_id)), 0)
    findings.equal("list items at the end", list_counters(account.native, list_id)["items"], 0)
    findings.equal("account totals", account_totals(account.native), (members_count, members_count))
    findings.conclude(account.database_url, account.id, account.log)


def test_concurrent_stop_list_adds_and_removes_are_exact(account: Account) -> None:
    clients, rounds = 8, 5
    numbers = [phone(n) for n in range(40)]
    strangers = [phone(n) for n in range(90_000, 90_005)]  # on the stop list, no contact
    everyone, half = account.new_list("Everyone"), account.new_list("Half")
    for n, number in enumerate(numbers):
        account.new_contact(phone=number, lists=[everyone, half] if n < 20 else [everyone])
    body = {"phones": numbers + strangers, "channels": ["sms"]}
    seen: list[tuple[str, int, int, int]] = []

    async def snapshot(caller: Caller, when: str) -> None:
        counts = []
        for list_id in (everyone, half):
            reply = await caller.request("GET", f"{NATIVE}/lists/{list_id}")
            counts.append(answer(reply, "stop_list_count"))
        reply = await caller.request("GET", f"{NATIVE}/stoplist", params={"limit": 1})
        seen.append((when, counts[0], counts[1], answer(reply, "total")))

    async def client(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        for r in range(rounds):
            await barrier.wait()
            await caller.request("POST", f"{NATIVE}/stoplist", json=body)
            await barrier.wait()
            if index == 0:
                await snapshot(caller, f"round {r} added")
            await barrier.wait()
            await caller.request("POST", f"{NATIVE}/stoplist/remove", json=body)
            await barrier.wait()
            if index == 0:
                await snapshot(caller, f"round {r} removed")

    _, tally = together(clients, account.base, account.headers(), client)
    findings = Findings()
    no_failures(findings, tally, "stop-list adds and removes")
    want = [
        (f"round {r} {step}", *((40, 20, 45) if step == "added" else (0, 0, 0)))
        for r in range(rounds)
        for step in ("added", "removed")
    ]
    wrong = [(got, expected) for got, expected in zip(seen, want, strict=True) if got != expected]
    findings.equal("(step, stop_list_count of both lists, entries) that differ", wrong, [])
    findings.equal("stop-list entries at the end", stop_entries(account.native), 0)
    findings.equal("account totals", account_totals(account.native), (40, 40))
    for list_id in (everyone, half):
        findings.equal(
            f"list {list_id} stop_list_count",
            list_counters(account.native, list_id)["stop_list_count"],
            stopped_members(account.native, list_id),
        )
    findings.conclude(account.database_url, account.id, account.log)


def test_many_tasks_attaching_and_detaching_keep_the_counters(account: Account) -> None:
    """40 clients x 15 attach/detach pairs on one list (and a second), through the native API
    and Notificore's groups; then a known final step whose counters must come out exact."""
    tasks, pairs, pool_size = 40, 15, 20
    main, other = account.new_list("Busy"), account.new_list("Also")
    pool = [account.new_contact(phone=phone(n)) for n in range(pool_size)]
    stopped = [phone(n) for n in range(0, pool_size, 2)]  # half the pool's phones
    reply = account.native.post("/stoplist", json={"phones": stopped, "channels": ["sms"]})
    assert reply.status_code == 200, reply.text
    bsg = account.notificore_headers()

    async def task(index: int, caller: Caller, barrier: asyncio.Barrier) -> None:
        await barrier.wait()
        for j in range(pairs):
            first, second = pool[(index + j) % pool_size], pool[(index * 7 + j) % pool_size]
            if index % 2 == 0:
                await caller.request(
                    "POST", f"{NATIVE}/lists/{main}/members", json={"contact_ids": [first, second]}
                )
                if j % 3 == 0:
                    await caller.request("DELETE", f"{NATIVE}/lists/{main}/members/{first}")
                else:
                    await caller.request(
                        "POST",
                        f"{NATIVE}/lists/{main}/members/remove",
                        json={"contact_ids": [first]},
                    )
            else:
                groups = {"contacts": [first, second], "groups": [main, other]}
                await caller.request("POST", "/api/groups/attach", json=groups, headers=bsg)
                detach = {"contacts": [second], "groups": [main, other]}
                await caller.request("POST", "/api/groups/detach", json=detach, headers=bsg)

    _, tally = together(tasks, account.base, account.headers(), task)
    findings = Findings()
    no_failures(findings, tally, "attach and detach")
    for list_id in (main, other):
        stored = list_counters(account.native, list_id)
        findings.equal(
            f"list {list_id} items vs its real members",
            stored["items"],
            len(member_ids(account.native, list_id)),
        )
        findings.equal(
            f"list {list_id} stop_list_count vs its stopped members",
            stored["stop_list_count"],
            stopped_members(account.native, list_id),
        )
    # The known final step: everyone in, then everyone out.
    everyone = {"contact_ids": pool}
    for list_id in (main, other):
        account.native.post(f"/lists/{list_id}/members", json=everyone)
        full = list_counters(account.native, list_id)
        findings.equal(
            f"list {list_id} (items, stop_list_count) with the whole pool",
            (full["items"], full["stop_list_count"]),
            (pool_size, len(stopped)),
        )
        account.native.post(f"/lists/{list_id}/members/remove", json=everyone)
        empty = list_counters(account.native, list_id)
        findings.equal(
            f"list {list_id} (items, stop_list_count) emptied",
            (empty["items"], empty["stop_list_count"]),
            (0, 0),
        )
    findings.equal("account totals", account_totals(account.native), (pool_size, pool_size))
    findings.conclude(account.database_url, account.id, account.log)


# --- no deadlock ---------------------------------------------------------------------------


def _churn(
    account: Account, clients: int, seconds: float, list_id: int, first_phone: int
) -> tuple[list[tuple[set[int], set[int]]], Tally, float]:
    """Each client creates contacts in the list and deletes four of every five, until the time
    is up; returns each client's (created, deleted) ids, the tally and the seconds it ran."""
    started = time.monotonic()

    async def client(
        index: int, caller: Caller, barrier: asyncio.Barrier
    ) -> tuple[set[int], set[int]]:
        created: set[int] = set()
        deleted: set[int] = set()
        await barrier.wait()
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            number = phone(first_phone + index * 2000 + n)
            reply = await caller.request(
                "POST", f"{NATIVE}/contacts", json={"phone": number, "lists": [list_id]}
            )
            if reply is not None and reply.status_code == 201:
                cid = int(reply.json()["id"])
                created.add(cid)
                if n % 5 != 4:
                    done = await caller.request("DELETE", f"{NATIVE}/contacts/{cid}")
                    if done is not None and done.status_code == 204:
                        deleted.add(cid)
            n += 1
        return created, deleted

    results, tally = together(clients, account.base, account.headers(), client)
    return results, tally, time.monotonic() - started


def test_clients_creating_and_deleting_in_one_list_meet_no_deadlock(account: Account) -> None:
    clients, seconds = 8, 5.0
    list_id = account.new_list("Churn")
    # A quarter of the phones the clients will use are on the stop list already.
    stopped = [phone(index * 2000 + n) for index in range(clients) for n in range(0, 400, 4)]
    for start in range(0, len(stopped), 1000):
        reply = account.native.post(
            "/stoplist", json={"phones": stopped[start : start + 1000], "channels": ["sms"]}
        )
        assert reply.status_code == 200, reply.text
    alone, alone_tally, alone_seconds = _churn(account, 1, 2.0, list_id, 80_000)
    results, tally, ran = _churn(account, clients, seconds, list_id, 0)
    findings = Findings()
    deadlocks = account.log.deadlocks()
    pairs = sum(len(deleted) for _, deleted in results)
    solo_pairs = len(alone[0][1])
    findings.note(
        f"{clients} clients: {pairs} create+delete pairs in {ran:.1f} s "
        f"({pairs / ran:.0f}/s, p50 {tally.latency(0.5) * 1000:.0f} ms, max "
        f"{tally.latency(1.0) * 1000:.0f} ms); 1 client alone: {solo_pairs} pairs in "
        f"{alone_seconds:.1f} s ({solo_pairs / alone_seconds:.0f}/s)"
    )
    no_failures(findings, alone_tally, "one client")
    no_failures(findings, tally, f"{clients} clients")
    findings.equal("lines of the server log that mention a deadlock", deadlocks, 0)
    findings.expect(pairs > 0, "no client finished a create and delete")
    alive: set[int] = set()
    for created, deleted in [*alone, *results]:
        alive |= created - deleted
    stopped_set = set(stopped)
    kept_stopped = 0
    for cid in alive:
        if account.native.get(f"/contacts/{cid}").json()["phone"] in stopped_set:
            kept_stopped += 1
    findings.same_ids(
        "real members vs the contacts kept", member_ids(account.native, list_id), alive
    )
    stored = list_counters(account.native, list_id)
    findings.equal("list items", stored["items"], len(alive))
    findings.equal("list stop_list_count", stored["stop_list_count"], kept_stopped)
    findings.equal("account totals", account_totals(account.native), (len(alive), len(alive)))
    findings.same_ids("real contacts", contact_ids(account.native), alive)
    findings.conclude(account.database_url, account.id, account.log)


def test_cli_import_into_a_list_the_api_is_attaching_to(account: Account, tmp_path: Path) -> None:
    """`contactbook import --list L` while 4 API clients attach and detach their own contacts to
    L: the import finishes with exact counts and no traceback; the list holds exactly the
    imported contacts once the clients have detached theirs."""
    clients, per_client, rows = 4, 10, 3000
    list_name = "Fair"
    list_id = account.new_list(list_name)
    own = [[account.new_contact(phone=phone(90_000 + c * 100 + n)) for n in range(per_client)]
           for c in range(clients)]  # fmt: skip
    path = tmp_path / "fair.csv"
    expected = write_phones_csv(path, rows)
    importing: dict[str, Any] = {}

    async def importer() -> None:
        done = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "contactbook", "import", str(path), "--list", list_name,
            "--account-id", str(account.id), "--database-url", account.database_url,
            "--json", "--batch-size", "500",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(done.communicate(), 240)
        importing.update(code=done.returncode, out=out.decode(), err=err.decode())

    async def client(index: int, caller: Caller, barrier: asyncio.Barrier) -> int:
        mine = own[index]
        if index == 0:
            runner = asyncio.create_task(importer())
        await barrier.wait()
        cycles = 0
        while not importing and cycles < 5000:
            for cid in mine:
                await caller.request(
                    "POST", f"{NATIVE}/lists/{list_id}/members", json={"contact_ids": [cid]}
                )
            await caller.request(
                "POST", f"{NATIVE}/lists/{list_id}/members/remove", json={"contact_ids": mine}
            )
            cycles += 1
        if index == 0:
            await runner
        return cycles

    started = time.monotonic()
    cycles, tally = together(clients, account.base, account.headers(), client)
    findings = Findings()
    findings.note(
        f"the import of {rows:,} rows took {time.monotonic() - started:.1f} s while the API "
        f"clients made {sum(cycles)} attach/detach cycles ({tally.summary()})"
    )
    findings.equal("import exit status", importing.get("code"), 0)
    findings.expect(
        "Traceback" not in importing.get("err", ""),
        "the import printed a traceback: " + importing.get("err", "")[-600:],
    )
    try:
        summary = json.loads(importing.get("out", ""))
    except ValueError:
        summary = {"unreadable": importing.get("out", "")[-300:]}
    findings.equal(
        "import summary",
        {k: summary.get(k) for k in expected.counts()},
        expected.counts(),
    )
    no_failures(findings, tally, "attach and detach during the import")
    findings.expect(min(cycles) > 0, f"a client made no attach/detach cycle: {cycles}")
    imported = member_ids(account.native, list_id)
    findings.equal("real members (the imported contacts)", len(imported), expected.created)
    stored = list_counters(account.native, list_id)
    findings.equal("list items", stored["items"], expected.created)
    total = clients * per_client + expected.created
    findings.equal("account totals", account_totals(account.native), (total, total))
    findings.conclude(account.database_url, account.id, account.log)

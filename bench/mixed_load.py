"""A mixed write load on one account, as an asyncio load generator: N connections, each a task
with its own HTTP connection, drawing operations by weight until the time is up.

Reads (get by id, a page of a list), PATCHes of custom fields on a hot set of contacts (native,
Notificore PUT, HelpCrunch PATCH), creates with lists, deletes of what the run created, and
list attach/detach (native and Notificore). Every reply is kept: status and latency per
operation.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

NATIVE = "/contactbook/v1"
# A slow reply is a latency to report, not an error.
TIMEOUT = 60.0

# (operation, weight in %): a quarter creates, the rest reads, changes, deletes and memberships.
MIX = [
    ("get by id", 15),
    ("list page", 15),
    ("native PATCH custom fields", 9),
    ("notificore PUT", 3),
    ("helpcrunch PATCH", 3),
    ("create with lists", 25),
    ("delete", 10),
    ("attach", 10),
    ("detach", 10),
]
PLANS = ["free", "basic", "pro", "gold"]


@dataclass
class Target:
    """What the load writes to: one account, its lists, a hot set of contacts."""

    base: str
    account_id: int
    key: str
    bsg_token: str
    plan_field_id: int
    list_ids: list[int]
    readable: list[int]
    hot: list[dict[str, Any]]  # {"id", "phone"} of contacts every writer touches
    created: list[int] = field(default_factory=list)
    serial: int = 0

    def next_phone(self) -> str:
        """A phone no seeded contact has (the dataset's UK numbers use 7400-7900)."""
        self.serial += 1
        return f"+447300{self.serial:06d}"


@dataclass
class Sample:
    op: str
    status: int | None  # None: no reply (connection dropped, timed out)
    seconds: float


@dataclass
class Result:
    seconds: float
    samples: list[Sample]

    def figures(self) -> dict[str, Any]:
        return summarise(self.samples, self.seconds)

    def by_operation(self) -> dict[str, dict[str, Any]]:
        ops: dict[str, list[Sample]] = {}
        for sample in self.samples:
            ops.setdefault(sample.op, []).append(sample)
        return {op: summarise(found, self.seconds) for op, found in sorted(ops.items())}


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    times = sorted(s.seconds for s in samples)
    statuses = Counter("no reply" if s.status is None else str(s.status) for s in samples)
    errors = sum(1 for s in samples if s.status is None or s.status >= 400)

    def quantile(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * len(times)))] * 1000, 1) if times else 0.0

    return {
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 1) if seconds else 0.0,
        "errors": errors,
        "error_rate": round(errors / len(samples), 4) if samples else 0.0,
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": quantile(0.50),
        "p95_ms": quantile(0.95),
        "p99_ms": quantile(0.99),
        "max_ms": quantile(1.0),
    }


def _request(target: Target, op: str, rng: random.Random) -> tuple[str, str, dict[str, Any]]:
    """(method, path, httpx keyword arguments) of one operation."""
    native = {"Authorization": f"Bearer {target.key}"}
    bsg = {"Authorization": f"Bearer {target.bsg_token}"}
    hot = rng.choice(target.hot)
    some = [c["id"] for c in rng.sample(target.hot, 3)]
    a_list = rng.choice(target.list_ids)
    if op == "get by id":
        return "GET", f"{NATIVE}/contacts/{rng.choice(target.readable)}", {"headers": native}
    if op == "list page":
        return "GET", f"{NATIVE}/contacts", {"params": {"list": a_list, "limit": 30}, "headers": native}  # fmt: skip
    if op == "native PATCH custom fields":
        body = {"custom_fields": {"plan": rng.choice(PLANS), "referral": f"r{rng.randrange(99)}"}}
        return "PATCH", f"{NATIVE}/contacts/{hot['id']}", {"json": body, "headers": native}
    if op == "notificore PUT":
        body = {
            "phone": int(hot["phone"][1:]),
            "fields": [{"id": target.plan_field_id, "value": rng.choice(PLANS)}],
        }
        return "PUT", f"/api/contacts/{hot['id']}", {"json": body, "headers": bsg}
    if op == "helpcrunch PATCH":
        body = {"customData": [{"property": "referral", "value": f"h{rng.randrange(99)}"}]}
        return "PATCH", f"/v1/customers/{hot['id']}", {"json": body, "headers": native}
    if op == "delete" and target.created:
        victim = target.created.pop(rng.randrange(len(target.created)))
        return "DELETE", f"{NATIVE}/contacts/{victim}", {"headers": native}
    if op == "attach":
        if rng.random() < 0.5:
            body = {"contacts": some, "groups": [a_list]}
            return "POST", "/api/groups/attach", {"json": body, "headers": bsg}
        return "POST", f"{NATIVE}/lists/{a_list}/members", {"json": {"contact_ids": some}, "headers": native}  # fmt: skip
    if op == "detach":
        if rng.random() < 0.5:
            body = {"contacts": some, "groups": [a_list]}
            return "POST", "/api/groups/detach", {"json": body, "headers": bsg}
        return "POST", f"{NATIVE}/lists/{a_list}/members/remove", {"json": {"contact_ids": some}, "headers": native}  # fmt: skip
    # a create (also when there is nothing of this run's to delete yet)
    body = {
        "phone": target.next_phone(),
        "name": f"Load {target.serial}",
        "lists": rng.sample(target.list_ids, rng.randrange(1, 3)),
        "custom_fields": {"plan": rng.choice(PLANS)},
        "tags": ["load"],
    }
    return "POST", f"{NATIVE}/contacts", {"json": body, "headers": native}


async def _connection(target: Target, seed: int, deadline: float, samples: list[Sample]) -> None:
    rng = random.Random(seed)
    ops = [op for op, _ in MIX]
    weights = [weight for _, weight in MIX]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=target.base, timeout=TIMEOUT, limits=limits) as client:
        while time.monotonic() < deadline:
            op = rng.choices(ops, weights)[0]
            method, path, options = _request(target, op, rng)
            if method == "POST" and path == f"{NATIVE}/contacts":
                op = "create with lists"
            started = time.monotonic()
            try:
                reply: httpx.Response | None = await client.request(method, path, **options)
            except httpx.TransportError:
                reply = None
            status = None if reply is None else reply.status_code
            samples.append(Sample(op, status, time.monotonic() - started))
            if reply is not None and op == "create with lists" and status == 201:
                target.created.append(int(reply.json()["id"]))


async def _drive(target: Target, connections: int, seconds: float, seed: int) -> Result:
    samples: list[Sample] = []
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection(target, seed * 1000 + n, deadline, samples) for n in range(connections))
    )
    return Result(time.monotonic() - started, samples)


def drive(target: Target, connections: int, seconds: float, seed: int = 11) -> Result:
    """Run the mix with `connections` connections for `seconds`; every reply recorded."""
    return asyncio.run(_drive(target, connections, seconds, seed))

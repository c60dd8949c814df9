"""Many clients at once against a served process: each with its own HTTP connection, released
together by a barrier, every reply (or dropped connection) recorded.

The clients run as tasks of one event loop, so the requests of one round leave within a few
milliseconds of each other; each task keeps one connection, as separate client programs would.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

# A hang guard, not a speed assertion: a request that takes this long has stopped.
REQUEST_TIMEOUT = 60.0


@dataclass
class Outcome:
    """One request: its status (None when no reply came), how long it took, and for a failure
    what the reply or the transport said."""

    method: str
    path: str
    status: int | None
    seconds: float
    detail: str = ""


@dataclass
class Tally:
    """Every request the crowd made."""

    outcomes: list[Outcome] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def requests(self) -> int:
        return len(self.outcomes)

    def statuses(self) -> Counter[int | None]:
        return Counter(o.status for o in self.outcomes)

    def server_errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is not None and o.status >= 500]

    def dropped(self) -> list[Outcome]:
        """Requests that got no reply: the connection was closed, reset or timed out."""
        return [o for o in self.outcomes if o.status is None]

    def not_2xx(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is None or not 200 <= o.status < 300]

    def latency(self, quantile: float) -> float:
        times = sorted(o.seconds for o in self.outcomes)
        if not times:
            return 0.0
        return times[min(len(times) - 1, int(quantile * len(times)))]

    def summary(self) -> str:
        """`412 requests: 400 x 200, 12 x 500; 0 dropped; p50 12 ms, max 3,100 ms`, with
        the first few failures' details."""
        counts = ", ".join(
            f"{n} x {'no reply' if status is None else status}"
            for status, n in sorted(self.statuses().items(), key=lambda kv: kv[0] or 0)
        )
        text = (
            f"{self.requests} requests: {counts}; {len(self.dropped())} dropped; "
            f"p50 {self.latency(0.5) * 1000:,.0f} ms, max {self.latency(1.0) * 1000:,.0f} ms"
        )
        failures = self.not_2xx()
        if failures:
            kinds = Counter(f"{o.status}: {o.detail[:160]}" for o in failures)
            text += "; failures: " + " | ".join(f"{n} x {kind}" for kind, n in kinds.most_common(4))
        return text


class Caller:
    """One client with one connection; every request goes into the shared tally."""

    def __init__(self, client: httpx.AsyncClient, tally: Tally) -> None:
        self.client = client
        self.tally = tally

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        """The reply, or None when the connection gave none (recorded as dropped)."""
        started = time.monotonic()
        try:
            reply = await self.client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            self.tally.record(
                Outcome(method, path, None, time.monotonic() - started, type(exc).__name__)
            )
            return None
        detail = "" if reply.status_code < 300 else reply.text[:300]
        self.tally.record(
            Outcome(method, path, reply.status_code, time.monotonic() - started, detail)
        )
        return reply


def caller_client(base_url: str, headers: dict[str, str]) -> httpx.AsyncClient:
    """An HTTP client with exactly one connection (a separate client program)."""
    return httpx.AsyncClient(
        base_url=base_url,
        headers=headers,
        timeout=REQUEST_TIMEOUT,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    )


async def _gather(
    count: int,
    base_url: str,
    headers: dict[str, str],
    work: Callable[[int, Caller, asyncio.Barrier], Awaitable[T]],
    tally: Tally,
) -> list[T]:
    barrier = asyncio.Barrier(count)
    clients = [caller_client(base_url, headers) for _ in range(count)]
    try:
        return list(
            await asyncio.gather(
                *(
                    work(index, Caller(client, tally), barrier)
                    for index, client in enumerate(clients)
                )
            )
        )
    finally:
        for client in clients:
            await client.aclose()


def together(
    count: int,
    base_url: str,
    headers: dict[str, str],
    work: Callable[[int, Caller, asyncio.Barrier], Awaitable[T]],
    tally: Tally | None = None,
) -> tuple[list[T], Tally]:
    """Run `work(index, caller, barrier)` for `count` clients at once; each awaits the
    barrier before every step it wants to start in step with the others (requests take
    `headers`, or their own). Returns each
    client's result and the tally of every request made."""
    tally = tally if tally is not None else Tally()
    results = asyncio.run(_gather(count, base_url, headers, work, tally))
    return results, tally

"""Recently verified credentials, trusted only while this process knows none was revoked.

A hit skips the database, so a request pays no query to authenticate. What keeps a revoked key
from living on in the caches of other processes is the credentials revision: a number in the
database that every revocation moves in its own transaction. Each process polls it every
`POLL_SECONDS` (one primary-key read) and drops all its entries when it moved. An entry is
served only while the last poll that found the revision unchanged started less than
`FRESH_FOR_SECONDS` ago; so a key revoked at T is refused everywhere from T + FRESH_FOR_SECONDS
on, even when polling stalls (the database is slow, the loop is busy): then lookups simply go
to the database, as with no cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from contactbook.domain.accounts import hash_key
from contactbook.domain.context import RequestContext

log = logging.getLogger("contactbook.auth")

POLL_SECONDS = 0.5
# Under a second with room for a slow poll: the promise is "within one second".
FRESH_FOR_SECONDS = 0.9
_POLL_TIMEOUT_SECONDS = 5.0
_COMPLAIN_EVERY_SECONDS = 60.0


class AuthCache:
    """Verified callers by the hash of their credential; entries live `ttl` seconds at most."""

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[float, RequestContext]] = OrderedDict()
        self._revision: int | None = None
        self._confirmed_at = -math.inf
        # Moves on every clear: a load that began before one must not store what it read.
        self._generation = 0

    async def get_or_load(
        self, secret: str, load: Callable[[], Awaitable[RequestContext]]
    ) -> RequestContext:
        now = time.monotonic()
        digest = hash_key(secret)  # keep no plain keys in memory
        if now - self._confirmed_at < FRESH_FOR_SECONDS:
            hit = self._entries.get(digest)
            if hit is not None and hit[0] > now:
                return hit[1]
        generation = self._generation
        ctx = await load()
        if self.ttl > 0 and generation == self._generation:
            self._entries[digest] = (now + self.ttl, ctx)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return ctx

    def confirm(self, revision: int, polled_at: float) -> None:
        """Record the revision a poll started at `polled_at` (monotonic) read: entries are
        dropped if it moved, and trusted for a while from then on."""
        if revision != self._revision:
            self.clear()
            self._revision = revision
        self._confirmed_at = max(self._confirmed_at, polled_at)

    def clear(self) -> None:
        self._entries.clear()
        self._generation += 1


class CredentialsWatch:
    """Polls the credentials revision for an `AuthCache`, from the app's start to its stop."""

    def __init__(self, cache: AuthCache, read_revision: Callable[[], Awaitable[int]]) -> None:
        self.cache = cache
        self.read_revision = read_revision
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.cache.ttl > 0:  # nothing is cached otherwise
            self._task = asyncio.create_task(self._run(), name="contactbook-credentials")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        complained_at = -math.inf
        while True:
            started = time.monotonic()
            try:
                async with asyncio.timeout(_POLL_TIMEOUT_SECONDS):
                    revision = await self.read_revision()
            except Exception as exc:  # whatever failed, the poll goes on
                # Unconfirmed, the cache is not trusted: requests are checked in the database.
                if started - complained_at >= _COMPLAIN_EVERY_SECONDS:
                    complained_at = started
                    log.warning("cannot read the credentials revision, not caching keys: %r", exc)
            else:
                self.cache.confirm(revision, started)
            await asyncio.sleep(POLL_SECONDS)

"""Request rate limits per API key, for any dialect that applies them.

The limit comes from the settings (`rate_limit`, e.g. "120/minute"). Counters live in memory
for one process, or in Redis when `redis_url` is set, so every process of an installation
shares one count. A key is counted by its hash, never by the key itself. Each dialect counts
in its own namespace and renders `RateLimited` in its own envelope.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from contactbook.domain.accounts import hash_key
from contactbook.domain.errors import RateLimited
from contactbook.settings import Settings
from contactbook.web.runtime import Runtime

log = logging.getLogger("contactbook.ratelimit")

_EXTRAS_KEY = "rate_limiter"


class RateLimiter:
    """A moving window of `rate` requests per API key and namespace."""

    def __init__(self, rate: str, redis_url: str | None = None, prefix: str = "contactbook"):
        self.item: RateLimitItem = parse(rate)
        self.shared = redis_url is not None
        storage: Storage
        if redis_url is not None:
            storage = RedisStorage(
                _async_uri(redis_url),
                implementation="redispy",
                key_prefix=f"{prefix}:ratelimit",
                wrap_exceptions=True,
            )
        else:
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        """The limiter `settings` ask for; None when rate limiting is off.

        Raises: ValueError when `rate_limit` is not in the `limits` notation.
        """
        if not settings.rate_limit_enabled:
            return None
        return cls(settings.rate_limit, settings.redis_url, settings.rate_limit_prefix)

    async def hit(self, namespace: str, api_key: str) -> None:
        """Count one request of `api_key` in `namespace`.

        Raises: RateLimited with the whole seconds until a request is allowed again.
        """
        identity = hash_key(api_key.strip())
        try:
            if await self._limiter.hit(self.item, namespace, identity):
                return
            stats = await self._limiter.get_window_stats(self.item, namespace, identity)
        except StorageError as exc:
            # An unreachable Redis must not take the API down with it: serve unlimited and
            # say so in the log until it is back.
            log.warning("rate limit storage unavailable, not limiting: %s", exc.storage_error)
            return
        raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))


def rate_limiter(runtime: Runtime) -> RateLimiter | None:
    """The process's limiter (built from its settings on first use); None when disabled."""
    if _EXTRAS_KEY not in runtime.extras:
        runtime.extras[_EXTRAS_KEY] = RateLimiter.from_settings(runtime.settings)
    limiter = runtime.extras[_EXTRAS_KEY]
    assert limiter is None or isinstance(limiter, RateLimiter)
    return limiter


async def enforce_rate_limit(runtime: Runtime, namespace: str, api_key: str | None) -> None:
    """Count a request of `api_key` (an authenticated caller) against the process's limit.

    Raises: RateLimited.
    """
    limiter = rate_limiter(runtime)
    if limiter is not None and api_key:
        await limiter.hit(namespace, api_key)


def _async_uri(url: str) -> str:
    """`redis://…` → `async+redis://…`, the scheme `limits` expects for asyncio storage."""
    return url if url.startswith("async+") else "async+" + url

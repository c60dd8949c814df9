"""Request rate limits per API key, for any dialect that applies them.

The limit comes from the settings (`rate_limit`, e.g. "120/minute"). Counters live in memory
for one process, or in Redis when `redis_url` is set, so every process of an installation
shares one count. A key is counted by its hash, never by the key itself. Each dialect counts
in its own namespace and renders `RateLimited` in its own envelope.

Redis is asked with a short timeout (`redis_timeout_seconds`, 50 ms): a Redis that fails or
hangs must not slow the API. Until it answers again the process counts in its own memory (the
limit then holds per process), asks Redis again at most once a second, and says so in the log
once a minute, not once a request.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from contactbook.domain.accounts import hash_key
from contactbook.domain.errors import RateLimited
from contactbook.settings import Settings
from contactbook.web.runtime import Runtime

log = logging.getLogger("contactbook.ratelimit")

_EXTRAS_KEY = "rate_limiter"
# While Redis is out, one request a second tries it (and pays at most the timeout).
RETRY_SECONDS = 1.0
LOG_EVERY_SECONDS = 60.0


class RateLimiter:
    """A moving window of `rate` requests per API key and namespace."""

    def __init__(
        self,
        rate: str,
        redis_url: str | None = None,
        prefix: str = "contactbook",
        timeout: float = 0.05,
    ) -> None:
        self.item: RateLimitItem = parse(rate)
        self.shared = redis_url is not None
        self.timeout = timeout
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._redis: MovingWindowRateLimiter | None = None
        if redis_url is not None:
            storage = RedisStorage(
                _async_uri(redis_url),
                implementation="redispy",
                key_prefix=f"{prefix}:ratelimit",
                wrap_exceptions=True,
                # The socket gives up too, so no call outlives the timeout below (redis-py
                # would otherwise wait 5 s for a hung server, and retry).
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
            )
            self._redis = MovingWindowRateLimiter(storage)
        self._redis_out = False
        self._retry_at = -math.inf
        self._logged_out_at = -math.inf
        self._logged_back_at = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        """The limiter `settings` ask for; None when rate limiting is off.

        Raises: ValueError when `rate_limit` is not in the `limits` notation.
        """
        if not settings.rate_limit_enabled:
            return None
        return cls(
            settings.rate_limit,
            settings.redis_url,
            settings.rate_limit_prefix,
            settings.redis_timeout_seconds,
        )

    async def hit(self, namespace: str, api_key: str) -> None:
        """Count one request of `api_key` in `namespace`.

        Raises: RateLimited with the whole seconds until a request is allowed again.
        """
        identity = hash_key(api_key.strip())
        answered, wait = await self._hit_shared(namespace, identity)
        if not answered:
            wait = await _count(self._local, self.item, namespace, identity)
        if wait is not None:
            raise RateLimited(wait)

    async def _hit_shared(self, namespace: str, identity: str) -> tuple[bool, int | None]:
        """Count in Redis: (answered, None when allowed or the seconds to wait). Not answered
        when there is no Redis, it is out, or it did not answer in time."""
        if self._redis is None:
            return False, None
        now = time.monotonic()
        if self._redis_out and now < self._retry_at:
            return False, None
        try:
            async with asyncio.timeout(self.timeout):
                wait = await _count(self._redis, self.item, namespace, identity)
        except (StorageError, TimeoutError) as exc:
            self._out(now, exc)
            return False, None
        if self._redis_out:
            self._redis_out = False
            if now - self._logged_back_at >= LOG_EVERY_SECONDS:
                self._logged_back_at = now
                log.warning("rate limit storage answers again: counting in Redis")
        return True, wait

    def _out(self, now: float, exc: Exception) -> None:
        self._redis_out = True
        self._retry_at = now + RETRY_SECONDS
        if now - self._logged_out_at >= LOG_EVERY_SECONDS:
            self._logged_out_at = now
            reason = exc.storage_error if isinstance(exc, StorageError) else exc
            log.warning(
                "rate limit storage did not answer within %d ms (%r): counting in this "
                "process's memory until it does (logged at most once a minute)",
                round(self.timeout * 1000),
                reason,
            )


async def _count(
    limiter: MovingWindowRateLimiter, item: RateLimitItem, namespace: str, identity: str
) -> int | None:
    """Count a hit: None when allowed, else the whole seconds until one is."""
    if await limiter.hit(item, namespace, identity):
        return None
    stats = await limiter.get_window_stats(item, namespace, identity)
    return max(1, math.ceil(stats.reset_time - time.time()))


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

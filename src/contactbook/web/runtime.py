"""What every request handler shares in one process: settings, the database, caches."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi.telemetry import TelemetryConfig

from contactbook.domain.accounts import hash_key
from contactbook.domain.context import RequestContext
from contactbook.settings import Settings
from contactbook.storage.uow import Database
from contactbook.web.response_cache import ResponseCache


class AuthCache:
    """Recently verified API keys: a hit skips the database; entries live `ttl` seconds, so a
    revoked key stops working within that time."""

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[str, tuple[float, RequestContext]] = OrderedDict()

    async def get_or_load(
        self, secret: str, load: Callable[[], Awaitable[RequestContext]]
    ) -> RequestContext:
        now = time.monotonic()
        secret = hash_key(secret)  # keep no plain keys in memory
        hit = self._entries.get(secret)
        if hit is not None and hit[0] > now:
            return hit[1]
        ctx = await load()
        if self.ttl > 0:
            self._entries[secret] = (now + self.ttl, ctx)
            self._entries.move_to_end(secret)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return ctx

    def clear(self) -> None:
        self._entries.clear()


def telemetry_config(settings: Settings) -> TelemetryConfig:
    """FastAPI's telemetry switches for every app of this process."""
    on = settings.telemetry
    return {"tracing": on, "metrics": on, "logs": on}


@dataclass
class Runtime:
    """Per-process state of the web app."""

    settings: Settings
    db: Database
    auth_cache: AuthCache
    responses: ResponseCache
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        db = Database(settings.database_url, pool_size=settings.db_pool_size)
        return cls(
            settings=settings,
            db=db,
            auth_cache=AuthCache(settings.auth_cache_seconds),
            responses=ResponseCache(db, settings.response_cache_mib),
        )

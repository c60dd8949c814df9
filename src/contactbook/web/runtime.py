"""What every request handler shares in one process: settings, the database, caches."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi.telemetry import TelemetryConfig

from contactbook.settings import Settings
from contactbook.storage.uow import Database
from contactbook.web.auth_cache import AuthCache
from contactbook.web.response_cache import ResponseCache


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

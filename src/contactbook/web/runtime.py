"""What every request handler shares in one process: settings, the database, caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from fastapi.telemetry import TelemetryConfig

from contactbook.settings import Settings
from contactbook.storage.uow import Database
from contactbook.web.auth_cache import AuthCache
from contactbook.web.response_cache import ResponseCache


def telemetry_config(settings: Settings) -> TelemetryConfig:
    """FastAPI's telemetry switches for every app of this process."""
    on = settings.telemetry
    return {"tracing": on, "metrics": on, "logs": on}


class JobWaker(Protocol):
    """The process's job runner, as a request that queued a job sees it."""

    def wake(self) -> None:
        """Look for queued jobs now rather than at the next idle poll."""


@dataclass
class Runtime:
    """Per-process state of the web app.

    `extras` holds what a module builds lazily for itself (the rate limiter, the installation
    secret, Notificore's signing keys…), under a slot name private to that module, which checks
    the type of what it reads back.
    """

    settings: Settings
    db: Database
    auth_cache: AuthCache
    responses: ResponseCache
    # None until the app sets its worker (and in a process that runs no jobs).
    jobs: JobWaker | None = None
    extras: dict[str, object] = field(default_factory=dict)

    def wake_jobs(self) -> None:
        """Tell the job runner, if this process has one, that a job was queued."""
        if self.jobs is not None:
            self.jobs.wake()

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        db = Database(settings.database_url, pool_size=settings.db_pool_size)
        return cls(
            settings=settings,
            db=db,
            auth_cache=AuthCache(settings.auth_cache_seconds),
            responses=ResponseCache(db, settings.response_cache_mib),
        )

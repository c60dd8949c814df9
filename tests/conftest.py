"""Shared fixtures: one fresh database and one live server per session; a fresh account per
test, so tests never see each other's data."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactbook.settings import Settings
from contactbook.storage.migrate import migrate
from tests.support.databases import fresh_database, postgres_server_url
from tests.support.factories import Tenant, make_tenant
from tests.support.live import LiveServer


def pytest_report_header() -> str:
    return "database: " + ("PostgreSQL" if postgres_server_url() else "SQLite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(Path(tmp_path_factory.mktemp("db"))) as url:
        asyncio.run(migrate(url))
        yield url


def secret_file_for(database_url: str) -> Path:
    """Where in-process test servers of `database_url` keep their token secret."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "contactbook-tests" / f"{digest}.secret"


def test_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "auth_cache_seconds": 0,
        "rate_limit_enabled": False,
        "db_pool_size": 5,
        # Outside the working folder, which PostgreSQL installations would otherwise use.
        "secret_file": str(secret_file_for(database_url)),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[LiveServer]:
    live = LiveServer(test_settings(database_url)).start()
    yield live
    live.stop()


@pytest.fixture
def tenant(server: LiveServer) -> Iterator[Tenant]:
    made = make_tenant(server)
    yield made
    made.close()


@pytest.fixture
def other_tenant(server: LiveServer) -> Iterator[Tenant]:
    made = make_tenant(server)
    yield made
    made.close()


@pytest.fixture
def ua_tenant(server: LiveServer) -> Iterator[Tenant]:
    made = make_tenant(server, default_region="UA")
    yield made
    made.close()

"""One fresh database per module, served by `contactbook serve --workers 2` (which migrates it),
and a fresh account per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.databases import fresh_database
from tests.support.observed import LogWatch
from tests.support.served import ServedProcess, new_account

NATIVE = "/contactbook/v1"


@dataclass
class Stage:
    """The module's database and the server in front of it."""

    database_url: str
    directory: Path
    served: ServedProcess


@dataclass
class Account:
    """A fresh account on the stage, with a native client and what a test made in it."""

    id: int
    key: str
    stage: Stage
    native: httpx.Client
    log: LogWatch
    made: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.stage.served.url

    @property
    def database_url(self) -> str:
        return self.stage.database_url

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def notificore_headers(self) -> dict[str, str]:
        reply = httpx.post(self.base + "/api/auth/login", json={"api_key": self.key}, timeout=30)
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['bearer']}"}

    def chatwoot_headers(self) -> dict[str, str]:
        return {"api_access_token": self.key}

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.native.post(path, json=body)
        assert reply.status_code == 201, f"{path}: {reply.status_code} {reply.text}"
        created: dict[str, Any] = reply.json()
        return created

    def new_list(self, name: str) -> int:
        return int(self.create("/lists", {"name": name})["id"])

    def new_fields(self, keys: list[str]) -> dict[str, int]:
        """Text fields by key; their ids."""
        return {key: int(self.create("/fields", {"name": key, "key": key})["id"]) for key in keys}

    def new_contact(self, **body: Any) -> int:
        return int(self.create("/contacts", body)["id"])


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    directory = Path(tmp_path_factory.mktemp("reliability"))
    with fresh_database(directory) as url:
        served = ServedProcess(url, directory, workers=2)
        try:
            yield Stage(url, directory, served)
        finally:
            served.stop()


@pytest.fixture
def account(stage: Stage) -> Iterator[Account]:
    account_id, key = new_account(stage.database_url)
    native = httpx.Client(
        base_url=stage.served.url + NATIVE,
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    try:
        yield Account(account_id, key, stage, native, LogWatch(stage.served.log_path))
    finally:
        native.close()

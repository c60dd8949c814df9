"""Builders that go through the services, the way an operator would."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from contactbook.domain.context import RequestContext
from contactbook.services import accounts
from contactbook.storage.uow import UnitOfWork
from tests.support.live import LiveServer

T = TypeVar("T")
_names = itertools.count(1)


@dataclass
class Tenant:
    """A fresh account with its key and a native client."""

    account_id: int
    api_key: str
    ctx: RequestContext
    server: LiveServer
    native: httpx.Client

    def unit(self, work: Callable[[UnitOfWork], Awaitable[T]], *, write: bool = True) -> T:
        """Run `work` in a unit of work bound to this account, on the server's loop."""
        return in_unit(self.server, self.ctx, work, write=write)

    def close(self) -> None:
        self.native.close()


def in_unit(
    server: LiveServer,
    ctx: RequestContext | None,
    work: Callable[[UnitOfWork], Awaitable[T]],
    *,
    write: bool = True,
) -> T:
    async def go() -> T:
        assert server.db is not None
        async with server.db.unit(ctx, write=write) as uow:
            return await work(uow)

    return server.call(go)


def make_tenant(
    server: LiveServer,
    *,
    name: str | None = None,
    default_region: str | None = None,
    test_mode: bool = False,
) -> Tenant:
    created = in_unit(
        server,
        None,
        lambda uow: accounts.create_account(
            uow, name or f"Tenant {next(_names)}", test_mode=test_mode,
            default_region=default_region,
        ),
    )  # fmt: skip
    ctx = RequestContext(
        account_id=created.account.id,
        test_mode=test_mode,
        default_region=created.account.default_region,
        key_id=created.key.key.id,
    )
    client = httpx.Client(
        base_url=server.url + "/contactbook/v1",
        headers={"Authorization": f"Bearer {created.key.secret}"},
        timeout=30,
    )
    return Tenant(created.account.id, created.key.secret, ctx, server, client)


def json_of(response: httpx.Response) -> Any:
    """The JSON body, failing with the body text when it is not JSON."""
    try:
        return response.json()
    except ValueError as exc:  # pragma: no cover - diagnostic
        raise AssertionError(f"not JSON ({response.status_code}): {response.text!r}") from exc

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


def make_contact(native: httpx.Client, **fields: Any) -> dict[str, Any]:
    """A contact created through the native API (`native` is its client); its body."""
    response = native.post("/contacts", json=fields)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def make_contacts(native: httpx.Client, *bodies: dict[str, Any]) -> list[int]:
    """One native contact per body, in order; their ids."""
    return [int(make_contact(native, **body)["id"]) for body in bodies]


def make_list(native: httpx.Client, name: str, **fields: Any) -> int:
    """A list created through the native API; its id."""
    response = native.post("/lists", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def make_chatwoot_contact(cw: httpx.Client, **body: Any) -> dict[str, Any]:
    """A contact created through the Chatwoot API (which answers 200); its `contact`."""
    response = cw.post("/contacts", json=body)
    assert response.status_code == 200, response.text
    made: dict[str, Any] = response.json()["payload"]["contact"]
    return made


def make_customer(hc: httpx.Client, **body: Any) -> dict[str, Any]:
    """A customer created through the HelpCrunch API; its body."""
    response = hc.post("/customers", json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made

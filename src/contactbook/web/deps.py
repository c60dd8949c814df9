"""Request-scoped helpers shared by the dialects: the runtime and API-key authentication."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from contactbook.domain.context import RequestContext
from contactbook.domain.errors import Unauthenticated
from contactbook.services import accounts
from contactbook.web.runtime import Runtime


def runtime_of(conn: HTTPConnection) -> Runtime:
    """The process runtime; every dialect app carries the same one in its state."""
    runtime: Runtime = conn.app.state.runtime
    return runtime


async def context_for_api_key(runtime: Runtime, secret: str | None) -> RequestContext:
    """The caller an API key stands for (cached for a few seconds).

    Raises: Unauthenticated.
    """
    if not secret or not secret.strip():
        raise Unauthenticated("Missing API key.")

    async def load() -> RequestContext:
        async with runtime.db.unit(write=False) as uow:
            return await accounts.authenticate(uow, secret)

    return await runtime.auth_cache.get_or_load(secret.strip(), load)


def bearer_token(header: str | None) -> str | None:
    """The token of `Authorization: Bearer <token>` (scheme case-insensitive; the documented
    `Bearer: <token>` typo accepted)."""
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    if scheme.rstrip(":").lower() != "bearer":
        return None
    token = rest.strip()
    return token or None

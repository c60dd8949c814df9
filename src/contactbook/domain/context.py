"""Who is asking: the account and the key's scopes, fixed for one request."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from contactbook.domain.errors import Forbidden


class KeyScope(StrEnum):
    """What an API key may do. Each scope includes the ones before it."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class Source(StrEnum):
    """Which door a write came through."""

    NATIVE = "native"
    NOTIFICORE = "notificore"
    CHATWOOT = "chatwoot"
    HELPCRUNCH = "helpcrunch"
    IMPORT = "import"
    CLI = "cli"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Origin:
    """Who wrote, and from where: the same for every record of one request or job batch."""

    source: Source = Source.SYSTEM
    actor_type: str | None = None  # "api_key" (later "user")
    actor_id: int | None = None
    request_id: str | None = None
    job_id: int | None = None


_RANK = {KeyScope.READ: 0, KeyScope.WRITE: 1, KeyScope.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The tenant and authority of one caller; every service takes one."""

    account_id: int
    scopes: frozenset[KeyScope] = frozenset({KeyScope.READ, KeyScope.WRITE, KeyScope.ADMIN})
    test_mode: bool = False
    default_region: str | None = None
    key_id: int | None = None
    # Where the caller's writes are recorded as coming from (see domain.changes).
    source: Source = Source.SYSTEM
    request_id: str | None = None
    job_id: int | None = None

    def origin(self) -> Origin:
        """What the change records of this caller's writes say about who made them."""
        return Origin(
            source=self.source,
            actor_type="api_key" if self.key_id is not None else None,
            actor_id=self.key_id,
            request_id=self.request_id,
            job_id=self.job_id,
        )

    def through(self, source: Source, request_id: str | None = None) -> RequestContext:
        """This caller writing through `source` (a dialect, the CLI, an import)."""
        return replace(self, source=source, request_id=request_id)

    def allows(self, scope: KeyScope) -> bool:
        return any(_RANK[held] >= _RANK[scope] for held in self.scopes)

    def require(self, scope: KeyScope) -> None:
        """Raises: Forbidden when the caller's key lacks `scope`."""
        if not self.allows(scope):
            raise Forbidden(f"This API key lacks the {scope.value} scope.", scope=scope.value)

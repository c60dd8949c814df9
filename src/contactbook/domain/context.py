"""Who is asking: the account and the key's scopes, fixed for one request."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from contactbook.domain.errors import Forbidden


class KeyScope(StrEnum):
    """What an API key may do. Each scope includes the ones before it."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


_RANK = {KeyScope.READ: 0, KeyScope.WRITE: 1, KeyScope.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The tenant and authority of one caller; every service takes one."""

    account_id: int
    scopes: frozenset[KeyScope] = frozenset({KeyScope.READ, KeyScope.WRITE, KeyScope.ADMIN})
    test_mode: bool = False
    default_region: str | None = None
    key_id: int | None = None

    def allows(self, scope: KeyScope) -> bool:
        return any(_RANK[held] >= _RANK[scope] for held in self.scopes)

    def require(self, scope: KeyScope) -> None:
        """Raises: Forbidden when the caller's key lacks `scope`."""
        if not self.allows(scope):
            raise Forbidden(f"This API key lacks the {scope.value} scope.", scope=scope.value)

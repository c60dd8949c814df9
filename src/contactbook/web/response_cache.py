"""Recently rendered read responses, reused while the account's data has not changed.

A cached response is stored with the account's data version read *before* its data; every
committed write to the account moves the version (see `storage.uow`), so an entry is served
only while nothing it could depend on has been written, by any process. Entries are whole
responses (status, headers, body): a hit costs one tiny version query and no rendering.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from contactbook.domain.context import KeyScope, RequestContext
from contactbook.storage.uow import Database

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ResponseCache:
    """A per-process, size-bounded LRU of read responses."""

    def __init__(self, db: Database, max_mib: int) -> None:
        self.db = db
        self.max_bytes = max_mib * MIB
        self._entries: OrderedDict[tuple[object, ...], _Entry] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    async def respond(
        self,
        request: Request,
        ctx: RequestContext,
        produce: Callable[[], Awaitable[Response]],
        vary: tuple[object, ...] = (),
    ) -> Response:
        """The cached response for this request if still current, else `produce()` (cached
        when it is a 200). `vary` adds what besides method, path and query shapes the answer."""
        if not self.enabled:
            return await produce()
        ctx.require(KeyScope.READ)
        version = await self.db.data_version(ctx.account_id)
        key = (ctx.account_id, request.method, request.url.path, request.url.query, *vary)
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self._entries.move_to_end(key)
            self.hits += 1
            response = Response(entry.body, entry.status)
            response.raw_headers = list(entry.headers)
            return response
        self.misses += 1
        response = await produce()
        if response.status_code == 200 and isinstance(response.body, bytes):
            self._store(key, _Entry(version, 200, tuple(response.raw_headers), response.body))
        return response

    def _store(self, key: tuple[object, ...], entry: _Entry) -> None:
        size = len(entry.body) + 256
        if size > self.max_bytes // 8:
            return  # one huge page would evict everything else
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body) + 256
        self._entries[key] = entry
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body) + 256

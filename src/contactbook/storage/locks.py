"""The lock order every write follows, and the locks that are not row locks.

Every write transaction takes what it needs in this order, and never the other way round:

1. **phone buckets** (PostgreSQL advisory locks, ascending key): a writer that gives contacts
   a phone takes the buckets of those phones *shared*; a stop-list writer takes the buckets of
   its phones *exclusive*. So a phone's stop-list state cannot change while a contact is
   getting that phone, which is what keeps `stop_list_count` exact.
2. **contact rows** (ascending id), locked before they are read for a change (`FOR NO KEY
   UPDATE`; `FOR UPDATE` to delete). A read-modify-write of a contact therefore sees the last
   committed state and no concurrent change is lost. A stop-list writer locks the contacts
   holding its phones, so a membership change of such a contact finishes first or sees the
   new state.
3. **rows that belong to locked contacts** (memberships, tags, identities, events), changed by
   statements that say what they changed (`ON CONFLICT DO NOTHING RETURNING`, `DELETE …
   RETURNING`).
4. **list rows** (ascending id): the counters, applied at commit by `storage.ledger`; a list's
   own changes (rename, delete) lock it after the member contacts.
5. **the account's counter shard**: the last statement of every write (`storage.ledger`).

Job rows are locked only by job claims and by the batch that records its progress. API keys
and the instance's credentials revision are locked only by key changes, which touch no
contact or list, before the account's shard.

SQLite has one writer at a time (`BEGIN IMMEDIATE`), so none of these locks is needed there
and all of them are no-ops.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# Buckets per account: enough that writers of different phones rarely share one, few enough
# that a bulk write holding all of them stays far below PostgreSQL's lock table
# (max_locks_per_transaction, 64 per connection by default, shared by the server).
PHONE_BUCKETS = 32
# Advisory lock namespaces (the first key of the two-key form), so ours never meet another
# application's locks or the migration lock.
PHONES = 0x63627068  # "cbph"
JOBS = 0x63626A62  # "cbjb"

_SHARED = text(
    "SELECT pg_advisory_xact_lock_shared(:ns, k) FROM unnest(CAST(:keys AS integer[])) AS k"
)
_EXCLUSIVE = text("SELECT pg_advisory_xact_lock(:ns, k) FROM unnest(CAST(:keys AS integer[])) AS k")


def phone_keys(account_id: int, phones: Iterable[object]) -> list[int]:
    """The bucket keys of `phones` for the account, ascending (the order they are taken in)."""
    buckets = {zlib.crc32(str(phone).encode()) % PHONE_BUCKETS for phone in phones if phone}
    return sorted(((account_id * PHONE_BUCKETS + b) & 0x7FFFFFFF) for b in buckets)


async def lock_phones(
    conn: AsyncConnection, account_id: int, phones: Iterable[object], *, exclusive: bool
) -> None:
    """Take the phone buckets of `phones` until the transaction ends (step 1 of the order)."""
    if conn.dialect.name != "postgresql":
        return
    keys = phone_keys(account_id, phones)
    if keys:
        await conn.execute(_EXCLUSIVE if exclusive else _SHARED, {"ns": PHONES, "keys": keys})

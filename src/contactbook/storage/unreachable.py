"""A database that cannot be opened, told in words: which one (its password masked) and why.

The drivers say it in their own ways (an asyncpg error with a SQLSTATE, an `OSError` from the
socket, sqlite3's "unable to open database file"); operators need one line naming the URL and
the cause, not the traceback of the driver's connect call.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from contactbook.storage.engine import async_url, masked_url

# SQLSTATEs PostgreSQL answers a connection with before any statement runs.
_SQLSTATE_REASONS = {
    "3D000": "database does not exist",
    "28000": "authentication failed or unknown user",
    "28P01": "authentication failed or unknown user",
    "57P03": "the server is not accepting connections yet",
    "53300": "the server has too many connections",
}

# Other socket errors of a connect call; an OSError of any other kind (a file the command
# reads or writes) is not the database's.
_NETWORK_ERRNOS = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNRESET})


class DatabaseUnreachable(Exception):
    """The database at `url` cannot be opened, for `reason`."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = masked_url(url)
        self.reason = reason
        super().__init__(f"cannot open the database {self.url}: {reason}")


def _sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL names; None for another backend or an in-memory database."""
    target = async_url(url)
    if target.get_backend_name() != "sqlite" or target.database in (None, "", ":memory:"):
        return None
    if target.query.get("uri") or target.database.startswith("file:"):
        return None  # a URI filename: SQLite reads its options, the path is not ours to judge
    return Path(target.database)


def check_openable(url: str, *, create: bool) -> None:
    """Refuse, before any connection is tried, an SQLite file that cannot be opened: one in a
    folder that does not exist, a folder, or (unless `create`) one that does not exist. Opening
    a missing file creates it, which a mistyped path given to a read-only command must not do.
    (SQLite's own refusal, "unable to open database file", is raised in aiosqlite's thread,
    which can then write a traceback of its own once the caller's event loop is gone.)

    Raises: DatabaseUnreachable.
    """
    path = _sqlite_file(url)
    if path is None:
        return
    if not path.parent.is_dir():
        raise DatabaseUnreachable(url, "the folder of the SQLite file does not exist")
    if path.is_dir():
        raise DatabaseUnreachable(url, "the path names a folder, not an SQLite file")
    if not create and not path.exists():
        raise DatabaseUnreachable(url, "the SQLite file does not exist")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the driver error SQLAlchemy wraps, and what each was raised from."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending.extend(
            [orig if isinstance(orig, BaseException) else None, current.__cause__,
             current.__context__]
        )  # fmt: skip


def unreachable_reason(url: str, exc: BaseException) -> str | None:
    """Why the database at `url` could not be opened, if `exc` says it could not; None for
    any other error (those are bugs or the caller's mistakes, and keep their traceback)."""
    for error in _chain(exc):
        reason = _SQLSTATE_REASONS.get(str(getattr(error, "sqlstate", "")))
        if reason is not None:
            return reason
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, socket.gaierror):
            return "unknown host"
        if isinstance(error, TimeoutError):
            return "the connection timed out"
        if isinstance(error, sqlite3.OperationalError) and "unable to open" in str(error):
            path = _sqlite_file(url)
            if path is not None and not path.parent.is_dir():
                return "the folder of the SQLite file does not exist"
            return "the SQLite file cannot be opened (check its permissions)"
        if isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS:
            return str(error.strerror).lower()
    return None


def as_unreachable(url: str, exc: BaseException) -> DatabaseUnreachable | None:
    """`exc` as a `DatabaseUnreachable` when it means the database could not be opened."""
    if isinstance(exc, DatabaseUnreachable):
        return exc
    reason = unreachable_reason(url, exc)
    return None if reason is None else DatabaseUnreachable(url, reason)

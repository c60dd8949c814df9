"""Translating integrity errors on known constraints into domain conflicts."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError


def violated(exc: IntegrityError, *names: str) -> bool:
    """True if `exc` is a unique violation of one of the named constraints.

    PostgreSQL names the constraint; SQLite names the columns (`contacts.account_id,
    contacts.phone`), so both spellings are matched.
    """
    message = str(exc.orig)
    return any(name in message for name in names)

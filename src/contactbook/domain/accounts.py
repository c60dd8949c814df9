"""Accounts (tenants) and their API keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from contactbook.domain.context import KeyScope
from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.ids import parse_id
from contactbook.domain.text import check_text

KEY_PREFIX = "cbk"
ACCOUNT_NAME_MAX_LENGTH = 255
KEY_NAME_MAX_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Account:
    """One tenant."""

    id: int
    name: str
    test_mode: bool
    default_region: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: only its hash is kept."""

    id: int
    account_id: int
    scopes: frozenset[KeyScope]
    created_at: datetime
    name: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A key just created; `secret` is shown once and never stored."""

    key: ApiKey
    secret: str


@dataclass(frozen=True, slots=True)
class ParsedKey:
    """The parts of a presented key: the account it names and the hash to look up."""

    account_id: int
    digest: str


def new_key_secret(account_id: int) -> str:
    """A fresh key: `cbk_<account>_<43 random url-safe chars>` (256 bits of entropy).

    The account id is in the key so the lookup is an index probe on (account_id, hash), the
    same shape as every other key in the store.
    """
    return f"{KEY_PREFIX}_{account_id}_{secrets.token_urlsafe(32)}"


def hash_key(secret: str) -> str:
    """SHA-256 of the key: keys are long random strings, so a slow hash adds nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(secret: str) -> ParsedKey | None:
    """Split a presented key; None when it is not of our form, its account part included: a
    part that no account id can be is refused here, before it reaches a lookup."""
    parts = secret.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    account_id = parse_id(parts[1])
    if account_id is None:
        return None
    return ParsedKey(account_id, hash_key(secret.strip()))


def clean_key_name(name: str | None, field: str = "name") -> str | None:
    """A key's optional label, trimmed; None for none.

    Raises: InvalidInput naming `field` when it is longer than 255 characters or holds NUL.
    """
    if name is None:
        return None
    text = check_text(name, field).strip()
    if len(text) > KEY_NAME_MAX_LENGTH:
        raise InvalidInput.single(
            field, ProblemCode.TOO_LONG, f"At most {KEY_NAME_MAX_LENGTH} characters.", name
        )
    return text or None

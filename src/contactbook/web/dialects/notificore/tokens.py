"""Notificore bearer tokens: signed, expiring JWTs naming the account and the API key they were
issued for (pure; the secret comes from the caller)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import jwt

from contactbook.domain.errors import Unauthenticated

ALGORITHM = "HS256"
# The vendor's 401 messages (not secrets).
TOKEN_NOT_FOUND = "JWT Token not found"  # noqa: S105
INVALID_TOKEN = "Invalid JWT Token"  # noqa: S105
EXPIRED_TOKEN = "Expired JWT Token"  # noqa: S105

# `Bearer <token>`, or the documentation's `Bearer: <token>`.
_HEADER = re.compile(r"^\s*bearer\s*:?\s*(?P<token>\S+)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Claims:
    """Whom a token stands for."""

    account_id: int
    key_id: int


def signing_key(secret: str) -> bytes:
    """A 256-bit HMAC key for tokens, derived from the installation's secret (whatever its
    length) so that it serves no other purpose."""
    return hashlib.sha256(b"contactbook notificore bearer\x00" + secret.encode()).digest()


def token_of(header: str | None) -> str | None:
    """The token of an Authorization header, or None when there is none."""
    matched = _HEADER.match(header or "")
    return None if matched is None else matched["token"]


def issue(key: bytes, claims: Claims, now: int, ttl: int) -> str:
    """A token valid from `now` (Unix seconds) for `ttl` seconds."""
    payload = {
        "iat": now,
        "exp": now + ttl,
        "roles": [],
        "id": claims.account_id,
        "key": claims.key_id,
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def read(key: bytes, token: str) -> Claims:
    """Raises: Unauthenticated ("Invalid JWT Token" or "Expired JWT Token")."""
    try:
        payload = jwt.decode(
            token, key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "id", "key"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated(EXPIRED_TOKEN) from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(INVALID_TOKEN) from exc
    account_id, key_id = payload["id"], payload["key"]
    if not all(type(value) is int and value > 0 for value in (account_id, key_id)):
        raise Unauthenticated(INVALID_TOKEN)
    return Claims(account_id, key_id)

"""Notificore bearer tokens: signed, expiring JWTs naming the account and the API key they were
issued for (pure; the installation secret comes from the caller)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import jwt

from contactbook.domain.errors import Unauthenticated
from contactbook.domain.instance_secret import derive_key

ALGORITHM = "HS256"
# The vendor's 401 messages (not secrets).
TOKEN_NOT_FOUND = "JWT Token not found"  # noqa: S105
INVALID_TOKEN = "Invalid JWT Token"  # noqa: S105
EXPIRED_TOKEN = "Expired JWT Token"  # noqa: S105

PURPOSE = "notificore bearer token"
# How releases before this one made the key: tokens they issued stay valid until they expire.
_PREVIOUS_LABEL = b"contactbook notificore bearer\x00"

# `Bearer <token>`, or the documentation's `Bearer: <token>`.
_HEADER = re.compile(r"^\s*bearer\s*:?\s*(?P<token>\S+)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Claims:
    """Whom a token stands for."""

    account_id: int
    key_id: int


@dataclass(frozen=True, slots=True)
class SigningKeys:
    """The key new tokens are signed with, and the one earlier releases signed with."""

    current: bytes
    previous: bytes


def signing_keys(secret: str) -> SigningKeys:
    """The token keys of an installation secret: HKDF-SHA256 with this purpose's label (the
    secret itself signs nothing), and the earlier releases' SHA-256 of a label and the
    secret."""
    previous = hashlib.sha256(_PREVIOUS_LABEL + secret.encode()).digest()
    return SigningKeys(derive_key(secret, PURPOSE), previous)


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


def read(keys: SigningKeys, token: str) -> Claims:
    """Raises: Unauthenticated ("Invalid JWT Token" or "Expired JWT Token")."""
    try:
        try:
            payload = _decode(keys.current, token)
        except jwt.InvalidSignatureError:
            payload = _decode(keys.previous, token)
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated(EXPIRED_TOKEN) from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(INVALID_TOKEN) from exc
    account_id, key_id = payload["id"], payload["key"]
    if not all(type(value) is int and value > 0 for value in (account_id, key_id)):
        raise Unauthenticated(INVALID_TOKEN)
    return Claims(account_id, key_id)


def _decode(key: bytes, token: str) -> dict[str, Any]:
    payload: dict[str, Any] = jwt.decode(
        token, key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "id", "key"]}
    )
    return payload

"""The installation's secret and the keys derived from it, one per purpose.

The secret (`CONTACTBOOK_SECRET_KEY`, or a random one kept in a file) is never used as a key
itself: each use gets its own key through HKDF-SHA256 (RFC 5869) with a label naming the
purpose, so a key serving one purpose tells nothing about another or about the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# HKDF's salt: fixed, so every process and machine derives the same keys from one secret.
_SALT = b"contactbook"
_HASH_BYTES = hashlib.sha256().digest_size
FINGERPRINT_PURPOSE = "secret fingerprint"


def new_secret() -> str:
    """A fresh installation secret: 48 random bytes, URL-safe text (384 bits)."""
    return secrets.token_urlsafe(48)


def derive_key(secret: str, purpose: str, length: int = 32) -> bytes:
    """HKDF-SHA256 of `secret` (UTF-8) with `purpose` as the info label.

    Raises: ValueError for an empty secret or more than 255 hash lengths of key.
    """
    if not secret:
        raise ValueError("the secret is empty")
    if not 0 < length <= 255 * _HASH_BYTES:
        raise ValueError("HKDF derives 1 to 8160 bytes")
    extracted = hmac.new(_SALT, secret.encode(), hashlib.sha256).digest()
    blocks: list[bytes] = []
    previous = b""
    for counter in range(1, -(-length // _HASH_BYTES) + 1):
        message = previous + purpose.encode() + bytes([counter])
        previous = hmac.new(extracted, message, hashlib.sha256).digest()
        blocks.append(previous)
    return b"".join(blocks)[:length]


def fingerprint(secret: str) -> str:
    """A short public name for a secret, to tell whether two places hold the same one without
    showing it (a derived key's first 16 hex digits; the secret cannot be recovered)."""
    return derive_key(secret, FINGERPRINT_PURPOSE, 8).hex()

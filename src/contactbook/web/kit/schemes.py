"""How a dialect documents its credential: a security scheme for the OpenAPI document only.

Each scheme is built with `auto_error=False`: the dialect's `auth.caller` checks the credential
itself, in its vendor's order and with its vendor's answers.
"""

from __future__ import annotations

from fastapi.security import APIKeyHeader, HTTPBearer


def bearer(scheme_name: str, description: str, bearer_format: str | None = None) -> HTTPBearer:
    """`Authorization: Bearer <credential>`."""
    return HTTPBearer(
        scheme_name=scheme_name,
        bearerFormat=bearer_format,
        description=description,
        auto_error=False,
    )


def key_header(header: str, scheme_name: str, description: str) -> APIKeyHeader:
    """The credential in the header `header`."""
    return APIKeyHeader(
        name=header, scheme_name=scheme_name, description=description, auto_error=False
    )

"""The native API under /contactbook/v1: canonical names, problem+json errors, ETags."""

from __future__ import annotations

from fastapi import APIRouter

from contactbook.web.dialects.native import account, contacts, fields, lists, stoplist, tags

PREFIX = "/contactbook/v1"


def router() -> APIRouter:
    """Every native route, under the native prefix."""
    root = APIRouter(prefix=PREFIX)
    for module in (contacts, lists, fields, tags, stoplist, account):
        root.include_router(module.router)
    return root

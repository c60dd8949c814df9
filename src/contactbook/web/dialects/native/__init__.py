"""The native API under /contactbook/v1: canonical names, problem+json errors, ETags."""

from __future__ import annotations

from fastapi import APIRouter, Security

from contactbook.web.dialects.native import (
    account,
    contacts,
    fields,
    history,
    lists,
    stoplist,
    tags,
    transfers,
    trash,
    undo,
)
from contactbook.web.dialects.native.openapi import API_KEY, ERRORS
from contactbook.web.dialects.native.paths import PREFIX

__all__ = ["PREFIX", "router"]


def router() -> APIRouter:
    """Every native route, under the native prefix."""
    root = APIRouter(prefix=PREFIX)
    # transfers first: its /contacts/export must win over /contacts/{contact_id}
    modules = (transfers, contacts, history, trash, undo, lists, fields, tags, stoplist, account)
    for module in modules:
        root.include_router(module.router, dependencies=[Security(API_KEY)], responses=ERRORS)
    return root

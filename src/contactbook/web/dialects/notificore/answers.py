"""Notificore's response bodies, as `mapping` writes them; they document the routes (the
handlers render with `mapping` directly). Times are `Y-m-d H:i:s` in UTC."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class TokenOut(BaseModel):
    bearer: str


class GroupOut(BaseModel):
    id: int
    name: str
    description: str | None
    default: bool
    created_at: str | None
    items: int
    stop_list_count: int


class GroupFoundOut(BaseModel):
    """A group search result: `is_default` where everything else says `default`."""

    id: int
    name: str
    description: str | None
    is_default: bool
    items: int
    created_at: str | None


class ContactOut(BaseModel):
    id: int
    phone: int | None
    fields: dict[str, str]  # custom values by field id, as text
    created_at: str | None
    groups: list[GroupOut]
    hlr_status: str
    hlr_last_check: str | None


class FieldOut(BaseModel):
    id: int
    name: str
    type: str
    description: str | None
    is_visible: bool


class StopEntryOut(BaseModel):
    id: int
    phone: int | None
    created_at: str | None
    sms_stoplist: bool
    viber_stoplist: bool
    rcs_stoplist: bool


class PageMeta(BaseModel):
    total: int
    limit: int
    offset: int


class SearchMeta(BaseModel):
    page: PageMeta
    search: dict[str, Any] | None = None  # the first criterion, echoed


class ContactOne(BaseModel):
    data: ContactOut


class ContactPage(BaseModel):
    data: list[ContactOut]
    total: int | None


class ContactFound(BaseModel):
    data: list[ContactOut]
    meta: SearchMeta


class GroupOne(BaseModel):
    data: GroupOut


class GroupPage(BaseModel):
    data: list[GroupOut]
    total: int


class GroupFound(BaseModel):
    data: list[GroupFoundOut]
    meta: SearchMeta


class FieldOne(BaseModel):
    data: FieldOut


class FieldList(BaseModel):
    data: list[FieldOut]


class StopEntries(BaseModel):
    data: list[StopEntryOut]


class StopPage(BaseModel):
    data: list[StopEntryOut]
    total: int


class StopFound(BaseModel):
    data: list[StopEntryOut]
    meta: SearchMeta


class Nothing(BaseModel):
    """`{}`: done."""

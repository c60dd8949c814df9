"""HelpCrunch's response bodies, as `mapping` writes them; they document the routes (the
handlers render with `mapping` directly)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class LocationOut(BaseModel):
    regionCode: str | None  # noqa: N815 - HelpCrunch's names
    countryCode: str | None  # noqa: N815
    city: str | None


class TagOut(BaseModel):
    name: str
    color: str | None


class CustomerOut(BaseModel):
    """A customer; times are unix seconds as strings."""

    id: int
    name: str | None
    email: str | None
    userId: str | None  # noqa: N815
    company: str | None
    phone: str | None
    firstSeen: str | None  # noqa: N815
    lastSeen: str | None  # noqa: N815
    location: LocationOut
    device: dict[str, Any] | None
    unsubscribed: bool
    blocked: bool
    source: str | None
    referer: str | None
    lastPage: str | None  # noqa: N815
    locale: str | None
    createdFrom: str | None  # noqa: N815
    integrationId: str | None  # noqa: N815
    notes: str | None
    tags: list[TagOut]
    customData: dict[str, Any]  # noqa: N815


class CustomerPageOut(BaseModel):
    data: list[CustomerOut]
    total: int


class EventOut(BaseModel):
    id: int
    name: str
    data: Any
    createdAt: str | None  # noqa: N815
    customer: int

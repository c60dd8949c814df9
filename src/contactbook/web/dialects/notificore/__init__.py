"""The Notificore / BSG One-API dialect: contacts, contact fields, groups and the stop list at
the vendor's paths under `/api`, with bearer tokens from `POST /api/auth/login`."""

from __future__ import annotations

from contactbook.web.dialects.notificore.app import PREFIX, create_app

__all__ = ["PREFIX", "create_app"]

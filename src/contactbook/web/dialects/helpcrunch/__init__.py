"""HelpCrunch's customers API (`/v1/customers…`, `/v1/events`) over the contact store."""

from __future__ import annotations

from contactbook.web.dialects.helpcrunch.app import PREFIX, create_app

__all__ = ["PREFIX", "create_app"]

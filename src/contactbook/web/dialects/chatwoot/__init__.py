"""The Chatwoot application API's contacts surface, at `/api/v1/accounts/{account_id}/…`."""

from contactbook.web.dialects.chatwoot.app import PREFIX, create_app

__all__ = ["PREFIX", "create_app"]

"""Inboxes (Chatwoot channels) and a contact's identity in each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

INBOX_NAME_MAX_LENGTH = 255
SOURCE_ID_MAX_LENGTH = 255


class ChannelType(StrEnum):
    """Channel kinds; how a contact's source id is derived depends on it."""

    API = "api"
    WEB_WIDGET = "web_widget"
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    VIBER = "viber"


@dataclass(frozen=True, slots=True)
class Inbox:
    """A channel of an account."""

    id: int
    name: str
    channel_type: ChannelType
    created_at: datetime
    avatar_url: str | None = None
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class ContactInbox:
    """A contact's identity (`source_id`) in one inbox."""

    id: int
    contact_id: int
    inbox: Inbox
    source_id: str
    hmac_verified: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ContactableInbox:
    """An inbox a contact can be reached through, with the identity it would use there."""

    inbox: Inbox
    source_id: str

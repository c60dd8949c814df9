"""Pure translation of contacts and inboxes to Chatwoot's JSON (the `_contact` partial)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contactbook.domain.contacts import Contact
from contactbook.domain.inboxes import ChannelType, ContactInbox, Inbox

# Canonical columns Chatwoot keeps inside `additional_attributes`, by Chatwoot's key.
ADDITIONAL_COLUMNS = {"company_name": "company", "city": "city", "country_code": "country_code"}

_CHANNEL_TYPES = {
    ChannelType.API: "Channel::Api",
    ChannelType.WEB_WIDGET: "Channel::WebWidget",
    ChannelType.EMAIL: "Channel::Email",
    ChannelType.SMS: "Channel::Sms",
    ChannelType.WHATSAPP: "Channel::Whatsapp",
    ChannelType.TELEGRAM: "Channel::Telegram",
    ChannelType.VIBER: "Channel::Viber",
}


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def iso_millis(moment: datetime) -> str:
    """`2024-01-01T00:00:00.000Z`, as Rails renders times in JSON."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def additional_attributes(contact: Contact) -> dict[str, Any]:
    result = dict(contact.additional_attributes)
    for key, column in ADDITIONAL_COLUMNS.items():
        value = getattr(contact, column)
        if value is not None:
            result[key] = value
    return result


def contact_json(contact: Contact, *, with_inboxes: bool) -> dict[str, Any]:
    """A contact as Chatwoot renders it: typed exactly, never a null object or thumbnail."""
    body: dict[str, Any] = {
        "additional_attributes": additional_attributes(contact),
        "availability_status": "offline",  # no presence is tracked here
        "email": contact.email,
        "id": contact.id,
        "name": contact.name or "",
        "phone_number": contact.phone,
        "blocked": contact.blocked,
        "identifier": contact.external_id,
        "thumbnail": contact.avatar_url or "",
        "custom_attributes": contact.custom_by_key(),
    }
    if contact.last_seen is not None:
        body["last_activity_at"] = unix(contact.last_seen)
    assert contact.created_at is not None
    body["created_at"] = unix(contact.created_at)
    if with_inboxes:
        body["contact_inboxes"] = [identity_json(item) for item in contact.inboxes]
    return body


def identity_json(identity: ContactInbox) -> dict[str, Any]:
    return {"source_id": identity.source_id, "inbox": inbox_slim(identity.inbox)}


def inbox_slim(inbox: Inbox) -> dict[str, Any]:
    """The short inbox object inside contact inboxes."""
    return {
        "id": inbox.id,
        # Channels have no table of their own here: the inbox stands for its channel.
        "avatar_url": inbox.avatar_url or "",
        "channel_id": inbox.id,
        "name": inbox.name,
        "channel_type": _CHANNEL_TYPES[inbox.channel_type],
        "provider": inbox.provider,
    }


def inbox_row(inbox: Inbox, account_id: int) -> dict[str, Any]:
    """The whole inbox record, as create's `contact_inbox.inbox` shows it."""
    created = iso_millis(inbox.created_at)
    return {
        "id": inbox.id,
        "channel_id": inbox.id,
        "account_id": account_id,
        "name": inbox.name,
        "created_at": created,
        "updated_at": created,
        "channel_type": _CHANNEL_TYPES[inbox.channel_type],
        "enable_auto_assignment": True,
        "greeting_enabled": False,
        "greeting_message": None,
        "email_address": None,
        "working_hours_enabled": False,
        "out_of_office_message": None,
        "timezone": "UTC",
        "enable_email_collect": True,
        "csat_survey_enabled": False,
        "allow_messages_after_resolved": True,
        "lock_to_single_conversation": False,
        "sender_name_type": "friendly",
        "business_name": None,
    }


def show_payload(contact: Contact, *, with_inboxes: bool) -> dict[str, Any]:
    """Show and update: Chatwoot's `{"payload": <contact>}`, plus the keys clients built from
    the vendor's update document read (`payload.contact`, `payload.contact_inbox`)."""
    body = contact_json(contact, with_inboxes=with_inboxes)
    first = contact.inboxes[0] if contact.inboxes else None
    return {
        "payload": {
            **body,
            "contact": body,
            "contact_inbox": {
                "inbox": inbox_slim(first.inbox) if first else None,
                "source_id": first.source_id if first else None,
            },
        }
    }


def create_payload(
    contact: Contact, identity: ContactInbox | None, account_id: int
) -> dict[str, Any]:
    return {
        "payload": {
            "contact": contact_json(contact, with_inboxes=True),
            "contact_inbox": {
                "inbox": inbox_row(identity.inbox, account_id) if identity else None,
                "source_id": identity.source_id if identity else None,
            },
        }
    }


def page_json(
    contacts: list[Contact], count: int, current_page: object, *, with_inboxes: bool
) -> dict[str, Any]:
    return {
        "meta": {"count": count, "current_page": current_page},
        "payload": [contact_json(c, with_inboxes=with_inboxes) for c in contacts],
    }

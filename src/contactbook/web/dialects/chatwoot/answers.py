"""Chatwoot's response bodies, as `mapping` and `definitions` write them; they document the
routes (the handlers render with those directly). Contact times are unix seconds, definition
times ISO 8601 with milliseconds."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class InboxSlim(BaseModel):
    id: int
    avatar_url: str
    channel_id: int
    name: str
    channel_type: str
    provider: str | None


class InboxRow(BaseModel):
    """The whole inbox record, as create's `contact_inbox.inbox` shows it."""

    id: int
    channel_id: int
    account_id: int
    name: str
    created_at: str
    updated_at: str
    channel_type: str
    enable_auto_assignment: bool
    greeting_enabled: bool
    greeting_message: str | None
    email_address: str | None
    working_hours_enabled: bool
    out_of_office_message: str | None
    timezone: str
    enable_email_collect: bool
    csat_survey_enabled: bool
    allow_messages_after_resolved: bool
    lock_to_single_conversation: bool
    sender_name_type: str
    business_name: str | None


class ContactInboxOut(BaseModel):
    source_id: str
    inbox: InboxSlim


class ContactOut(BaseModel):
    """The `_contact` partial; `contact_inboxes` only where the route includes them."""

    additional_attributes: dict[str, Any]
    availability_status: str
    email: str | None
    id: int
    name: str
    phone_number: str | None
    blocked: bool
    identifier: str | None
    thumbnail: str
    custom_attributes: dict[str, Any]
    last_activity_at: int | None = None
    created_at: int
    contact_inboxes: list[ContactInboxOut] | None = None


class FirstInbox(BaseModel):
    inbox: InboxSlim | None
    source_id: str | None


class ShownContact(ContactOut):
    """Show and update: the contact, and again under `contact`, with its first inbox."""

    contact: ContactOut
    contact_inbox: FirstInbox


class ShowOut(BaseModel):
    payload: ShownContact


class CreatedInbox(BaseModel):
    inbox: InboxRow | None
    source_id: str | None


class Created(BaseModel):
    contact: ContactOut
    contact_inbox: CreatedInbox


class CreateOut(BaseModel):
    payload: Created


class PageMeta(BaseModel):
    count: int
    current_page: Any  # echoed as the client sent it
    has_more: bool | None = None  # search only


class PageOut(BaseModel):
    meta: PageMeta
    payload: list[ContactOut]


class ContactPayload(BaseModel):
    payload: ContactOut


class LabelsOut(BaseModel):
    payload: list[str]


class ContactableInboxes(BaseModel):
    payload: list[ContactInboxOut]


class NoConversations(BaseModel):
    payload: list[Any]


class DefinitionOut(BaseModel):
    id: int
    attribute_display_name: str
    attribute_display_type: str
    attribute_description: str | None
    attribute_key: str
    regex_pattern: str | None
    regex_cue: str | None
    attribute_values: list[Any]
    attribute_model: str
    default_value: Any
    created_at: str
    updated_at: str

"""Chatwoot's request bodies, for the document only: Rails merges the JSON body over the query
string and each handler reads the keys it needs (`params.Params`), loosely typed as Rails is.
Unknown keys are ignored."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ContactBody(BaseModel):
    """Create and update: keys not given stay as they are; the attribute objects merge key by
    key."""

    name: str | None = None
    email: str | None = None
    phone_number: str | None = None  # E.164
    identifier: str | None = None
    avatar_url: str | None = None
    blocked: bool | None = None
    additional_attributes: dict[str, Any] | None = None
    custom_attributes: dict[str, Any] | None = None
    inbox_id: int | None = None  # create only: the inbox to open a contact inbox in
    source_id: str | None = None


class FilterBody(BaseModel):
    payload: list[dict[str, Any]]  # {attribute_key, filter_operator, values, query_operator}


class CustomAttributeKeys(BaseModel):
    custom_attributes: list[str]


class LabelsBody(BaseModel):
    labels: list[str]


class ContactInboxBody(BaseModel):
    inbox_id: int
    source_id: str | None = None
    hmac_verified: bool | None = None


class MergeBody(BaseModel):
    base_contact_id: int
    mergee_contact_id: int


class DefinitionFields(BaseModel):
    attribute_display_name: str | None = None
    attribute_description: str | None = None
    attribute_display_type: str | None = None
    attribute_key: str | None = None
    attribute_model: str | None = None
    regex_pattern: str | None = None
    regex_cue: str | None = None
    default_value: Any = None
    attribute_values: list[Any] | None = None


class DefinitionBody(BaseModel):
    """The fields wrapped in `custom_attribute_definition`, or flat."""

    custom_attribute_definition: DefinitionFields | None = None

"""Native wire models: canonical snake_case names in, plain JSON out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from contactbook.domain.contacts import Contact, ContactInput
from contactbook.domain.fields import FieldType
from contactbook.domain.stoplist import Channel
from contactbook.domain.tags import TagInput
from contactbook.web.kit.ids import Id, Int64

Scalar = StrictStr | StrictBool | Int64 | StrictFloat
Text = StrictStr | None

_PLAIN = (
    "email", "name", "external_id", "company", "avatar_url", "city", "country_code",
    "region_code", "locale", "notes", "source", "referer", "last_page", "created_from",
    "integration_id", "device", "blocked", "unsubscribed", "first_seen", "last_seen",
)  # fmt: skip


class ContactIn(BaseModel):
    """A contact as written: every attribute optional; null clears."""

    model_config = ConfigDict(extra="forbid")

    phone: StrictStr | StrictInt | None = Field(
        default=None, description="Any common form; stored as E.164 (account region applies)."
    )
    email: Text = None
    name: Text = None
    external_id: Text = None
    company: Text = None
    avatar_url: Text = None
    city: Text = None
    country_code: Text = None
    region_code: Text = None
    locale: Text = None
    notes: Text = None
    source: Text = None
    referer: Text = None
    last_page: Text = None
    created_from: Text = None
    integration_id: Text = None
    device: dict[str, Any] | None = None
    blocked: StrictBool | None = None
    unsubscribed: StrictBool | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    additional_attributes: dict[str, Any] | None = None
    custom_fields: dict[str, Scalar | None] | None = Field(
        default=None, description="Values by field key; null removes a value."
    )
    tags: list[StrictStr] | None = Field(default=None, description="Tag names; replaces.")
    lists: list[Id] | None = Field(default=None, description="List ids; replaces.")

    def to_input(self, mode: Literal["create", "patch", "replace"]) -> ContactInput:
        given = self.model_fields_set if mode != "replace" else set(type(self).model_fields)
        data = ContactInput()
        for name in _PLAIN:
            if name in given:
                setattr(data, name, getattr(self, name))
        if "phone" in given:
            data.phone = None if self.phone is None else str(self.phone)
        if "additional_attributes" in given:
            data.additional_attributes = self.additional_attributes or {}
            data.additional_mode = "merge" if mode == "patch" else "replace"
        if "custom_fields" in given:
            data.custom = dict(self.custom_fields or {})
            data.custom_mode = "merge" if mode == "patch" else "replace"
        if "tags" in given:
            data.tags = [TagInput(name) for name in self.tags or ()]
        if "lists" in given:
            data.lists = list(self.lists or ())
        return data


class MergeIn(BaseModel):
    """The contact to fold into the one in the path."""

    model_config = ConfigDict(extra="forbid")

    mergee_id: Id = Field(description="This contact is merged in and deleted.")


class ContactChangeIn(ContactIn):
    """One contact of a batch change: its id, the attributes to change and, optionally, the
    If-Match condition of this item."""

    id: Id
    if_match: StrictStr | None = Field(
        default=None,
        description='Like the If-Match header, e.g. "3": the item, and so the batch, fails '
        "with 412 unless the contact's current ETag matches.",
    )


class ContactBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[ContactChangeIn], Field(min_length=1, max_length=1000)]


class PhoneInfo(BaseModel):
    region: str | None
    type: str | None
    valid: bool | None


class ContactOut(BaseModel):
    """A contact as read."""

    id: int
    phone: str | None
    phone_info: PhoneInfo | None
    email: str | None
    name: str | None
    external_id: str | None
    company: str | None
    avatar_url: str | None
    city: str | None
    country_code: str | None
    region_code: str | None
    locale: str | None
    notes: str | None
    source: str | None
    referer: str | None
    last_page: str | None
    created_from: str | None
    integration_id: str | None
    device: dict[str, Any] | None
    blocked: bool
    unsubscribed: bool
    first_seen: datetime | None
    last_seen: datetime | None
    additional_attributes: dict[str, Any]
    custom_fields: dict[str, Any]
    tags: list[str]
    lists: list[int]
    hlr_status: str
    hlr_last_check: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class ContactItemsOut(BaseModel):
    items: list[ContactOut]


class ContactPageOut(BaseModel):
    items: list[ContactOut]
    has_more: bool
    next_cursor: str | None
    total: int | None = None


def contact_out(contact: Contact) -> dict[str, Any]:
    """The native JSON of a contact."""
    return {
        "id": contact.id,
        "phone": contact.phone,
        "phone_info": None
        if contact.phone is None
        else {
            "region": contact.phone_region,
            "type": contact.phone_type,
            "valid": contact.phone_valid,
        },
        **{name: getattr(contact, name) for name in _PLAIN},
        "additional_attributes": dict(contact.additional_attributes),
        "custom_fields": contact.custom_by_key(),
        "tags": [tag.name for tag in contact.tags],
        "lists": [item.id for item in contact.lists],
        "hlr_status": contact.hlr_status,
        "hlr_last_check": contact.hlr_last_check,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "version": contact.version,
    }


# --- lists ---------------------------------------------------------------------------------


class ListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr
    description: Text = None
    is_default: StrictBool = False


class ListPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr | None = None
    description: Text = None
    is_default: StrictBool | None = None


class ListOut(BaseModel):
    id: int
    name: str
    description: str | None
    is_default: bool
    items: int
    stop_list_count: int
    created_at: datetime


class MembersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_ids: Annotated[list[Id], Field(min_length=1, max_length=10_000)]


# --- fields --------------------------------------------------------------------------------


class FieldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr
    key: StrictStr | None = Field(default=None, description="Defaults to a slug of the name.")
    type: FieldType = FieldType.TEXT
    description: Text = None
    visible: StrictBool = True
    options: list[StrictStr] = Field(default_factory=list)


class FieldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr | None = None
    key: StrictStr | None = None
    description: Text = None
    visible: StrictBool | None = None
    options: list[StrictStr] | None = None


class FieldOut(BaseModel):
    id: int
    key: str
    name: str
    type: FieldType
    description: str | None
    visible: bool
    options: list[str]
    created_at: datetime
    updated_at: datetime


# --- tags, stop list, inboxes, keys ---------------------------------------------------------


class TagsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tags: Annotated[list[StrictStr], Field(min_length=1, max_length=100)]


class TagPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr | None = None
    color: StrictStr | None = None


class TagOut(BaseModel):
    name: str
    color: str
    contacts: int


class StopIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phones: Annotated[
        list[StrictStr | Annotated[StrictInt, Field(ge=0, le=10**15)]],
        Field(min_length=1, max_length=1000),
    ]
    channels: Annotated[list[Channel], Field(min_length=1)]


class StopOut(BaseModel):
    id: int
    phone: str
    channels: list[Channel]
    created_at: datetime


class InboxIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr
    channel_type: str = "api"
    avatar_url: Text = None


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = None
    scopes: Annotated[list[Literal["read", "write", "admin"]], Field(min_length=1)]


# --- answers the routes render with `mapping` (documented here) -------------------------------


class ListPageOut(BaseModel):
    items: list[ListOut]
    total: int


class MembersAddedOut(BaseModel):
    added: int
    list: ListOut


class MembersRemovedOut(BaseModel):
    removed: int
    list: ListOut


class FieldItemsOut(BaseModel):
    items: list[FieldOut]


class TagItemsOut(BaseModel):
    items: list[TagOut]


class StopPageOut(BaseModel):
    items: list[StopOut]
    total: int


class StopItemsOut(BaseModel):
    items: list[StopOut]


class ReleasedOut(BaseModel):
    released: int


class EventOut(BaseModel):
    id: int
    contact_id: int
    name: str
    data: Any
    created_at: datetime


class EventItemsOut(BaseModel):
    items: list[EventOut]


class AccountOut(BaseModel):
    id: int
    name: str
    test_mode: bool
    default_region: str | None
    created_at: datetime
    contacts: int
    contacts_with_phone: int
    verified_numbers: list[str] = Field(description="Phone numbers a test account may reach.")


class KeyOut(BaseModel):
    id: int
    name: str | None
    scopes: list[str]
    created_at: datetime


class KeyItemsOut(BaseModel):
    items: list[KeyOut]


class IssuedKeyOut(KeyOut):
    api_key: str = Field(description="The secret; shown in this answer only.")


class InboxOut(BaseModel):
    id: int
    name: str
    channel_type: str
    avatar_url: str | None
    created_at: datetime


class InboxItemsOut(BaseModel):
    items: list[InboxOut]


class JobProgress(BaseModel):
    bytes_done: int
    bytes_total: int
    percent: float


class ImportCounts(BaseModel):
    rows: int
    created: int
    updated: int
    skipped: int
    rejected: int


class JobOut(BaseModel):
    """An import or export job; `counts` for imports only."""

    id: int
    kind: Literal["import", "export"]
    state: str
    format: str
    filename: str | None
    options: dict[str, Any]
    progress: JobProgress
    message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: dict[str, str]
    counts: ImportCounts | None = None


class JobItemsOut(BaseModel):
    items: list[JobOut]

"""Notificore request bodies, with the vendor's names and limits.

Unknown keys are ignored (the SDK sends group objects with extra keys). Parts whose form varies
(`phone` as an integer or digits, `groups` as ids or objects) are typed loosely here and
checked by `mapping`, so every problem gets the vendor's path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from contactbook.web.dialects.notificore.mapping import FIELD_NAME_MAX_LENGTH
from contactbook.web.kit.ids import Id

StopType = Literal["sms", "viber", "rcs", "whatsapp"]
FieldName = Annotated[StrictStr, Field(min_length=1, max_length=FIELD_NAME_MAX_LENGTH)]
Description = Annotated[StrictStr, Field(max_length=255)]


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LoginIn(Body):
    api_key: StrictStr


class FieldValueIn(Body):
    id: Id
    value: Any = None


class ContactIn(Body):
    """Create and update (PUT) alike: `phone` is required on both."""

    phone: Any
    groups: Annotated[list[Any], Field(max_length=100)] | None = None
    fields: list[FieldValueIn] | None = None

    def field_values(self) -> list[tuple[int, object]] | None:
        return None if self.fields is None else [(f.id, f.value) for f in self.fields]


class GroupIn(Body):
    name: StrictStr
    description: StrictStr | None = None
    default: StrictBool = False


class GroupChangesIn(Body):
    """Every key optional: only what is present changes."""

    name: StrictStr | None = None
    description: StrictStr | None = None
    default: StrictBool | None = None


class MembershipIn(Body):
    contacts: Annotated[list[Id], Field(min_length=1, max_length=200)]
    groups: Annotated[list[Id], Field(min_length=1, max_length=100)]


class FieldIn(Body):
    name: FieldName
    type: Literal["text", "date", "number", "string", "integer", "datetime"]
    description: Description | None = None
    is_visible: StrictBool = True


class FieldChangesIn(Body):
    """A non-empty subset; the type never changes."""

    name: FieldName | None = None
    description: Description | None = None
    is_visible: StrictBool | None = None


class IdsIn(Body):
    ids: Annotated[list[Id], Field(min_length=1, max_length=30)]


class StopAttachIn(Body):
    phones: Annotated[list[Any], Field(min_length=1, max_length=1000)]
    types: Annotated[list[StopType], Field(min_length=1)]


class StopDetachIn(Body):
    ids: Annotated[list[Id], Field(min_length=1, max_length=200)]
    types: Annotated[list[StopType], Field(min_length=1)]


class BulkDeleteIn(Body):
    """Documents the optional body of `POST /contacts/delete`; the handler reads the same ids
    from the query string and the body alike."""

    contact_ids: list[Id] | None = None
    group_ids: list[Id] | None = None

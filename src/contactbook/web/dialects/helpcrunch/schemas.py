"""HelpCrunch wire models: camelCase names, `customData` as a list of `{property, value}`.

Unknown keys are ignored, so a customer read from the API can be sent back as it is (its `id`,
`device` and the `customData` object are read-only and skipped). Which fields a body gave,
including an explicit null, is what tells PUT from PATCH.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr


def _numeric(value: object) -> object:
    """Numeric strings count as numbers (Symfony's "numeric"); the rest is checked as given."""
    text = value.strip() if isinstance(value, str) else ""
    # ASCII digits only (isdigit() also takes superscripts, which int() refuses), and no more
    # than a 64-bit bound needs to name a number too large (int() refuses 4,300 digits).
    if text.isascii() and text.isdigit() and len(text) <= 20:
        return int(text)
    return value


def _integer_as_text(value: object) -> object:
    """Ids and phones sent as JSON integers are read as their digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _tag_name_alone(value: object) -> object:
    return {"name": value} if isinstance(value, str) else value


def _custom_data_object_as_list(value: object) -> object:
    # A customer read back carries customData as an object; sending it back unchanged must work.
    if isinstance(value, dict):
        return [{"property": key, "value": item} for key, item in value.items()]
    return value


# Offsets past any stored row; bigger numbers would not fit the databases' 64-bit integers.
MAX_OFFSET = 2**62

Numeric = Annotated[StrictInt, BeforeValidator(_numeric)]
Text = StrictStr | None
IdText = Annotated[StrictStr | None, BeforeValidator(_integer_as_text)]
UnixTime = Annotated[StrictInt | None, BeforeValidator(_numeric)]


class Wire(BaseModel):
    """Wire models read HelpCrunch's names and ignore keys they do not know."""

    model_config = ConfigDict(extra="ignore")


class TagIn(Wire):
    name: StrictStr
    color: StrictStr | None = None


TagItem = Annotated[TagIn, BeforeValidator(_tag_name_alone)]


class CustomDatumIn(Wire):
    property: StrictStr
    value: Any = None


class LocationIn(Wire):
    city: StrictStr | None = None
    region_code: StrictStr | None = Field(None, alias="regionCode")
    country_code: StrictStr | None = Field(None, alias="countryCode")


class CustomerIn(Wire):
    """A customer as written (create, PUT, PATCH); every field optional."""

    name: Text = None
    email: Text = None
    user_id: IdText = Field(None, alias="userId")
    company: Text = None
    phone: IdText = None
    first_seen: UnixTime = Field(None, alias="firstSeen")
    last_seen: UnixTime = Field(None, alias="lastSeen")
    unsubscribed: StrictBool | None = None
    blocked: StrictBool | None = None
    source: Text = None
    referer: Text = None
    last_page: Text = Field(None, alias="lastPage")
    locale: Text = None
    created_from: Text = Field(None, alias="createdFrom")
    integration_id: IdText = Field(None, alias="integrationId")
    notes: Text = None
    # The location is written flat (`city`, `regionCode`, `countryCode`) or as the object
    # the API returns; the flat fields win when both are given.
    city: Text = None
    region_code: Text = Field(None, alias="regionCode")
    country_code: Text = Field(None, alias="countryCode")
    location: LocationIn | None = None
    tags: list[TagItem] | None = None
    custom_data: Annotated[
        list[CustomDatumIn] | None, BeforeValidator(_custom_data_object_as_list)
    ] = Field(None, alias="customData")


class BatchItemIn(CustomerIn):
    """One customer of a batch update: its id plus the fields to change."""

    customer: Numeric


BatchIn = Annotated[list[BatchItemIn], Field(min_length=1, max_length=10)]


class TagsIn(Wire):
    tags: Annotated[list[TagItem], Field(min_length=1, max_length=100)]


class FilterIn(Wire):
    field: StrictStr
    operator: StrictStr
    value: Any


class SearchIn(Wire):
    filter: list[FilterIn] | None = None
    comparison: StrictStr | None = None
    limit: Annotated[Numeric, Field(ge=1, le=100)] = 100
    offset: Annotated[Numeric, Field(ge=0, le=MAX_OFFSET)] = 0
    sort: StrictStr | None = None
    order: StrictStr | None = None


class EventIn(Wire):
    name: StrictStr
    data: dict[str, Any] | None = None
    customer: Numeric

"""The canonical contact, the shape of changes to it, and the rules on its plain fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, Literal

from contactbook.domain.emails import normalise_email
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.fields import CustomInput, FieldDefinition, Scalar
from contactbook.domain.free_json import check_object
from contactbook.domain.inboxes import ContactInbox
from contactbook.domain.lists import ContactList
from contactbook.domain.phones import normalise_phone
from contactbook.domain.tags import Tag, TagInput
from contactbook.domain.text import check_text


class Unset:
    """The "not given" marker, distinct from an explicit None (which clears)."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset()


class HlrStatus(StrEnum):
    """Result of the last HLR lookup of a contact's phone."""

    UNKNOWN = "unknown"
    SENT = "sent"
    ABSENT = "absent"
    ACTIVE = "active"
    FAILED = "failed"
    BARRED = "barred"


# Longest accepted value of each text attribute. The vendor APIs agree on 255 for the
# identifying fields (Chatwoot's string columns); free text gets more room.
TEXT_LIMITS: Final[Mapping[str, int]] = {
    "name": 255,
    "external_id": 255,
    "company": 255,
    "avatar_url": 2048,
    "city": 255,
    "country_code": 64,
    "region_code": 255,
    "locale": 64,
    "notes": 20_000,
    "source": 2048,
    "referer": 2048,
    "last_page": 2048,
    "created_from": 255,
    "integration_id": 255,
}

TEXT_FIELDS: Final = tuple(TEXT_LIMITS)
BOOL_FIELDS: Final = ("blocked", "unsubscribed")
TIME_FIELDS: Final = ("first_seen", "last_seen")
UNIQUE_FIELDS: Final = ("phone", "email", "external_id")

MergeMode = Literal["merge", "replace"]


@dataclass(frozen=True, slots=True)
class CustomValue:
    """One custom value with the definition it belongs to."""

    field: FieldDefinition
    value: Scalar


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact as stored, with what was loaded of its relations."""

    id: int
    account_id: int
    phone: str | None = None
    phone_region: str | None = None
    phone_type: str | None = None
    phone_valid: bool | None = None
    email: str | None = None
    name: str | None = None
    external_id: str | None = None
    company: str | None = None
    avatar_url: str | None = None
    city: str | None = None
    country_code: str | None = None
    region_code: str | None = None
    locale: str | None = None
    notes: str | None = None
    source: str | None = None
    referer: str | None = None
    last_page: str | None = None
    created_from: str | None = None
    integration_id: str | None = None
    device: Mapping[str, Any] | None = None
    blocked: bool = False
    unsubscribed: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    additional_attributes: Mapping[str, Any] = field(default_factory=dict)
    custom: tuple[CustomValue, ...] = ()
    tags: tuple[Tag, ...] = ()
    lists: tuple[ContactList, ...] = ()
    inboxes: tuple[ContactInbox, ...] = ()
    hlr_status: str = HlrStatus.UNKNOWN
    hlr_last_check: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    def custom_by_key(self) -> dict[str, Scalar]:
        return {item.field.key: item.value for item in self.custom}

    def custom_by_id(self) -> dict[int, Scalar]:
        return {item.field.id: item.value for item in self.custom}


@dataclass(slots=True)
class ContactInput:
    """A change to a contact; on create, what is not given takes its default.

    Each attribute is UNSET (leave alone), None (clear) or a value. `custom` and
    `additional_attributes` are merged key by key (a None value removes the key) unless their
    mode is "replace". `tags` and `lists`, when given, replace the contact's tags and lists.
    Custom fields are named by id (int) or key (str).
    """

    phone: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    external_id: str | Unset | None = UNSET
    company: str | Unset | None = UNSET
    avatar_url: str | Unset | None = UNSET
    city: str | Unset | None = UNSET
    country_code: str | Unset | None = UNSET
    region_code: str | Unset | None = UNSET
    locale: str | Unset | None = UNSET
    notes: str | Unset | None = UNSET
    source: str | Unset | None = UNSET
    referer: str | Unset | None = UNSET
    last_page: str | Unset | None = UNSET
    created_from: str | Unset | None = UNSET
    integration_id: str | Unset | None = UNSET
    device: Mapping[str, Any] | Unset | None = UNSET
    blocked: bool | Unset | None = UNSET
    unsubscribed: bool | Unset | None = UNSET
    first_seen: datetime | Unset | None = UNSET
    last_seen: datetime | Unset | None = UNSET
    additional_attributes: Mapping[str, Any] | Unset | None = UNSET
    additional_mode: MergeMode = "merge"
    custom: CustomInput | Unset = UNSET
    custom_mode: MergeMode = "merge"
    tags: Sequence[TagInput] | Unset | None = UNSET
    lists: Sequence[int] | Unset | None = UNSET

    def given(self) -> dict[str, object]:
        """The plain attributes that were given, by name."""
        return {
            name: value
            for name in (*TEXT_FIELDS, *BOOL_FIELDS, *TIME_FIELDS, "phone", "email", "device")
            if (value := getattr(self, name)) is not UNSET
        }


def clean_plain_fields(data: ContactInput, default_region: str | None) -> dict[str, object]:
    """Normalise and check the given plain attributes; return storage column values.

    Phones become E.164 plus `phone_region`/`phone_type`/`phone_valid`; emails are lower-cased;
    blank strings clear; booleans given as None become False.

    Raises: InvalidInput listing every problem found, each naming its field.
    """
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for name, raw in data.given().items():
        try:
            values.update(_clean_one(name, raw, default_region))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return values


def _clean_one(name: str, raw: object, region: str | None) -> dict[str, object]:
    if name in BOOL_FIELDS:
        if raw is None:
            return {name: False}
        if not isinstance(raw, bool):
            raise _type(name, "boolean", raw)
        return {name: raw}
    if name == "device":
        return {name: None if raw is None else check_object(raw, name)}
    if name in TIME_FIELDS:
        if raw is not None and not isinstance(raw, datetime):
            raise _type(name, "datetime", raw)
        return {name: raw}
    if raw is None:
        return _cleared(name)
    if not isinstance(raw, str):
        raise _type(name, "string", raw)
    text = check_text(raw, name).strip()
    if not text:
        return _cleared(name)
    if name == "phone":
        phone = normalise_phone(text, region)
        return {
            "phone": phone.e164,
            "phone_region": phone.region,
            "phone_type": phone.line_type,
            "phone_valid": phone.valid,
        }
    if name == "email":
        return {"email": normalise_email(text)}
    limit = TEXT_LIMITS[name]
    if len(text) > limit:
        raise InvalidInput.single(
            name,
            ProblemCode.TOO_LONG,
            f"This value is too long. It should have {limit} characters or less.",
            raw,
        )
    if name == "country_code" and len(text) == 2:
        text = text.upper()
    return {name: text}


def _cleared(name: str) -> dict[str, object]:
    if name == "phone":
        return {"phone": None, "phone_region": None, "phone_type": None, "phone_valid": None}
    return {name: None}


def _type(name: str, expected: str, value: object) -> InvalidInput:
    return InvalidInput.single(
        name, ProblemCode.INVALID_TYPE, f"This value should be of type {expected}.", value
    )

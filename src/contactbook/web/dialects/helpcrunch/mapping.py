"""Pure translation between HelpCrunch customers and canonical contacts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from contactbook.domain.contacts import Contact, ContactInput
from contactbook.domain.errors import ContactNotFound, InvalidInput, Problem, ProblemCode
from contactbook.domain.events import Event
from contactbook.domain.fields import INT_LIMIT, FieldType, date_to_unix
from contactbook.domain.tags import TagInput
from contactbook.web.dialects.helpcrunch.schemas import CustomerIn
from contactbook.web.kit.ids import id_or_missing

Mode = Literal["create", "put", "patch"]

# Attributes a HelpCrunch customer carries, by wire-model name = canonical name. PUT sets every
# one of them (absent → null, false, [] or {}); `createdFrom` and `integrationId` say where the
# customer came from and are written only when given; device and everything HelpCrunch cannot
# show (lists, additional attributes, avatar) are never touched.
PLAIN = (
    "name", "email", "company", "phone", "source", "referer", "last_page", "locale", "notes",
)  # fmt: skip
ORIGIN = ("created_from", "integration_id")
LOCATION = ("city", "region_code", "country_code")
FLAGS = ("unsubscribed", "blocked")
TIMES = ("first_seen", "last_seen")
WIRE_NAMES = {"first_seen": "firstSeen", "last_seen": "lastSeen"}

# Latest instant a unix time may name (9999-12-31T23:59:59Z).
MAX_UNIX = 253_402_300_799

# Tags and custom values are all a customer response needs besides its columns.
INCLUDE = frozenset({"tags"})


def path_id(raw: str) -> int:
    """A customer id from a URL; anything but a stored-size positive integer names nobody.

    Raises: ContactNotFound.
    """
    return id_or_missing(raw.strip(), ContactNotFound)


def body_id(value: int) -> int:
    """A numeric customer id from a body; out-of-range numbers name nobody.

    Raises: ContactNotFound.
    """
    if not 0 < value <= INT_LIMIT:
        raise ContactNotFound(value)
    return value


# --- out -------------------------------------------------------------------------------------


def unix_text(moment: datetime | None) -> str | None:
    """HelpCrunch times: unix seconds as a string."""
    return None if moment is None else str(int(moment.timestamp()))


def custom_data_out(contact: Contact) -> dict[str, Any]:
    """Custom values keyed by property with their JSON types; dates as unix seconds."""
    data: dict[str, Any] = {}
    for item in contact.custom:
        value = item.value
        if item.field.type is FieldType.DATE and isinstance(value, str):
            value = date_to_unix(value)
        data[item.field.key] = value
    return data


def customer_out(contact: Contact) -> dict[str, Any]:
    """The customer object, fields in the order HelpCrunch's documents list them."""
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "userId": contact.external_id,
        "company": contact.company,
        "phone": contact.phone,
        "firstSeen": unix_text(contact.first_seen),
        "lastSeen": unix_text(contact.last_seen),
        "location": {
            "regionCode": contact.region_code,
            "countryCode": contact.country_code,
            "city": contact.city,
        },
        "device": None if contact.device is None else dict(contact.device),
        "unsubscribed": contact.unsubscribed,
        "blocked": contact.blocked,
        "source": contact.source,
        "referer": contact.referer,
        "lastPage": contact.last_page,
        "locale": contact.locale,
        "createdFrom": contact.created_from,
        "integrationId": contact.integration_id,
        "notes": contact.notes,
        "tags": [{"name": tag.name, "color": tag.color} for tag in contact.tags],
        "customData": custom_data_out(contact),
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "name": event.name,
        "data": event.data,
        "createdAt": unix_text(event.created_at),
        "customer": event.contact_id,
    }


# --- in --------------------------------------------------------------------------------------


def customer_input(body: CustomerIn, mode: Mode, prefix: str = "") -> ContactInput:
    """The change `body` asks for. PUT gives every HelpCrunch attribute: what the body leaves
    out becomes null (false for flags, no tags, no custom values).

    `prefix` names the batch item (`[2].`) in problems.

    Raises: InvalidInput naming the fields in HelpCrunch's names.
    """
    given = body.model_fields_set
    every = mode == "put"
    data = ContactInput()
    for name in (*PLAIN, *FLAGS):
        if every or name in given:
            setattr(data, name, getattr(body, name))
    if every or "user_id" in given:
        data.external_id = body.user_id
    for name in ORIGIN:
        if name in given:
            setattr(data, name, getattr(body, name))
    _location(body, given, every, data)
    problems: list[Problem] = []
    for name in TIMES:
        if every or name in given:
            setattr(data, name, _moment(getattr(body, name), prefix + WIRE_NAMES[name], problems))
    if every or "tags" in given:
        data.tags = [TagInput(tag.name, tag.color) for tag in body.tags or ()]
    if every or "custom_data" in given:
        data.custom = _custom(body, prefix, problems)
        data.custom_mode = "merge" if mode == "patch" else "replace"
    if problems:
        raise InvalidInput(problems)
    return data


def custom_indexes(body: CustomerIn) -> dict[str, int]:
    """Each property's position in the body's `customData` (the last one wins)."""
    return {item.property: index for index, item in enumerate(body.custom_data or ())}


def _location(body: CustomerIn, given: set[str], every: bool, data: ContactInput) -> None:
    nested = body.location.model_fields_set if body.location is not None else set()
    for name in LOCATION:
        if name in given:
            setattr(data, name, getattr(body, name))
        elif "location" in given:
            # `location: null` clears all three; an object sets what it names.
            if body.location is None or name in nested:
                setattr(data, name, getattr(body.location, name, None))
            elif every:
                setattr(data, name, None)
        elif every:
            setattr(data, name, None)


def _moment(value: int | None, path: str, problems: list[Problem]) -> datetime | None:
    if value is None:
        return None
    if not 0 <= value <= MAX_UNIX:
        problems.append(
            Problem(path, ProblemCode.OUT_OF_RANGE, "This value is not a valid timestamp.", value)
        )
        return None
    return datetime.fromtimestamp(value, UTC)


def _custom(body: CustomerIn, prefix: str, problems: list[Problem]) -> dict[str, object]:
    values: dict[str, object] = {}
    for index, item in enumerate(body.custom_data or ()):
        if item.value is not None and not isinstance(item.value, str | int | float | bool):
            problems.append(
                Problem(
                    f"{prefix}customData[{index}].value",
                    ProblemCode.INVALID_TYPE,
                    "This value should be of type scalar.",
                )
            )
            continue
        values[item.property] = item.value
    return values

"""Change records: what one committed write did to one contact.

Every write to a contact, through any API, the CLI, an import or a merge, leaves one record in
its own transaction. History shows them, undo reads them backwards, and webhook deliveries are
made from them: one write, one record.

A record names the fields it changed by their canonical names (`phone`, `email`, `name`,
`custom_fields.<key>`, `additional_attributes.<key>`, `tags`, `lists`, `stoplist`, …) with the
value before and after, in JSON form (times as ISO-8601 UTC, tags by name, lists by id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from contactbook.domain.contacts import Contact
from contactbook.domain.context import Origin
from contactbook.domain.inboxes import ContactInbox

CUSTOM_PREFIX = "custom_fields."
ADDITIONAL_PREFIX = "additional_attributes."

# The plain attributes a record follows, in the order history shows them. Phone metadata
# (region, line type) follows from the phone; versions and times are the record's own.
PLAIN_FIELDS = (
    "phone", "email", "name", "external_id", "company", "avatar_url", "city", "country_code",
    "region_code", "locale", "notes", "source", "referer", "last_page", "created_from",
    "integration_id", "device", "blocked", "unsubscribed", "first_seen", "last_seen",
    "hlr_status", "hlr_last_check",
)  # fmt: skip
RELATION_FIELDS = ("tags", "lists")
# The stop-list channels of the contact's phone: no column of the contact, yet a phone going on
# or off the stop list changes what the contact may be sent, so those writes record it.
STOPLIST_FIELD = "stoplist"


class Action(StrEnum):
    """What a write did to the contact as a whole."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"  # to the trash
    RESTORED = "restored"
    MERGED = "merged"  # on the survivor; the merged-away contact's record says `deleted`
    ERASED = "erased"


FieldChanges = dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class NewChange:
    """A record about to be written (the store adds the account, time and origin)."""

    contact_id: int
    version: int
    action: Action
    changes: FieldChanges = field(default_factory=dict)
    detail: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """A record as stored."""

    id: int
    contact_id: int
    version: int
    at: datetime
    action: Action
    origin: Origin
    changes: FieldChanges
    detail: Mapping[str, Any] | None = None


def json_value(value: object) -> Any:
    """`value` in the JSON form records keep (times as ISO-8601 UTC strings)."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def snapshot(contact: Contact) -> dict[str, Any]:
    """The contact as canonical field name -> JSON value; absent and empty values are left out
    (so a field that appears or goes shows as from/to null). Tags and lists count only when
    they were loaded with the contact."""
    state: dict[str, Any] = {}
    for name in PLAIN_FIELDS:
        value = getattr(contact, name)
        if value is None or value == {} or (name == "hlr_status" and value == "unknown"):
            continue
        if name in ("blocked", "unsubscribed") and value is False:
            continue
        state[name] = json_value(value)
    for key, value in (contact.additional_attributes or {}).items():
        if value is not None:
            state[ADDITIONAL_PREFIX + key] = json_value(value)
    for item in contact.custom:
        if item.value is not None:
            state[CUSTOM_PREFIX + item.field.key] = json_value(item.value)
    if contact.tags:
        state["tags"] = [tag.name for tag in contact.tags]
    if contact.lists:
        state["lists"] = sorted(item.id for item in contact.lists)
    return state


def with_stoplist(state: Mapping[str, Any], channels: Iterable[str]) -> dict[str, Any]:
    """`state` (a snapshot) with the stop-list channels of the contact's phone, sorted; none
    leaves the field out, as every absent value is."""
    result = dict(state)
    stopped = sorted(set(channels))
    if stopped:
        result[STOPLIST_FIELD] = stopped
    else:
        result.pop(STOPLIST_FIELD, None)
    return result


INBOXES_FIELD = "inboxes"


def identities(items: Iterable[ContactInbox]) -> list[dict[str, Any]] | None:
    """A contact's channel identities as a record shows them (`inboxes`): inbox id and source
    id, sorted; None for none. Not part of `snapshot` (identities are read only on demand):
    the writes that change them record this field themselves."""
    shown = sorted(
        ({"inbox_id": item.inbox.id, "source_id": item.source_id} for item in items),
        key=lambda item: (item["inbox_id"], item["source_id"]),
    )
    return shown or None


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> FieldChanges:
    """Field -> {"from", "to"} for every canonical field whose value differs."""
    changed: FieldChanges = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = {"from": old, "to": new}
    return changed


def rewind(state: Mapping[str, Any], records: list[ChangeRecord]) -> dict[str, Any]:
    """`state` with `records` (newest first) undone: what the contact held before the oldest
    of them. Trash moves are skipped (a deleted record lists the identifiers it freed, but the
    contact comes back from the trash with them)."""
    rewound = dict(state)
    for record in records:
        # Going to the trash and back changes no field: the contact comes back as it went.
        if record.action in (Action.DELETED, Action.RESTORED):
            continue
        for name, change in record.changes.items():
            if change.get("from") is None:
                rewound.pop(name, None)
            else:
                rewound[name] = change["from"]
    return rewound


def shown(record: ChangeRecord) -> dict[str, Any]:
    """A record as history shows it, over HTTP and in the CLI: its origin flattened, `detail`
    left out (it is for undo, not for readers); `at` stays a datetime for the renderer."""
    origin = record.origin
    actor = (
        {"type": origin.actor_type, "id": origin.actor_id}
        if origin.actor_type is not None and origin.actor_id is not None
        else None
    )
    return {
        "id": record.id,
        "version": record.version,
        "at": record.at,
        "action": record.action.value,
        "source": origin.source.value,
        "actor": actor,
        "request_id": origin.request_id,
        "job_id": origin.job_id,
        "changes": record.changes,
    }


def erased(changes: FieldChanges) -> FieldChanges:
    """`changes` with every value replaced by null: the field names stay, the person goes."""
    return {name: {"from": None, "to": None} for name in changes}

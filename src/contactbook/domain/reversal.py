"""Going back: recorded values (a `snapshot` state, or the `from` side of a change record) as
the input that writes them again, and which of a write's changes can still be undone.

Values here are in the JSON form records keep (`domain.changes`): times as ISO-8601 strings,
tags by name, lists by id, custom values by field key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from contactbook.domain.changes import (
    ADDITIONAL_PREFIX,
    CUSTOM_PREFIX,
    INBOXES_FIELD,
    STOPLIST_FIELD,
    FieldChanges,
)
from contactbook.domain.contacts import BOOL_FIELDS, TIME_FIELDS, ContactInput
from contactbook.domain.tags import TagInput

# Recorded, but no contact write sets them: the phone's lookups (HLR), the stop list of its
# phone, and channel identities (which a merge's undo moves back by id).
NOT_WRITABLE = frozenset({"hlr_status", "hlr_last_check", STOPLIST_FIELD, INBOXES_FIELD})


def changed_values(current: Mapping[str, Any], target: Mapping[str, Any]) -> dict[str, Any]:
    """Field -> value for every field whose value in `target` differs from `current` (None
    for a field `target` lacks): what a write must set to turn one state into the other."""
    return {
        name: target.get(name)
        for name in dict.fromkeys([*current, *target])
        if current.get(name) != target.get(name) and name not in NOT_WRITABLE
    }


def input_of(values: Mapping[str, Any]) -> ContactInput:
    """An input setting exactly the fields named in `values` (None clears, or removes the
    key of an additional attribute or a custom value) and leaving every other one alone."""
    data = ContactInput()
    additional: dict[str, Any] = {}
    custom: dict[str | int, Any] = {}
    for name, value in values.items():
        if name.startswith(ADDITIONAL_PREFIX):
            additional[name.removeprefix(ADDITIONAL_PREFIX)] = value
        elif name.startswith(CUSTOM_PREFIX):
            custom[name.removeprefix(CUSTOM_PREFIX)] = value
        elif name == "tags":
            data.tags = [TagInput(str(tag)) for tag in value or ()]
        elif name == "lists":
            data.lists = [int(item) for item in value or ()]
        elif name in TIME_FIELDS:
            setattr(data, name, None if value is None else datetime.fromisoformat(value))
        elif name in BOOL_FIELDS:
            setattr(data, name, bool(value))
        elif name not in NOT_WRITABLE and hasattr(data, name):
            setattr(data, name, value)
    if additional:
        data.additional_attributes = additional  # merged key by key; None removes the key
    if custom:
        data.custom = custom
    return data


def undoable(changes: FieldChanges, current: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Of a record's `changes`, the fields that still hold what it set (field -> the value to
    put back) and the fields changed again since (kept as they are now: conflicts)."""
    back: dict[str, Any] = {}
    conflicts: list[str] = []
    for name, change in changes.items():
        if name in NOT_WRITABLE:
            continue
        if current.get(name) == change.get("to"):
            back[name] = change.get("from")
        else:
            conflicts.append(name)
    return back, conflicts

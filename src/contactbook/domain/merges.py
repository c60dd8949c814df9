"""The rule of merging two contacts into one: the base contact wins, the other fills its gaps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactbook.domain.contacts import TEXT_FIELDS, TIME_FIELDS, Contact, ContactInput


def is_blank(value: object) -> bool:
    """None, a blank string, or an empty object or array: nothing worth keeping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping | list | tuple):
        return not value
    return False


def deep_merge(base: Mapping[str, Any], under: Mapping[str, Any]) -> dict[str, Any]:
    """`under` merged beneath `base`: base's non-blank values win, nested objects merge the
    same way, blank values of either side are dropped."""
    result: dict[str, Any] = {k: v for k, v in under.items() if not is_blank(v)}
    for key, value in base.items():
        if is_blank(value):
            continue
        below = result.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            result[key] = deep_merge(value, below)
        else:
            result[key] = value
    return result


def merge_changes(base: Contact, mergee: Contact) -> ContactInput:
    """What `base` must change to absorb `mergee`.

    Per attribute the base wins; where the base is blank, the mergee's value is taken. Free
    objects (additional attributes, device) are deep-merged with the base on top, and custom
    values the base lacks are added. Tags, lists, `blocked` and `unsubscribed` are not part of
    this rule: the caller decides what happens to relations.
    """
    changes = ContactInput()
    for name in ("phone", "email", *TEXT_FIELDS, *TIME_FIELDS):
        mine, theirs = getattr(base, name), getattr(mergee, name)
        if is_blank(mine) and not is_blank(theirs):
            setattr(changes, name, theirs)
    for name, mode in (("additional_attributes", "additional_mode"), ("device", None)):
        mine, theirs = getattr(base, name) or {}, getattr(mergee, name) or {}
        merged = deep_merge(mine, theirs)
        if merged != dict(mine):
            setattr(changes, name, merged)
            if mode is not None:
                setattr(changes, mode, "replace")
    present = {item.field.id for item in base.custom}
    missing = {item.field.id: item.value for item in mergee.custom if item.field.id not in present}
    if missing:
        changes.custom = missing
    return changes

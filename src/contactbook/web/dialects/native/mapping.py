"""Pure translation between native query parameters and domain queries, and domain → JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.events import Event
from contactbook.domain.fields import INT_LIMIT, FieldDefinition
from contactbook.domain.inboxes import Inbox
from contactbook.domain.lists import ContactList
from contactbook.domain.queries import (
    ATTRIBUTES,
    MAX_CONDITIONS,
    ChannelIdentity,
    Condition,
    CustomField,
    Expr,
    Op,
    SortKey,
    all_of,
    check_query,
    check_search_text,
    text_search,
)
from contactbook.domain.stoplist import StopEntry
from contactbook.domain.tags import Tag

SORTS = ("id", "-id", "created_at", "-created_at", "updated_at", "-updated_at")
SEARCH_TARGETS = ("name", "email", "phone", "external_id")
IDENTITY_PREFIX = "identity."


def sort_keys(sort: str) -> tuple[SortKey, ...]:
    """Native sorts are keyset-friendly: a non-null column, then id."""
    return (SortKey(sort.lstrip("-"), descending=sort.startswith("-")),)


def parse_filter(text: str, index: int) -> Condition:
    """`field:op:value` (value may hold colons; `present`/`absent` take none).

    Raises: InvalidInput naming `filter.N`.
    """
    path = f"filter.{index}"
    check_search_text(text, path)
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise InvalidInput.single(
            path, ProblemCode.INVALID_VALUE, "Write a filter as field:op:value.", text
        )
    name, op_text = parts[0].strip(), parts[1].strip()
    try:
        op = Op(op_text)
    except ValueError as exc:
        ops = ", ".join(o.value for o in Op)
        raise InvalidInput.single(
            path, ProblemCode.INVALID_CHOICE, f"Unknown operator {op_text!r}; use one of {ops}."
        ) from exc
    value: Any = parts[2] if len(parts) == 3 else None
    if value is None and op not in (Op.PRESENT, Op.ABSENT):
        raise InvalidInput.single(path, ProblemCode.REQUIRED, f"The {op} filter needs a value.")
    if op is Op.IN and value is not None:
        value = tuple(value.split(","))
    target: str | CustomField | ChannelIdentity = name if name in ATTRIBUTES else CustomField(name)
    if name.startswith(IDENTITY_PREFIX) and name not in ATTRIBUTES:
        # `identity.telegram`: the contact's source id in any inbox of that channel.
        target = ChannelIdentity(name.removeprefix(IDENTITY_PREFIX))
    if isinstance(target, str):
        value = _typed_attribute(target, value, path)
    return Condition(target, op, value, ci=True)


def _typed_attribute(name: str, value: Any, path: str) -> Any:
    kind = ATTRIBUTES[name]
    if value is None:
        return None
    try:
        if kind in ("int", "list"):
            numbers = tuple(int(v) for v in value) if isinstance(value, tuple) else (int(value),)
            if any(abs(n) > INT_LIMIT for n in numbers):
                raise ValueError(value)
            return numbers if isinstance(value, tuple) else numbers[0]
        if kind == "bool":
            return {"true": True, "false": False}[str(value).lower()]
    except (ValueError, KeyError) as exc:
        raise InvalidInput.single(
            path, ProblemCode.INVALID_TYPE, f"The value of {name} should be a {kind}.", value
        ) from exc
    if kind == "time":
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidInput.single(
                path, ProblemCode.INVALID_TYPE, "Give times in ISO 8601.", value
            ) from exc
    return value


def contact_filter(
    q: str | None, lists: Sequence[int], tags: Sequence[str], filters: Sequence[str]
) -> Expr | None:
    """The condition tree of a native listing.

    Raises: InvalidInput naming `q`, `tag` or the bad `filter.N` (all of them at once), or
    `filter` when there are more filters than a query may hold.
    """
    problems: list[Problem] = []
    conditions: list[Expr | None] = []
    if q and q.strip():
        conditions.append(text_search(check_search_text(q.strip(), "q"), SEARCH_TARGETS))
    if lists:
        conditions.append(Condition("lists", Op.IN, tuple(lists)))
    if tags:
        conditions.append(
            Condition("tags", Op.IN, tuple(check_search_text(t, "tag") for t in tags))
        )
    if len(filters) > MAX_CONDITIONS:
        raise InvalidInput.single(
            "filter", ProblemCode.TOO_MANY, f"At most {MAX_CONDITIONS} filters.", len(filters)
        )
    for index, text in enumerate(filters):
        try:
            conditions.append(parse_filter(text, index))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    where = all_of(*conditions)
    check_query(where, "filter")
    return where


def list_out(item: ContactList) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "description": item.description,
        "is_default": item.is_default,
        "items": item.items,
        "stop_list_count": item.stop_list_count,
        "created_at": item.created_at,
    }


def field_out(definition: FieldDefinition) -> dict[str, Any]:
    return {
        "id": definition.id,
        "key": definition.key,
        "name": definition.name,
        "type": definition.type.value,
        "description": definition.description,
        "visible": definition.visible,
        "options": list(definition.options),
        "created_at": definition.created_at,
        "updated_at": definition.updated_at,
    }


def tag_out(tag: Tag, contacts: int) -> dict[str, Any]:
    return {"name": tag.name, "color": tag.color, "contacts": contacts}


def stop_out(entry: StopEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "phone": entry.phone,
        "channels": sorted(channel.value for channel in entry.channels),
        "created_at": entry.created_at,
    }


def inbox_out(inbox: Inbox) -> dict[str, Any]:
    return {
        "id": inbox.id,
        "name": inbox.name,
        "channel_type": inbox.channel_type.value,
        "avatar_url": inbox.avatar_url,
        "created_at": inbox.created_at,
    }


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "contact_id": event.contact_id,
        "name": event.name,
        "data": event.data,
        "created_at": event.created_at,
    }

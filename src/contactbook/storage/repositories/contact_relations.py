"""A contact's lists, tags and inbox identities, fetched in the same statement as the contact.

Each relation is a correlated subquery that aggregates the related rows into a JSON array, so a
page of contacts with everything it shows is one round trip, whatever the page's size.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import JSON, ColumnElement, func, literal_column, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by

from contactbook.domain.inboxes import ChannelType, ContactInbox, Inbox
from contactbook.domain.lists import ContactList
from contactbook.domain.tags import Tag
from contactbook.storage.tables import (
    contact_inboxes,
    contact_tags,
    contacts,
    inboxes,
    list_members,
    lists,
    tags,
)


def _array(dialect: str, items: list[Any], order: list[Any]) -> Any:
    """JSON array of rows; ordered on PostgreSQL, sorted after reading on SQLite (whose
    aggregates take no ORDER BY before 3.44)."""
    row = (func.json_build_array if dialect == "postgresql" else func.json_array)(*items)
    if dialect == "postgresql":
        aggregated = func.json_agg(aggregate_order_by(row, *order))
        return func.coalesce(aggregated, literal_column("'[]'::json"))
    return func.coalesce(func.json_group_array(row), "[]")


def relation_columns(dialect: str, include: frozenset[str]) -> list[ColumnElement[Any]]:
    """Columns to select beside `contacts.*` for the relations named in `include`."""
    return list(_relation_columns(dialect, include))


@cache
def _relation_columns(dialect: str, include: frozenset[str]) -> tuple[ColumnElement[Any], ...]:
    # Built once: the subqueries correlate on `contacts`, so no account or value is inside.
    columns: list[ColumnElement[Any]] = []
    if "lists" in include:
        sub = (
            select(
                _array(
                    dialect,
                    [lists.c.id, lists.c.name, lists.c.description, lists.c.is_default,
                     lists.c.created_at, lists.c["items"], lists.c.stop_list_count],
                    [lists.c.id],
                )
            )
            .select_from(list_members.join(lists, (lists.c.account_id == list_members.c.account_id)
                                           & (lists.c.id == list_members.c.list_id)))
            .where(list_members.c.account_id == contacts.c.account_id,
                   list_members.c.contact_id == contacts.c.id)
        )  # fmt: skip
        columns.append(type_coerce(sub.scalar_subquery(), JSON).label("rel_lists"))
    if "tags" in include:
        sub = (
            select(
                _array(
                    dialect,
                    [tags.c.id, tags.c.name, tags.c.color, contact_tags.c.position],
                    [contact_tags.c.position, tags.c.id],
                )
            )
            .select_from(contact_tags.join(tags, (tags.c.account_id == contact_tags.c.account_id)
                                           & (tags.c.id == contact_tags.c.tag_id)))
            .where(contact_tags.c.account_id == contacts.c.account_id,
                   contact_tags.c.contact_id == contacts.c.id)
        )  # fmt: skip
        columns.append(type_coerce(sub.scalar_subquery(), JSON).label("rel_tags"))
    if "inboxes" in include:
        sub = (
            select(
                _array(
                    dialect,
                    [contact_inboxes.c.id, contact_inboxes.c.source_id,
                     contact_inboxes.c.hmac_verified, contact_inboxes.c.created_at, inboxes.c.id,
                     inboxes.c.name, inboxes.c.channel_type, inboxes.c.created_at,
                     inboxes.c.avatar_url, inboxes.c.provider],
                    [contact_inboxes.c.id],
                )
            )
            .select_from(contact_inboxes.join(
                inboxes, (inboxes.c.account_id == contact_inboxes.c.account_id)
                & (inboxes.c.id == contact_inboxes.c.inbox_id)))
            .where(contact_inboxes.c.account_id == contacts.c.account_id,
                   contact_inboxes.c.contact_id == contacts.c.id)
        )  # fmt: skip
        columns.append(type_coerce(sub.scalar_subquery(), JSON).label("rel_inboxes"))
    return tuple(columns)


@lru_cache(maxsize=4096)
def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_lists(value: list[list[Any]] | None) -> tuple[ContactList, ...]:
    found = sorted(value or (), key=lambda item: item[0])
    return tuple(
        ContactList(
            id=item[0], name=item[1], description=item[2], is_default=bool(item[3]),
            created_at=_time(item[4]), items=int(item[5]), stop_list_count=int(item[6]),
        )
        for item in found
    )  # fmt: skip


def parse_tags(value: list[list[Any]] | None) -> tuple[Tag, ...]:
    found = sorted(value or (), key=lambda item: (item[3], item[0]))
    return tuple(Tag(item[0], item[1], item[2]) for item in found)


def parse_inboxes(contact_id: int, value: list[list[Any]] | None) -> tuple[ContactInbox, ...]:
    found = sorted(value or (), key=lambda item: item[0])
    return tuple(
        ContactInbox(
            id=item[0],
            contact_id=contact_id,
            inbox=Inbox(
                id=item[4], name=item[5], channel_type=ChannelType(item[6]),
                created_at=_time(item[7]), avatar_url=item[8], provider=item[9],
            ),
            source_id=item[1],
            hmac_verified=bool(item[2]),
            created_at=_time(item[3]),
        )
        for item in found
    )  # fmt: skip

"""The schema, as SQLAlchemy Core tables shared by the repositories and the migrations.

Rules (docs/design.md §4): `account_id` leads every primary key, unique constraint and index
so the store can be distributed by account; counters (`account_counters`, `lists.items`,
`lists.items_with_phone`, `lists.stop_list_count`) are kept in the same transaction as the
writes that move them, by what those writes' statements changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite keeps no zone, so it is added on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# None is SQL NULL (not JSON null), so "absent" stays distinguishable in SQL.
Json: Any = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

# Tables whose ids come from a sequence shared by all accounts ("one sequence; the same id in
# every API"). PostgreSQL has real sequences; SQLite uses rows of `id_sequences`.
SEQUENCED = ("contacts", "fields", "tags", "lists", "stoplist", "inboxes", "contact_inboxes",
             "events", "api_keys", "jobs", "changes")  # fmt: skip


def _default_of(column: Column[Any]) -> Any:
    """A column's server default, for a copy of the column in another table."""
    default = column.server_default
    return None if default is None else default.arg  # type: ignore[attr-defined]


def _now_default() -> Any:
    return text("CURRENT_TIMESTAMP")


accounts = Table(
    "accounts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False),
    Column("test_mode", Boolean, nullable=False, server_default=text("false")),
    Column("default_region", String(2)),
    Column("created_at", UTCDateTime, nullable=False),
)

# The account's maintained totals and its data version, as a few rows summed on read.
# One row would be the hot row every write of the account serialises on: each write
# transaction adds its deltas, as its last statement, to the shard of its own connection
# (see `storage.ledger`), so concurrent writers rarely meet. Reads sum at most `SHARDS` rows.
account_counters = Table(
    "account_counters",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("shard", Integer, nullable=False),
    # The dialects' list endpoints report these without COUNT(*).
    Column("contacts_total", BigInteger, nullable=False, server_default=text("0")),
    Column("contacts_with_phone", BigInteger, nullable=False, server_default=text("0")),
    Column("contacts_resolved", BigInteger, nullable=False, server_default=text("0")),
    # Moved by every committed write to the account's data: what a cached read is valid for.
    Column("data_version", BigInteger, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("account_id", "shard"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

id_sequences = Table(
    "id_sequences",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

instance_settings = Table(
    "instance_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("name", String(255)),
    Column("scopes", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "key_hash"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

verified_numbers = Table(
    "verified_numbers",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("phone", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "phone"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("phone", String(16)),
    Column("phone_region", String(2)),
    Column("phone_type", String(32)),
    Column("phone_valid", Boolean),
    Column("email", String(255)),
    Column("name", String(255)),
    Column("external_id", String(255)),
    Column("company", String(255)),
    Column("avatar_url", Text),
    Column("city", String(255)),
    Column("country_code", String(64)),
    Column("region_code", String(255)),
    Column("locale", String(64)),
    Column("notes", Text),
    Column("source", Text),
    Column("referer", Text),
    Column("last_page", Text),
    Column("created_from", String(255)),
    Column("integration_id", String(255)),
    Column("device", Json),
    Column("blocked", Boolean, nullable=False, server_default=text("false")),
    Column("unsubscribed", Boolean, nullable=False, server_default=text("false")),
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("additional_attributes", Json),
    # Custom values keyed by field id (as a string): renaming a field's key touches no contact.
    Column("custom", Json),
    Column("hlr_status", String(16), nullable=False, server_default=text("'unknown'")),
    Column("hlr_last_check", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "phone"),
    UniqueConstraint("account_id", "email"),
    UniqueConstraint("account_id", "external_id"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
    Index("ix_contacts_account_created", "account_id", "created_at", "id"),
)

fields = Table(
    "fields",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("scope", String(16), nullable=False),
    Column("key", String(100), nullable=False),
    Column("name", String(255), nullable=False),
    Column("type", String(16), nullable=False),
    Column("description", String(255)),
    Column("visible", Boolean, nullable=False, server_default=text("true")),
    Column("options", Json),
    Column("regex_pattern", Text),
    Column("regex_cue", Text),
    Column("default_value", BigInteger),
    # Defined by a contact write or an import rather than asked for: the first explicit
    # create of the key adopts the field (its id and values stay).
    Column("implicit", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "scope", "key"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

tags = Table(
    "tags",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("name", String(255), nullable=False),
    Column("name_folded", String(255), nullable=False),
    Column("color", String(50), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "name_folded"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

contact_tags = Table(
    "contact_tags",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=False),
    Column("tag_id", BigInteger, nullable=False),
    Column("position", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("account_id", "contact_id", "tag_id"),
    ForeignKeyConstraint(
        ["account_id", "contact_id"], ["contacts.account_id", "contacts.id"], ondelete="CASCADE"
    ),
    ForeignKeyConstraint(
        ["account_id", "tag_id"], ["tags.account_id", "tags.id"], ondelete="CASCADE"
    ),
    Index("ix_contact_tags_tag", "account_id", "tag_id", "contact_id"),
)

lists = Table(
    "lists",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("name", String(50), nullable=False),
    Column("name_folded", String(50), nullable=False),
    Column("description", String(255)),
    Column("is_default", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("items", BigInteger, nullable=False, server_default=text("0")),
    Column("stop_list_count", BigInteger, nullable=False, server_default=text("0")),
    Column("items_with_phone", BigInteger, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "name_folded"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

list_members = Table(
    "list_members",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("list_id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "list_id", "contact_id"),
    ForeignKeyConstraint(
        ["account_id", "list_id"], ["lists.account_id", "lists.id"], ondelete="CASCADE"
    ),
    ForeignKeyConstraint(
        ["account_id", "contact_id"], ["contacts.account_id", "contacts.id"], ondelete="CASCADE"
    ),
    Index("ix_list_members_contact", "account_id", "contact_id", "list_id"),
)

stoplist = Table(
    "stoplist",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("phone", String(16), nullable=False),
    Column("sms", Boolean, nullable=False, server_default=text("false")),
    Column("viber", Boolean, nullable=False, server_default=text("false")),
    Column("rcs", Boolean, nullable=False, server_default=text("false")),
    Column("whatsapp", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "phone"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

inboxes = Table(
    "inboxes",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("name", String(255), nullable=False),
    Column("channel_type", String(32), nullable=False),
    Column("avatar_url", Text),
    Column("provider", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
)

contact_inboxes = Table(
    "contact_inboxes",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=False),
    Column("inbox_id", BigInteger, nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("hmac_verified", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    UniqueConstraint("account_id", "inbox_id", "source_id"),
    ForeignKeyConstraint(
        ["account_id", "contact_id"], ["contacts.account_id", "contacts.id"], ondelete="CASCADE"
    ),
    ForeignKeyConstraint(
        ["account_id", "inbox_id"], ["inboxes.account_id", "inboxes.id"], ondelete="CASCADE"
    ),
    Index("ix_contact_inboxes_contact", "account_id", "contact_id"),
)

events = Table(
    "events",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=False),
    Column("name", String(255), nullable=False),
    Column("data", Json),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    ForeignKeyConstraint(
        ["account_id", "contact_id"], ["contacts.account_id", "contacts.id"], ondelete="CASCADE"
    ),
    Index("ix_events_contact", "account_id", "contact_id", "id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),  # import | export
    Column("state", String(16), nullable=False),  # queued | running | succeeded | failed
    Column("format", String(16), nullable=False),
    Column("filename", String(255)),
    Column("path", Text, nullable=False),
    Column("options", Json),
    Column("rows", BigInteger, nullable=False, server_default=text("0")),
    Column("created", BigInteger, nullable=False, server_default=text("0")),
    Column("updated", BigInteger, nullable=False, server_default=text("0")),
    Column("skipped", BigInteger, nullable=False, server_default=text("0")),
    Column("rejected", BigInteger, nullable=False, server_default=text("0")),
    Column("rows_done", BigInteger, nullable=False, server_default=text("0")),
    Column("last_line", BigInteger, nullable=False, server_default=text("0")),
    Column("bytes_done", BigInteger, nullable=False, server_default=text("0")),
    Column("bytes_total", BigInteger, nullable=False, server_default=text("0")),
    Column("errors_path", Text),
    Column("message", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("heartbeat_at", UTCDateTime),
    # Fencing token: moved by every claim; a runner's batch commits only while it still holds
    # the lease it claimed (see `services.jobs.runner`).
    Column("lease", BigInteger, nullable=False, server_default=text("0")),
    # The job's file as it was written (an upload, an export): checked before it is served or
    # imported. Null for jobs from before files were sealed, and for exports not yet written.
    Column("file_size", BigInteger),
    Column("file_sha256", String(64)),
    PrimaryKeyConstraint("account_id", "id"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
    # The one index not led by account_id: workers claim the oldest waiting job of any account.
    Index("ix_jobs_state", "state", "id"),
)


# --- history and trash -------------------------------------------------------------------------

# One row per committed write to a contact, in the write's own transaction: history, undo and
# webhook deliveries all read these rows. No foreign key to `contacts`: the history outlives
# the contact (trash, purge) and an erase keeps its actions, times and field names.
changes = Table(
    "changes",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("actor_type", String(16)),
    Column("actor_id", BigInteger),
    Column("request_id", String(64)),
    Column("job_id", BigInteger),
    # Canonical field name -> {"from": ..., "to": ...}.
    Column("changes", Json, nullable=False),
    # What an undo needs beyond the fields (a merge: the merged ids and what moved).
    Column("detail", Json),
    PrimaryKeyConstraint("account_id", "id"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
    Index("ix_changes_contact", "account_id", "contact_id", "id"),
    Index("ix_changes_job", "account_id", "job_id", "id"),
)

# Deleted contacts, as they were: every column of `contacts` (without its unique constraints,
# so a trashed contact's phone, email and external id are free at once), when and by which
# change they went, and the survivor when a merge took them.
trashed_contacts = Table(
    "trashed_contacts",
    metadata,
    *[
        Column(c.name, c.type, nullable=c.nullable, server_default=_default_of(c))
        for c in contacts.columns
    ],
    Column("deleted_at", UTCDateTime, nullable=False),
    Column("change_id", BigInteger, nullable=False),
    Column("merged_into", BigInteger),
    PrimaryKeyConstraint("account_id", "id"),
    ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
    Index("ix_trashed_contacts_deleted", "account_id", "deleted_at", "id"),
)

# A trashed contact's relations: its lists (`kind` list, `ref_id` the list), tags (tag, the
# tag, `position`) and channel identities (inbox, the inbox; `item_id`, `source_id`,
# `hmac_verified`, `created_at` of the identity).
trashed_relations = Table(
    "trashed_relations",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("ref_id", BigInteger, nullable=False),
    Column("item_id", BigInteger, nullable=False, server_default=text("0")),
    Column("position", Integer, nullable=False, server_default=text("0")),
    Column("source_id", String(255)),
    Column("hmac_verified", Boolean),
    Column("created_at", UTCDateTime),
    PrimaryKeyConstraint("account_id", "contact_id", "kind", "ref_id", "item_id"),
    ForeignKeyConstraint(
        ["account_id", "contact_id"],
        ["trashed_contacts.account_id", "trashed_contacts.id"],
        ondelete="CASCADE",
    ),
)

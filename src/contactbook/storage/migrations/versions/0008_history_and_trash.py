"""History and trash: a change record per write, and deleted contacts kept for restore.

`changes` holds one row per committed write to a contact (history, undo and webhook
deliveries read it); `trashed_contacts` and `trashed_relations` hold deleted contacts with
their lists, tags and channel identities until they are restored or purged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:36:48
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _json() -> Any:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
    )


def _time() -> Any:
    return sa.DateTime(timezone=True)


# Frozen copy of the contacts table's columns at this revision.
def _contact_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("phone_region", sa.String(length=2), nullable=True),
        sa.Column("phone_type", sa.String(length=32), nullable=True),
        sa.Column("phone_valid", sa.Boolean(), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("avatar_url", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=True),
        sa.Column("country_code", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=255), nullable=True),
        sa.Column("locale", sa.String(length=64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("referer", sa.Text(), nullable=True),
        sa.Column("last_page", sa.Text(), nullable=True),
        sa.Column("created_from", sa.String(length=255), nullable=True),
        sa.Column("integration_id", sa.String(length=255), nullable=True),
        sa.Column("device", _json(), nullable=True),
        sa.Column("blocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("unsubscribed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("first_seen", _time(), nullable=True),
        sa.Column("last_seen", _time(), nullable=True),
        sa.Column("additional_attributes", _json(), nullable=True),
        sa.Column("custom", _json(), nullable=True),
        sa.Column(
            "hlr_status", sa.String(length=16), server_default=sa.text("'unknown'"), nullable=False
        ),
        sa.Column("hlr_last_check", _time(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", _time(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("changes", _json(), nullable=False),
        sa.Column("detail", _json(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_changes_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_changes")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index("ix_changes_contact", ["account_id", "contact_id", "id"])
        batch_op.create_index("ix_changes_job", ["account_id", "job_id", "id"])

    op.create_table(
        "trashed_contacts",
        *_contact_columns(),
        sa.Column("deleted_at", _time(), nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("merged_into", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_trashed_contacts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_trashed_contacts")),
    )
    with op.batch_alter_table("trashed_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_trashed_contacts_deleted", ["account_id", "deleted_at", "id"])

    op.create_table(
        "trashed_relations",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("ref_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.Column("hmac_verified", sa.Boolean(), nullable=True),
        sa.Column("created_at", _time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "contact_id"],
            ["trashed_contacts.account_id", "trashed_contacts.id"],
            name=op.f("fk_trashed_relations_account_id_contact_id_trashed_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account_id",
            "contact_id",
            "kind",
            "ref_id",
            "item_id",
            name=op.f("pk_trashed_relations"),
        ),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS changes_id_seq")
    else:
        op.bulk_insert(
            sa.table(
                "id_sequences", sa.column("name", sa.String), sa.column("value", sa.BigInteger)
            ),
            [{"name": "changes", "value": 0}],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS changes_id_seq")
    else:
        op.execute("DELETE FROM id_sequences WHERE name = 'changes'")
    op.drop_table("trashed_relations")
    with op.batch_alter_table("trashed_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_trashed_contacts_deleted")
    op.drop_table("trashed_contacts")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_job")
        batch_op.drop_index("ix_changes_contact")
    op.drop_table("changes")

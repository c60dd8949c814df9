"""Lists count their members with a phone (group totals of phone-only listings, no COUNT).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "items_with_phone", sa.BigInteger(), server_default=sa.text("0"), nullable=False
            )
        )
    # Existing lists start from their true count.
    op.execute(
        "UPDATE lists SET items_with_phone = ("
        " SELECT count(*) FROM list_members m JOIN contacts c"
        " ON c.account_id = m.account_id AND c.id = m.contact_id"
        " WHERE m.account_id = lists.account_id AND m.list_id = lists.id"
        " AND c.phone IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("lists", schema=None) as batch_op:
        batch_op.drop_column("items_with_phone")

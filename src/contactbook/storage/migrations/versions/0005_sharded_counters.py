"""Account totals and data version move to summed shard rows; jobs carry a lease token.

The single account row that every write updated (totals, data version) serialised an
account's writers; the totals now live in `account_counters` rows, one per shard, summed on
read. Existing accounts start with their current values in shard 0.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TOTALS = ("contacts_total", "contacts_with_phone", "contacts_resolved", "data_version")


def upgrade() -> None:
    op.create_table(
        "account_counters",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        *(
            sa.Column(name, sa.BigInteger(), server_default=sa.text("0"), nullable=False)
            for name in _TOTALS
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_account_counters_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "shard", name="pk_account_counters"),
    )
    columns = ", ".join(_TOTALS)
    op.execute(
        f"INSERT INTO account_counters (account_id, shard, {columns}) "  # noqa: S608
        f"SELECT id, 0, {columns} FROM accounts"
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        for name in _TOTALS:
            batch_op.drop_column(name)
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lease", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("lease")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        for name in _TOTALS:
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), server_default=sa.text("0"), nullable=False)
            )
    for name in _TOTALS:
        op.execute(
            f"UPDATE accounts SET {name} = COALESCE((SELECT sum({name}) FROM account_counters"  # noqa: S608
            " c WHERE c.account_id = accounts.id), 0)"
        )
    op.drop_table("account_counters")

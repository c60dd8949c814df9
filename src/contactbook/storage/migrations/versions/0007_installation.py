"""Job files are sealed: each job records the size and SHA-256 of its file when it is written.

A file is checked against its job before it is served or imported, so a file changed on disk,
or another installation's file under the same name, is refused. (The installation id that keys
the files' folder is made at first start, in `instance_settings`.)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_size", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("file_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("file_sha256")
        batch_op.drop_column("file_size")

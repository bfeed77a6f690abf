"""Action planning: the group replica, actions, work-plan items, once-per-key records.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _snapshot_table(name: str, index_column: str, length: int) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(index_column, sa.String(length), nullable=False, index=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def upgrade() -> None:
    _snapshot_table("groups", "state", 2)
    _snapshot_table("actions", "organiser_group_id", 64)
    _snapshot_table("work_items", "plan", 300)
    op.create_table(
        "once",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("once", "work_items", "actions", "groups"):
        op.drop_table(table)

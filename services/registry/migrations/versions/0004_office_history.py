"""An office's history of changes (who, when, what, why), for the state office's register pages.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_history",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("office_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_office_history_office_id", "office_history", ["office_id"])


def downgrade() -> None:
    op.drop_index("ix_office_history_office_id", "office_history")
    op.drop_table("office_history")

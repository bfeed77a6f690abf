"""The archive of progress reports: each report as compiled and sent, for the board's pages.

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
        "progress_reports",
        sa.Column("period_key", sa.String(300), primary_key=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_progress_reports_until", "progress_reports", ["until"])


def downgrade() -> None:
    op.drop_index("ix_progress_reports_until", "progress_reports")
    op.drop_table("progress_reports")

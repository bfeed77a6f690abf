"""Erasure in the streams (issue 18): a note per erasure that the service's own streams must lose every message
naming the person (shared/messaging/erasure.py); deleted once they are clean.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_scrubs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stream_scrubs")

"""Qualifications (issue 17): trained people not yet counselling at an office, and notices sent once per key.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_qualifications",
        sa.Column("id", sa.String(320), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("qualifies_for", sa.String(64), nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("training_title", sa.String(300), nullable=False),
        sa.Column("training_on", sa.Date, nullable=False),
    )
    op.create_table(
        "qualification_notices",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("qualification_notices")
    op.drop_table("person_qualifications")

"""Training dates with their participants (issue 17).

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
        "trainings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_trainings_day", "trainings", ["day"])
    op.create_index("ix_trainings_status", "trainings", ["status"])


def downgrade() -> None:
    op.drop_index("ix_trainings_status", "trainings")
    op.drop_index("ix_trainings_day", "trainings")
    op.drop_table("trainings")

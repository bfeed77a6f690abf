"""Blocked addresses (issue 18): the fingerprints of people who objected (Art. 21 GDPR, "löschen und sperren"),
learnt from the mailing service's erasure event; no address that matches one is taken in again.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocked_addresses",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("blocked_addresses")

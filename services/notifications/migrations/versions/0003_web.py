"""The web interface (issue 14): posts for the mailings page, when a delivery was last tried, link requests.

A list's welcome text needs no column: a list is stored as a snapshot (`lists.data`), and a snapshot
without it reads as an empty welcome text.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "posts",
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(op.f("ix_posts_list_id"), "posts", ["list_id"], unique=False)
    op.create_table(
        "link_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_link_requests_fingerprint"), "link_requests", ["fingerprint"], unique=False)


def downgrade() -> None:
    op.drop_table("link_requests")
    op.drop_table("posts")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("last_attempt_at")

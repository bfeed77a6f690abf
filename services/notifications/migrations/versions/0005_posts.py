"""Members write to their list (issue 20): held posts, trusted senders, and incoming mail kept with its reason.

A list's posting rules need no column: they live in its snapshot (`lists.data`); a snapshot without them reads
as the defaults (members write, a stranger's post waits for the moderation).

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
        "held_posts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("sender_name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_held_posts_list_id"), "held_posts", ["list_id"], unique=False)
    op.create_index(op.f("ix_held_posts_sender"), "held_posts", ["sender"], unique=False)
    op.create_index(op.f("ix_held_posts_state"), "held_posts", ["state"], unique=False)
    op.create_table(
        "trusted_senders",
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("list_id", "address"),
    )
    op.create_table(
        "kept_mail",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_kept_mail_list_id"), "kept_mail", ["list_id"], unique=False)
    op.create_index(op.f("ix_kept_mail_sender"), "kept_mail", ["sender"], unique=False)


def downgrade() -> None:
    op.drop_table("kept_mail")
    op.drop_table("trusted_senders")
    op.drop_table("held_posts")

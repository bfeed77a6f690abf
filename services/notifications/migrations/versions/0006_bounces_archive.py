"""Bounces and the archive (issue 20): a membership's delivery can be suspended, what bounced is logged, and every
distributed post is kept in its list's archive.

Revision ID: 0006
Revises: 0005 (the incoming mail)
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "bounces",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("diagnostic", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_bounces_list_id"), "bounces", ["list_id"], unique=False)
    op.create_index(op.f("ix_bounces_address"), "bounces", ["address"], unique=False)
    op.create_table(
        "archive",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=120), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("sender_name", sa.String(length=100), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_id", "event_id", name="uq_archive_list_event"),
    )
    for column in ("list_id", "message_id", "thread_id", "sender"):
        op.create_index(op.f(f"ix_archive_{column}"), "archive", [column], unique=False)


def downgrade() -> None:
    op.drop_table("archive")
    op.drop_table("bounces")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("suspended_at")

"""Slugs for regional groups (readable names in URLs), with a backfill for groups founded before.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

from services.registry.domain.slugs import readable
from shared.slugs import candidates

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    slugs = op.create_table(
        "group_slugs",
        sa.Column("slug", sa.String(80), primary_key=True),
        sa.Column("group_id", sa.String(64), nullable=False, index=True),
    )
    groups = sa.table("groups", sa.column("id", sa.String), sa.column("data", sa.JSON))
    bind = op.get_bind()
    rows = [
        (row.id, row.data if isinstance(row.data, dict) else json.loads(row.data))
        for row in bind.execute(sa.select(groups))
    ]
    # Active groups first, so that a clash gives the number to the group that no longer acts on its own.
    rows.sort(key=lambda row: (row[1].get("status", "aktiv") != "aktiv", row[1].get("name", ""), row[0]))
    taken: set[str] = set()
    for group_id, data in rows:
        base = readable(data.get("name", "")) or "gruppe"
        slug = next(candidate for candidate in candidates(base) if candidate not in taken)
        taken.add(slug)
        bind.execute(sa.insert(slugs).values(slug=slug, group_id=group_id))
        bind.execute(
            sa.update(groups).where(groups.c.id == group_id).values(data={**data, "slug": slug, "aliases": []})
        )


def downgrade() -> None:
    op.drop_table("group_slugs")

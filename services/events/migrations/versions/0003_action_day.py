"""Actions get their start day as an indexed column, so that clashes need not load every action.

Revision ID: 0003
Revises: 0002
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _day(data: dict) -> date | None:
    start = data.get("start")
    if not start:
        return None
    moment = datetime.fromisoformat(start)
    berlin = ZoneInfo("Europe/Berlin")
    return (moment.astimezone(berlin) if moment.tzinfo else moment.replace(tzinfo=berlin)).date()


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("day", sa.Date, nullable=True))
        batch.create_index("ix_actions_day", ["day"])
    actions = sa.table("actions", sa.column("id", sa.String), sa.column("data", sa.JSON), sa.column("day", sa.Date))
    connection = op.get_bind()
    for row in connection.execute(sa.select(actions.c.id, actions.c.data)).all():
        if day := _day(row.data):
            connection.execute(sa.update(actions).where(actions.c.id == row.id).values(day=day))


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_index("ix_actions_day")
        batch.drop_column("day")

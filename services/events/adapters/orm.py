"""Tables of action planning. Aggregates are stored as their snapshot (JSON) beside indexed columns."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table

from shared.db.snapshots import version_column
from shared.db.unit_of_work import MessagingTables

metadata = MetaData()
messaging = MessagingTables.on(metadata)

groups = Table(
    "groups",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(2), nullable=False, index=True),
    Column("data", JSON, nullable=False),
    version_column(),
)
actions = Table(
    "actions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organiser_group_id", String(64), nullable=False, index=True),
    Column("data", JSON, nullable=False),
    version_column(),
)
work_items = Table(
    "work_items",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("plan", String(300), nullable=False, index=True),
    Column("data", JSON, nullable=False),
    version_column(),
)
# Things that must happen once per key (a reminder per item and due date, a report per period).
once = Table(
    "once",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("done_at", DateTime(timezone=True), nullable=False),
)

"""Tables of the registry. Aggregates are stored as their snapshot (JSON) beside indexed columns."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, MetaData, String, Table

from shared.db.snapshots import version_column
from shared.db.unit_of_work import MessagingTables

metadata = MetaData()
messaging = MessagingTables.on(metadata)

districts = Table(
    "districts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(2), nullable=False, index=True),
    Column("data", JSON, nullable=False),
    version_column(),
)
groups = Table(
    "groups",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(2), nullable=False, index=True),
    Column("data", JSON, nullable=False),
    version_column(),
)
offices = Table(
    "offices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("import_key", String(300), nullable=False, index=True),
    Column("data", JSON, nullable=False),
    version_column(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

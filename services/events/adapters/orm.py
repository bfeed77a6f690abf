"""Tables of the events service; Alembic migrations in ../migrations are made from this metadata."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db.unit_of_work import MessagingTables

metadata = MetaData()
messaging = MessagingTables.on(metadata)

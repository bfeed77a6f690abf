"""Outbox and inbox tables; every service adds them to its own metadata."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, LargeBinary, MetaData, String, Table, Text

from shared.db.types import UtcDateTime


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("position", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("subject", String(255), nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
    )


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("subject", String(255), nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
    )


def scrubs_table(metadata: MetaData) -> Table:
    """Erasure notes: the words (address, names) the service's own streams must lose; each deleted once done."""
    return Table(
        "stream_scrubs",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("words", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
    )

"""Tables of action planning. Aggregates are stored as their snapshot (JSON) beside indexed columns."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table

from shared.db.blocked import blocked_addresses_table
from shared.db.snapshots import snapshot_table
from shared.db.types import UtcDateTime
from shared.db.unit_of_work import MessagingTables

metadata = MetaData()
messaging = MessagingTables.on(metadata)

groups = snapshot_table("groups", metadata, Column("state", String(2), nullable=False, index=True))
actions = snapshot_table(
    "actions",
    metadata,
    Column("organiser_group_id", String(64), nullable=False, index=True),
    Column("day", Date, nullable=True, index=True),
)  # the start's date in Berlin: clashes are looked up by it
work_items = snapshot_table("work_items", metadata, Column("plan", String(300), nullable=False, index=True))
# Things that must happen once per key (a reminder per item and due date, a report per period).
once = Table(
    "once",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("done_at", UtcDateTime(), nullable=False),
)
# Fingerprints of people who objected (issue 18, "löschen und sperren"): their addresses are never taken in again.
blocked_addresses = blocked_addresses_table(metadata)
# The progress reports as compiled and sent (the wire contract's JSON), the board's archive (issue 15).
progress_reports = Table(
    "progress_reports",
    metadata,
    Column("period_key", String(300), primary_key=True),
    Column("until", UtcDateTime(), nullable=False, index=True),
    Column("data", JSON, nullable=False),
)
# Training dates with their participants (issue 17); `day` is the start's date in Berlin.
trainings = snapshot_table(
    "trainings",
    metadata,
    Column("day", Date, nullable=False, index=True),
    Column("status", String(20), nullable=False, index=True),
)
# The registry's survey campaigns as their latest event counted them (issue 17): the progress report's response rates.
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False, index=True),
    Column("recipients", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),  # when the registry counted this state: the later wins
)

"""Tables of the registry. Aggregates are stored as their snapshot (JSON) beside indexed columns."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table

from shared.db.blocked import blocked_addresses_table
from shared.db.snapshots import snapshot_table
from shared.db.types import UtcDateTime
from shared.db.unit_of_work import MessagingTables

metadata = MetaData()
messaging = MessagingTables.on(metadata)

districts = snapshot_table("districts", metadata, Column("state", String(2), nullable=False, index=True))
groups = snapshot_table("groups", metadata, Column("state", String(2), nullable=False, index=True))
# Every slug a group holds or held, once: the primary key keeps two groups from ever sharing one.
group_slugs = Table(
    "group_slugs",
    metadata,
    Column("slug", String(80), primary_key=True),
    Column("group_id", String(64), nullable=False, index=True),
)
offices = snapshot_table(
    "offices",
    metadata,
    Column("import_key", String(300), nullable=False, index=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)
# One row per change of an office: who (the request's actor), when (the service's clock), and what ({what, details,
# reason} in German, see domain/history.py).
office_history = Table(
    "office_history",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("office_id", String(64), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(320), nullable=False),
    Column("data", JSON, nullable=False),
)
# Issue 17: trained people who counsel at no office of the register yet (by their address, casefolded), until an
# office adds them as a counsellor; and the notices sent once per key (qualification ending, office without one).
person_qualifications = Table(
    "person_qualifications",
    metadata,
    Column("id", String(320), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False),
    Column("qualifies_for", String(64), nullable=False),
    Column("until", Date, nullable=False),
    Column("training_title", String(300), nullable=False),
    Column("training_on", Date, nullable=False),
)
# Fingerprints of people who objected (issue 18, "löschen und sperren"): their addresses are never taken in again.
blocked_addresses = blocked_addresses_table(metadata)
qualification_notices = Table(
    "qualification_notices",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("done_at", UtcDateTime(), nullable=False),
)
# Survey campaigns (issue 17): the campaign, and one row per recipient with the answer and its review.
campaigns = snapshot_table("campaigns", metadata, Column("state", String(2), nullable=True, index=True))
survey_recipients = snapshot_table(
    "survey_recipients",
    metadata,
    Column("campaign_id", String(64), nullable=False, index=True),
    Column("email", String(320), nullable=False, index=True),  # casefolded, for the erasure
)

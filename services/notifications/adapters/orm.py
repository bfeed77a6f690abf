"""Tables of the notifications service."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint

from shared.db.snapshots import snapshot_table
from shared.db.types import UtcDateTime
from shared.db.unit_of_work import MessagingTables

metadata = MetaData()
messaging = MessagingTables.on(metadata)


def _when(name: str, nullable: bool = False) -> Column:
    return Column(name, UtcDateTime(), nullable=nullable)


lists = snapshot_table("lists", metadata, Column("group_id", String(64), nullable=True, index=True))
members = Table(
    "members",
    metadata,
    Column("list_id", String(64), primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("delivery", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    _when("since", nullable=True),
    _when("suspended_at", nullable=True),  # delivery suspended after too many bounces (domain/bounces.py)
)
requests = Table(
    "requests",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("address", String(320), nullable=False, index=True),
    Column("display_name", String(100), nullable=False),
    Column("new_address", String(320), nullable=False),
    Column("state", String(30), nullable=False),
    _when("created_at"),
    Column("ip", String(64), nullable=False),
    Column("decided_by", String(320), nullable=False),
    _when("decided_at", nullable=True),
)
consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False),
    Column("address", String(320), nullable=False, index=True),
    Column("request_id", String(64), nullable=False),
    _when("requested_at"),
    _when("confirmed_at", nullable=True),
    Column("ip", String(64), nullable=False),
    Column("text_version", String(20), nullable=False),
)
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False, index=True),
    _when("at"),
    Column("actor", String(320), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(320), nullable=False),
    Column("detail", Text, nullable=False),
)
used_tokens = Table("used_tokens", metadata, Column("token_id", String(32), primary_key=True), _when("used_at"))
suppressions = Table("suppressions", metadata, Column("fingerprint", String(64), primary_key=True), _when("created_at"))
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(120), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("list_id", String(64), nullable=True),
    Column("kind", String(30), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("status", String(20), nullable=False, index=True),  # pending | sent | failed | digest | digested
    Column("attempts", Integer, nullable=False),
    _when("next_attempt_at"),
    Column("last_error", Text, nullable=True),
    Column("message", LargeBinary, nullable=True),
    Column("summary", Text, nullable=True),  # the line a digest shows for it
    _when("created_at"),
    _when("sent_at", nullable=True),
    _when("last_attempt_at", nullable=True),
    UniqueConstraint("event_id", "recipient", name="uq_delivery_event_recipient"),
)
posts = Table(  # a moderator's message to a list: what the mailings page lists, with its deliveries' counts
    "posts",
    metadata,
    Column("event_id", String(120), primary_key=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("subject", String(300), nullable=False),
    Column("sender", String(320), nullable=False),
    _when("sent_at"),
    Column("recipients", Integer, nullable=False),
)
link_requests = Table(  # who asked for a "Meine Verteiler" link in the last hour, as a fingerprint (rate limit)
    "link_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(64), nullable=False, index=True),
    _when("created_at"),
)
held_posts = Table(  # a post by mail waiting for the moderation (issue 20), and what became of it
    "held_posts",
    metadata,
    Column("id", String(64), primary_key=True),  # from the list and the post's Message-ID: the same post once
    Column("list_id", String(64), nullable=False, index=True),
    Column("sender", String(320), nullable=False, index=True),
    Column("sender_name", String(100), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("reasons", JSON, nullable=False),
    _when("received_at"),
    Column("message", LargeBinary, nullable=True),
    Column("state", String(20), nullable=False, index=True),
    _when("reminded_at", nullable=True),
    Column("decided_by", String(320), nullable=False),
    _when("decided_at", nullable=True),
    Column("reason", Text, nullable=False),
    Column("excerpt", Text, nullable=False),
    Column("member", Boolean, nullable=False),
)
trusted_senders = Table(  # "annehmen und vertrauen": this address's later posts to this list are not held
    "trusted_senders",
    metadata,
    Column("list_id", String(64), primary_key=True),
    Column("address", String(320), primary_key=True),
    _when("since"),
    Column("by", String(320), nullable=False),
)
kept_mail = Table(  # incoming mail that was not distributed, with the reason: never lost silently
    "kept_mail",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("list_id", String(64), nullable=True, index=True),
    Column("recipient", String(320), nullable=False),
    Column("sender", String(320), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    _when("received_at"),
    Column("message", LargeBinary, nullable=True),
)
bounces = Table(  # what came back for a membership: a DSN, a plain-text report, or a refusal at delivery
    "bounces",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("address", String(320), nullable=False, index=True),
    _when("at"),
    Column("severity", String(10), nullable=False),  # hart | weich
    Column("source", String(10), nullable=False),  # dsn | text | smtp
    Column("status", String(20), nullable=False),
    Column("diagnostic", Text, nullable=False),
    Column("reference", String(300), nullable=False),
    Column("cleared", Boolean, nullable=False),
)
archive = Table(  # every post a list distributed, as members read it later (service_layer/archive.py)
    "archive",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False, index=True),
    Column("event_id", String(120), nullable=False),
    Column("message_id", String(300), nullable=False, index=True),
    Column("thread_id", Integer, nullable=True, index=True),  # the first post of its thread (itself for a new one)
    Column("parent_id", Integer, nullable=True),
    Column("subject", String(300), nullable=False),
    Column("sender", String(320), nullable=False, index=True),
    Column("sender_name", String(100), nullable=False),
    _when("sent_at"),
    Column("body", Text, nullable=False),  # the plain text
    Column("search", Text, nullable=False),  # subject and text in lower case (Python's: SQLite's lower() is ASCII only)
    Column("attachments", Text, nullable=False),  # JSON: [{"name", "type", "size", "kept"}]
    Column("message", LargeBinary, nullable=False),  # the post as RFC 5322 bytes, attachments within the limit
    UniqueConstraint("list_id", "event_id", name="uq_archive_list_event"),
)

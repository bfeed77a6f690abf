"""Alembic, wired so each service owns its migrations (`services/<name>/migrations`).

`upgrade` runs inside the service's own async engine (Alembic's connection-sharing
recipe); `run_env` is all a service's `env.py` has to call.
"""

from __future__ import annotations

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from shared.db.engine import Database


def alembic_config(service: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"services.{service}:migrations")
    config.attributes["service"] = service
    return config


async def upgrade(database: Database, service: str, revision: str = "head") -> None:
    """Bring the service's schema to `revision`; creates the PostgreSQL schema if it is missing."""
    async with database.engine.begin() as connection:
        if database.schema and database.dialect == "postgresql":
            # A service's own role owns its schema but may not create schemas (beratungsnetz.runtime.provision_db),
            # and PostgreSQL checks that right even for IF NOT EXISTS: ask first.
            found = await connection.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": database.schema}
            )
            if found.first() is None:
                await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{database.schema}"'))
        await connection.run_sync(_upgrade, service, revision)


def _upgrade(connection: Connection, service: str, revision: str) -> None:
    config = alembic_config(service)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's `migrations/env.py`."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Migrationen laufen über shared.db.upgrade, nicht über die alembic-Kommandozeile")
    service = context.config.attributes["service"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=f"alembic_version_{service}",
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def create_messaging_tables(op) -> None:  # noqa: ANN001 - alembic.op
    """The outbox and inbox every service's first migration creates (a snapshot, as migrations are)."""
    import sqlalchemy as sa

    op.create_table(
        "outbox",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_messaging_tables(op) -> None:  # noqa: ANN001 - alembic.op
    op.drop_table("inbox")
    op.drop_index("ix_outbox_published_at", "outbox")
    op.drop_table("outbox")

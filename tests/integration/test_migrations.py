"""Each service's Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from shared.db import upgrade


@pytest.mark.parametrize("service", ["registry", "notifications", "events"])
async def test_migrations_create_outbox_and_inbox_and_can_run_twice(database, service: str) -> None:
    await upgrade(database, service)
    await upgrade(database, service)  # a restart migrates again: nothing to do, nothing breaks

    async with database.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        version = (await conn.execute(text(f"SELECT version_num FROM alembic_version_{service}"))).scalar_one()
    assert {"outbox", "inbox", f"alembic_version_{service}"} <= tables
    assert version == "0002"


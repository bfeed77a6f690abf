"""Each service's Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from shared.db import upgrade


@pytest.mark.parametrize("service", ["registry", "notifications", "events"])
async def test_migrations_create_outbox_and_inbox_and_can_run_twice(database, service: str) -> None:
    await upgrade(database, service)
    await upgrade(database, service)  # a restart migrates again: nothing to do, nothing breaks

    async with database.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        version = (await conn.execute(text(f"SELECT version_num FROM alembic_version_{service}"))).scalar_one()  # noqa: S608 - table names from our own metadata, no input
    assert {"outbox", "inbox", f"alembic_version_{service}"} <= tables
    assert version == {"registry": "0008", "notifications": "0006", "events": "0008"}[service]


async def test_actions_planned_before_the_day_column_get_their_day(database) -> None:
    await upgrade(database, "events", "0002")
    rows = [
        ("a-berlin-summer", {"start": "2026-07-01T23:30:00+02:00"}),
        ("a-utc-late", {"start": "2026-12-01T23:30:00+00:00"}),
        ("a-naive", {"start": "2026-12-24T09:00:00"}),
        ("a-idea", {"start": None}),
    ]
    async with database.engine.begin() as conn:
        for action_id, data in rows:
            await conn.execute(
                text("INSERT INTO actions (id, organiser_group_id, data, version) VALUES (:i, 'g', :d, 1)"),
                {"i": action_id, "d": json.dumps(data)},
            )
    await upgrade(database, "events")
    async with database.engine.connect() as conn:
        days = dict((await conn.execute(text("SELECT id, day FROM actions"))).all())
    as_text = {k: str(v) if v else None for k, v in days.items()}
    assert as_text == {
        "a-berlin-summer": "2026-07-01",
        "a-utc-late": "2026-12-02",
        "a-naive": "2026-12-24",
        "a-idea": None,
    }


async def test_groups_founded_before_slugs_get_one_each_active_groups_first(database) -> None:
    await upgrade(database, "registry", "0002")
    rows = [
        ("g-1", {"group_id": "g-1", "name": "Görlitz", "state": "SN", "status": "zusammengelegt"}),
        ("g-2", {"group_id": "g-2", "name": "Regionalgruppe Görlitz", "state": "SN"}),
        ("g-3", {"group_id": "g-3", "name": "Vogtland", "state": "SN"}),
    ]
    async with database.engine.begin() as conn:
        for group_id, data in rows:
            await conn.execute(
                text("INSERT INTO groups (id, state, data, version) VALUES (:i, 'SN', :d, 1)"),
                {"i": group_id, "d": json.dumps(data)},
            )
    await upgrade(database, "registry")
    async with database.engine.connect() as conn:
        slugs = dict((await conn.execute(text("SELECT slug, group_id FROM group_slugs"))).all())
        data = {
            i: json.loads(d) if isinstance(d, str) else d
            for i, d in (await conn.execute(text("SELECT id, data FROM groups"))).all()
        }
    assert slugs == {"goerlitz": "g-2", "goerlitz-2": "g-1", "vogtland": "g-3"}
    assert {i: d["slug"] for i, d in data.items()} == {"g-1": "goerlitz-2", "g-2": "goerlitz", "g-3": "vogtland"}

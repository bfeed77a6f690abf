"""The gateway's SessionStore on SQLite and PostgreSQL: sessions, sign-in tokens and granted web roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.gateway.adapters.sessions import SessionStore
from shared.db import upgrade
from shared.errors import DomainError
from tests import support


@pytest.fixture
async def store(database) -> SessionStore:
    await upgrade(database, "gateway")
    return SessionStore(database, idle=timedelta(hours=8), sign_in_valid=timedelta(minutes=15))


async def test_a_session_lives_while_it_is_used_and_ends_when_asked(store: SessionStore) -> None:
    now = support.test_clock().now()
    secret = await store.start(" Kathrin@Example.org ", now)
    found = await store.get(secret, now + timedelta(hours=7))
    assert found is not None and found.address == "kathrin@example.org"
    assert await store.get(secret, now + timedelta(hours=14)) is not None  # 7 h after the last request
    assert await store.get(secret, now + timedelta(hours=22, minutes=1)) is None  # more than 8 h idle
    assert await store.get(secret, now + timedelta(hours=14, minutes=1)) is None  # ended for good
    assert await store.get("bn_falsch", now) is None and await store.get(None, now) is None

    first, second = await store.start("anna@example.org", now), await store.start("anna@example.org", now)
    assert [s.address for s in await store.active(now)] == ["anna@example.org"] * 2
    await store.end(first, now)
    assert await store.get(first, now) is None and await store.get(second, now) is not None
    assert await store.end_all("ANNA@example.org", now) == 1
    assert await store.get(second, now) is None and await store.active(now) == []


async def test_sessions_are_stored_hashed(store: SessionStore, database) -> None:
    from sqlalchemy import text

    secret = await store.start("kathrin@example.org", support.test_clock().now())
    token = await store.issue_sign_in("kathrin@example.org", "/aufgaben", support.test_clock().now())
    async with database.engine.connect() as connection:
        stored = [str(row) for row in await connection.execute(text("SELECT * FROM web_sessions"))]
        stored += [str(row) for row in await connection.execute(text("SELECT * FROM sign_in_tokens"))]
    assert stored and not any(secret in row or token in row for row in stored)


async def test_a_sign_in_token_works_once_and_for_15_minutes(store: SessionStore) -> None:
    now = support.test_clock().now()
    token = await store.issue_sign_in("Kathrin@example.org", "/moderation/lag/anfragen", now)
    spent = await store.spend_sign_in(token, now + timedelta(minutes=14))
    assert spent is not None and (spent.address, spent.next_path) == ("kathrin@example.org", "/moderation/lag/anfragen")
    assert await store.spend_sign_in(token, now + timedelta(minutes=14)) is None  # once
    late = await store.issue_sign_in("kathrin@example.org", "", now)
    assert await store.spend_sign_in(late, now + timedelta(minutes=15)) is None  # 15 minutes, not a moment longer
    assert await store.spend_sign_in("bn_unbekannt", now) is None


async def test_granted_roles(store: SessionStore) -> None:
    now = support.test_clock().now()
    await store.grant("Vorstand@example.org", "vorstand", "landesbuero@beratungsnetz.example", now)
    await store.grant("vorstand@example.org", "vorstand", "landesbuero@beratungsnetz.example", now)  # twice: once
    await store.grant("vorstand@example.org", "verwaltung", "landesbuero@beratungsnetz.example", now)
    assert await store.roles_of("VORSTAND@example.org") == {"vorstand", "verwaltung"}
    assert [(g.address, g.role) for g in await store.all_grants()] == [
        ("vorstand@example.org", "verwaltung"),
        ("vorstand@example.org", "vorstand"),
    ]
    with pytest.raises(DomainError, match="unbekannt"):
        await store.grant("x@example.org", "koenig", "landesbuero@beratungsnetz.example", now)
    assert await store.revoke("vorstand@example.org", "verwaltung") is True
    assert await store.revoke("vorstand@example.org", "verwaltung") is False
    assert await store.roles_of("vorstand@example.org") == {"vorstand"}

"""API tokens in the gateway's own database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, exists, func, insert, or_, select, update

from services.gateway.domain.access import ApiToken
from shared.db import Database
from shared.db.types import UtcDateTime
from shared.errors import DomainError, NotFound
from shared.privacy import GONE

metadata = MetaData()
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("scope", String(64), nullable=True),
    Column("address", String(320), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)


class TokenStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    async def add(self, token: ApiToken) -> None:
        async with self.db.sessions.begin() as session:
            await session.execute(insert(api_tokens).values(**asdict(token)))

    async def by_hash(self, token_hash: str) -> ApiToken | None:
        async with self.db.sessions() as session:
            row = (await session.execute(select(api_tokens).where(api_tokens.c.token_hash == token_hash))).first()
        return ApiToken(**row._mapping) if row else None

    async def all(self) -> list[ApiToken]:
        async with self.db.sessions() as session:
            return [
                ApiToken(**r._mapping)
                for r in await session.execute(select(api_tokens).order_by(api_tokens.c.created_at))
            ]

    async def of_address(self, address: str) -> list[ApiToken]:
        """The tokens that act as `address` (any case), oldest first (Art. 15 GDPR)."""
        async with self.db.sessions() as session:
            query = select(api_tokens).where(func.lower(api_tokens.c.address) == address.strip().lower())
            return [ApiToken(**r._mapping) for r in await session.execute(query.order_by(api_tokens.c.created_at))]

    async def forget(self, address: str, at: datetime) -> int:
        """Erasure (Art. 17 GDPR): the address's tokens are revoked and keep no address. The last valid admin token
        stays valid (the state office must not lock itself out), only without the address."""
        tokens = await self.of_address(address)
        for token in tokens:
            if token.revoked_at is None:
                try:
                    await self.revoke(token.id, at)
                except DomainError:  # the last admin token
                    pass
        if tokens:
            async with self.db.sessions.begin() as session:
                await session.execute(
                    update(api_tokens).where(api_tokens.c.id.in_([t.id for t in tokens])).values(address=GONE)
                )
        return len(tokens)

    async def has_admin(self) -> bool:
        async with self.db.sessions() as session:
            query = select(api_tokens.c.id).where(api_tokens.c.role == "admin", api_tokens.c.revoked_at.is_(None))
            return (await session.execute(query)).first() is not None

    async def revoke(self, token_id: str, at: datetime) -> ApiToken:
        """Revoke, unless it is the last valid admin token. The valid admin tokens are locked first (PostgreSQL;
        SQLite has one writer anyway), so two admins revoking each other at once cannot both succeed."""
        others = api_tokens.alias("others")
        another_admin = exists().where(others.c.role == "admin", others.c.revoked_at.is_(None), others.c.id != token_id)
        async with self.db.sessions.begin() as session:
            valid_admins = select(api_tokens.c.id).where(
                api_tokens.c.role == "admin", api_tokens.c.revoked_at.is_(None)
            )
            await session.execute(valid_admins.with_for_update())
            done = await session.execute(
                update(api_tokens)
                .where(
                    api_tokens.c.id == token_id,
                    or_(api_tokens.c.role != "admin", api_tokens.c.revoked_at.is_not(None), another_admin),
                )
                .values(revoked_at=func.coalesce(api_tokens.c.revoked_at, at))
            )
            if done.rowcount != 1:
                if (await session.execute(select(api_tokens.c.id).where(api_tokens.c.id == token_id))).first():
                    raise DomainError(
                        "Das ist das letzte gültige Admin-Token; bitte zuerst ein weiteres Admin-Token anlegen.",
                        code="konflikt",
                    )
                raise NotFound(f"Token {token_id} nicht gefunden.")
            row = (await session.execute(select(api_tokens).where(api_tokens.c.id == token_id))).one()
        return ApiToken(**row._mapping)

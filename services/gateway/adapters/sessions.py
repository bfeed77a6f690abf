"""Web sessions, sign-in links and the web roles granted by hand, in the gateway's own database.

Secrets (session cookies, sign-in tokens) are stored only as their SHA-256: whoever reads the database
cannot sign in with what it holds. A session ends after `idle` without a request; a sign-in token is
good for `sign_in_valid` once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, String, Table, delete, insert, select, update

from services.gateway.adapters.tokens import metadata
from services.gateway.domain.access import hash_secret, new_secret
from services.gateway.domain.people import WEB_ROLES, normal_address
from shared.db import Database
from shared.db.types import UtcDateTime
from shared.errors import DomainError
from shared.privacy import GONE

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("address", String(320), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("last_seen", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=True),
)
sign_in_tokens = Table(
    "sign_in_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("address", String(320), nullable=False),
    Column("next_path", String(500), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("spent_at", UtcDateTime(), nullable=True),
)
web_grants = Table(
    "web_grants",
    metadata,
    Column("address", String(320), primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("granted_by", String(320), nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class WebSession:
    id: str
    address: str
    started_at: datetime
    last_seen: datetime


@dataclass(frozen=True)
class SignIn:
    address: str
    next_path: str


@dataclass(frozen=True)
class Grant:
    address: str
    role: str
    granted_by: str
    granted_at: datetime


class SessionStore:
    def __init__(
        self,
        database: Database,
        idle: timedelta = timedelta(hours=8),
        sign_in_valid: timedelta = timedelta(minutes=15),
    ) -> None:
        self.db, self.idle, self.sign_in_valid = database, idle, sign_in_valid

    # --- sessions -----------------------------------------------------------------------------

    async def start(self, address: str, now: datetime) -> str:
        """A new session for `address`; returns the cookie's secret (shown once, stored hashed)."""
        secret = new_secret()
        row = {
            "id": str(uuid.uuid4()),
            "address": normal_address(address),
            "secret_hash": hash_secret(secret),
            "started_at": now,
            "last_seen": now,
        }
        async with self.db.sessions.begin() as session:
            await session.execute(insert(web_sessions).values(**row))
        return secret

    async def get(self, secret: str | None, now: datetime) -> WebSession | None:
        """The live session of this cookie, its last request moved to `now`; None if unknown, ended or idle too long."""
        if not secret:
            return None
        async with self.db.sessions.begin() as session:
            query = select(web_sessions).where(
                web_sessions.c.secret_hash == hash_secret(secret), web_sessions.c.ended_at.is_(None)
            )
            row = (await session.execute(query)).first()
            if row is None:
                return None
            if now - row.last_seen > self.idle:
                await session.execute(update(web_sessions).where(web_sessions.c.id == row.id).values(ended_at=now))
                return None
            await session.execute(update(web_sessions).where(web_sessions.c.id == row.id).values(last_seen=now))
        return WebSession(row.id, row.address, row.started_at, now)

    async def end(self, secret: str | None, now: datetime | None = None) -> None:
        if not secret:
            return
        async with self.db.sessions.begin() as session:
            await session.execute(
                update(web_sessions)
                .where(web_sessions.c.secret_hash == hash_secret(secret), web_sessions.c.ended_at.is_(None))
                .values(ended_at=now or _epoch())
            )

    async def end_by_id(self, session_id: str, now: datetime) -> bool:
        async with self.db.sessions.begin() as session:
            done = await session.execute(
                update(web_sessions)
                .where(web_sessions.c.id == session_id, web_sessions.c.ended_at.is_(None))
                .values(ended_at=now)
            )
        return done.rowcount == 1

    async def end_all(self, address: str, now: datetime | None = None) -> int:
        """Ends every session of `address` (signing them out everywhere); returns how many."""
        async with self.db.sessions.begin() as session:
            done = await session.execute(
                update(web_sessions)
                .where(web_sessions.c.address == normal_address(address), web_sessions.c.ended_at.is_(None))
                .values(ended_at=now or _epoch())
            )
        return done.rowcount

    async def active(self, now: datetime) -> list[WebSession]:
        """Sessions not ended and not idle too long, newest request first."""
        async with self.db.sessions() as session:
            query = (
                select(web_sessions)
                .where(web_sessions.c.ended_at.is_(None), web_sessions.c.last_seen >= now - self.idle)
                .order_by(web_sessions.c.last_seen.desc())
            )
            rows = (await session.execute(query)).all()
        return [WebSession(r.id, r.address, r.started_at, r.last_seen) for r in rows]

    # --- sign-in links ------------------------------------------------------------------------

    async def issue_sign_in(self, address: str, next_path: str, now: datetime) -> str:
        secret = new_secret()
        row = {
            "token_hash": hash_secret(secret),
            "address": normal_address(address),
            "next_path": next_path[:500],
            "created_at": now,
        }
        async with self.db.sessions.begin() as session:
            await session.execute(insert(sign_in_tokens).values(**row))
            # Tokens long past their use are of no further interest.
            await session.execute(delete(sign_in_tokens).where(sign_in_tokens.c.created_at < now - timedelta(days=1)))
        return secret

    async def spend_sign_in(self, secret: str | None, now: datetime) -> SignIn | None:
        """The address and next path of a sign-in token, once and within its time; None otherwise."""
        if not secret:
            return None
        token_hash = hash_secret(secret)
        async with self.db.sessions.begin() as session:
            done = await session.execute(
                update(sign_in_tokens)
                .where(
                    sign_in_tokens.c.token_hash == token_hash,
                    sign_in_tokens.c.spent_at.is_(None),
                    sign_in_tokens.c.created_at > now - self.sign_in_valid,
                    sign_in_tokens.c.created_at <= now,
                )
                .values(spent_at=now)
            )
            if done.rowcount != 1:
                return None
            row = (await session.execute(select(sign_in_tokens).where(sign_in_tokens.c.token_hash == token_hash))).one()
        return SignIn(row.address, row.next_path)

    # --- web roles granted by hand ------------------------------------------------------------

    async def grant(self, address: str, role: str, by: str, now: datetime) -> Grant:
        if role not in WEB_ROLES:
            raise DomainError(f"Rolle „{role}“ unbekannt (möglich: {', '.join(WEB_ROLES)}).", code="ungueltige_eingabe")
        grant = Grant(normal_address(address), role, normal_address(by), now)
        async with self.db.sessions.begin() as session:
            known = select(web_grants.c.role).where(web_grants.c.address == grant.address, web_grants.c.role == role)
            if (await session.execute(known)).first() is None:
                await session.execute(insert(web_grants).values(**grant.__dict__))
        return grant

    async def revoke(self, address: str, role: str) -> bool:
        async with self.db.sessions.begin() as session:
            done = await session.execute(
                delete(web_grants).where(web_grants.c.address == normal_address(address), web_grants.c.role == role)
            )
        return done.rowcount == 1

    async def roles_of(self, address: str) -> set[str]:
        async with self.db.sessions() as session:
            query = select(web_grants.c.role).where(web_grants.c.address == normal_address(address))
            return {row.role for row in await session.execute(query)}

    async def forget(self, address: str) -> int:
        """Erasure (Art. 17 GDPR): the address's sessions, sign-in links and web roles go; a role it granted someone
        else stays, granted by "gelöschte Person"."""
        address = normal_address(address)
        async with self.db.sessions.begin() as session:
            gone = 0
            for table in (web_sessions, sign_in_tokens, web_grants):
                gone += (await session.execute(delete(table).where(table.c.address == address))).rowcount
            await session.execute(update(web_grants).where(web_grants.c.granted_by == address).values(granted_by=GONE))
        return gone

    async def held_about(self, address: str) -> Held:
        """Sessions, sign-in links and web roles of the address (Art. 15 GDPR); secrets only as their existence."""
        return await _held_about(self, address)

    async def all_grants(self) -> Sequence[Grant]:
        async with self.db.sessions() as session:
            query = select(web_grants).order_by(web_grants.c.address, web_grants.c.role)
            return [Grant(**row._mapping) for row in await session.execute(query)]


@dataclass(frozen=True)
class Held:
    """What the gateway's tables hold about one address (Art. 15 GDPR); secrets only as the fact that they exist."""

    sessions: list[dict]  # id, started_at, last_seen, ended_at
    sign_ins: list[dict]  # created_at, spent_at, next_path
    grants: list[Grant]  # granted to the address, or granted by it


async def _held_about(store: SessionStore, address: str) -> Held:
    address = normal_address(address)
    async with store.db.sessions() as session:
        s, t, g = web_sessions, sign_in_tokens, web_grants
        found = await session.execute(
            select(s.c.id, s.c.started_at, s.c.last_seen, s.c.ended_at).where(s.c.address == address)
        )
        sessions = [dict(r._mapping) for r in found]
        found = await session.execute(select(t.c.created_at, t.c.spent_at, t.c.next_path).where(t.c.address == address))
        sign_ins = [dict(r._mapping) for r in found]
        found = await session.execute(select(g).where((g.c.address == address) | (g.c.granted_by == address)))
        grants = [Grant(**r._mapping) for r in found]
    return Held(sessions, sign_ins, grants)


def _epoch() -> datetime:
    """Ended "at some moment" when the caller has no clock at hand: only whether it ended matters then."""
    return datetime.fromisoformat("2000-01-01T00:00:00+00:00")

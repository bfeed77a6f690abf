"""What the gateway deletes once it is past its limit (shared/retention.py runs the rules).

- Sign-in links: good for `sign_in_valid` once; the stored hash (with the address and where it leads) is deleted a
  grace period after that, spent or not.
- Web sessions: a session that ended (signed out, or found idle) or has been idle past `idle` is deleted a grace
  period after its end; the list of one's sessions shows only live ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_

from services.gateway.adapters.sessions import sign_in_tokens, web_sessions
from shared.db import Database
from shared.retention import Rule


async def drop_sign_in_tokens(database: Database, issued_before: datetime) -> int:
    t = sign_in_tokens
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.created_at < issued_before))).rowcount or 0


async def drop_sessions(database: Database, ended_before: datetime, idle: timedelta) -> int:
    """Sessions that ended before `ended_before`, or whose last request lies `idle` before it (ended unnoticed)."""
    t = web_sessions
    gone = or_(t.c.ended_at < ended_before, and_(t.c.ended_at.is_(None), t.c.last_seen < ended_before - idle))
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(gone))).rowcount or 0


def rules(database: Database, *, expired_days: float, sign_in_valid: timedelta, idle: timedelta) -> list[Rule]:
    grace = timedelta(days=expired_days)
    return [
        Rule("anmeldelinks", lambda now: drop_sign_in_tokens(database, now - sign_in_valid - grace)),
        Rule("sitzungen", lambda now: drop_sessions(database, now - grace, idle)),
    ]

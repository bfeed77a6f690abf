"""What the notifications service deletes once it is past its limit (shared/retention.py runs the rules).

- Mail bodies: a delivery's `message` (the whole mail with its links) is emptied once it is done (sent, failed for
  good, or taken into a digest) for longer than the limit; who got what when, and how it went, stays.
- Spent single-use links (`used_tokens`): a confirmation link is good for `confirm_valid` from its issue, so the
  record that it was spent is needed no longer than that after its use; kept a grace period beyond.
- Requests never confirmed: a subscription or address change whose confirmation link has expired (issued with the
  request), a grace period after; with it the consent record begun for it (there never was a consent).
- Audit entries of the lists (who did what to whom): kept for the audit limit, then deleted.
- The fingerprints of the rate limit for "Meine Verteiler" links: a day.
- Posts by mail (issue 20): a held post's text once decided, and incoming mail kept with its reason, after the
  mail-body limit.
- The bounce log (which address bounced when, what the server said): the bounce limit; a membership's score only looks
  at its window (two weeks), the rest is for the moderation to see why a delivery was suspended.
- The archive of the lists: posts older than the archive limit are deleted (a person's own posts go earlier on
  request, with the erasure).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from services.notifications.adapters import orm
from services.notifications.domain.words import RequestState
from shared.db import Database
from shared.retention import Rule, cutoff

DONE = ("sent", "failed", "digested")  # a delivery in one of these states is not sent (again) from its body


async def drop_mail_bodies(database: Database, before: datetime) -> int:
    """Empty the body of every delivery done before `before` (its last attempt, or its creation for digest items)."""
    t = orm.deliveries
    done_at = func.coalesce(t.c.sent_at, t.c.last_attempt_at, t.c.created_at)
    async with database.sessions.begin() as session:
        result = await session.execute(
            update(t).where(t.c.status.in_(DONE), t.c.message.is_not(None), done_at < before).values(message=None)
        )
    return result.rowcount or 0


async def drop_spent_tokens(database: Database, before: datetime) -> int:
    t = orm.used_tokens
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.used_at < before))).rowcount or 0


async def drop_unconfirmed_requests(database: Database, before: datetime) -> int:
    """Requests still awaiting the person's confirmation that were made before `before`, and their consent begun."""
    r, c = orm.requests, orm.consents
    stale = select(r.c.id).where(r.c.state == RequestState.AWAITING_CONFIRMATION.value, r.c.created_at < before)
    async with database.sessions.begin() as session:
        await session.execute(delete(c).where(c.c.request_id.in_(stale), c.c.confirmed_at.is_(None)))
        return (await session.execute(delete(r).where(r.c.id.in_(stale)))).rowcount or 0


async def drop_audit(database: Database, before: datetime) -> int:
    t = orm.audit
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.at < before))).rowcount or 0


async def drop_link_requests(database: Database, before: datetime) -> int:
    t = orm.link_requests
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.created_at < before))).rowcount or 0


async def drop_held_texts(database: Database, before: datetime) -> int:
    """A held post decided (or expired) before `before` loses its text; who wrote what when and the decision stay."""
    t = orm.held_posts
    async with database.sessions.begin() as session:
        result = await session.execute(
            update(t)
            .where(t.c.state.not_in(("wartet", "zurueckgestellt")), t.c.decided_at < before, t.c.message.is_not(None))
            .values(message=None, excerpt="")
        )
    return result.rowcount or 0


async def drop_kept_mail(database: Database, before: datetime) -> int:
    """Incoming mail kept with its reason (auto-replies, loops, unreadable, commands) is deleted after the limit."""
    t = orm.kept_mail
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.received_at < before))).rowcount or 0


async def drop_bounces(database: Database, before: datetime) -> int:
    t = orm.bounces
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.at < before))).rowcount or 0


async def drop_archived_posts(database: Database, before: datetime) -> int:
    t = orm.archive
    async with database.sessions.begin() as session:
        return (await session.execute(delete(t).where(t.c.sent_at < before))).rowcount or 0


def rules(
    database: Database,
    *,
    mail_body_days: float,
    expired_days: float,
    audit_days: float,
    confirm_valid: timedelta,
    bounce_days: float = 180.0,
    archive_days: float = 1095.0,
) -> list[Rule]:
    """The service's rules; a link or request counts from its expiry (`confirm_valid` after its issue)."""
    grace = timedelta(days=expired_days)
    return [
        Rule("mailtexte", lambda now: drop_mail_bodies(database, cutoff(now, mail_body_days))),
        Rule("eingeloeste_links", lambda now: drop_spent_tokens(database, now - confirm_valid - grace)),
        Rule("unbestaetigte_anfragen", lambda now: drop_unconfirmed_requests(database, now - confirm_valid - grace)),
        Rule("protokoll", lambda now: drop_audit(database, cutoff(now, audit_days))),
        Rule("link_anfragen", lambda now: drop_link_requests(database, cutoff(now, 1))),
        Rule("beitragstexte", lambda now: drop_held_texts(database, cutoff(now, mail_body_days))),  # issue 20
        Rule("eingang", lambda now: drop_kept_mail(database, cutoff(now, mail_body_days))),
        Rule("unzustellbar", lambda now: drop_bounces(database, cutoff(now, bounce_days))),
        Rule("archiv", lambda now: drop_archived_posts(database, cutoff(now, archive_days))),
    ]

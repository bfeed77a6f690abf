"""SQL for the lists' archives (a part of the Store): posts, threads, search by words."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, func, select, update

from services.notifications.adapters import orm
from services.notifications.service_layer.ports import ArchivedPost, ThreadSummary

_SHOWN = ("id", "list_id", "thread_id", "parent_id", "subject", "sender", "sender_name", "sent_at", "body")


class ArchiveQueries:
    session: Any
    _insert: Any

    async def archive(self, **values: Any) -> int | None:
        """Keep a post; None if this event is archived already (a retried distribution keeps it once)."""
        t = orm.archive
        search = f"{values['subject']}\n{values['body']}".lower()
        values = values | {
            "attachments": json.dumps(values.get("attachments", []), ensure_ascii=False),
            "search": search,
        }
        statement = self._insert(t).values(**values).on_conflict_do_nothing()
        if not (await self.session.execute(statement)).rowcount:
            return None
        found = select(t.c.id).where(t.c.list_id == values["list_id"], t.c.event_id == values["event_id"])
        post_id = await self.session.scalar(found)
        if values.get("thread_id") is None:
            await self.session.execute(update(t).where(t.c.id == post_id).values(thread_id=post_id))
        return post_id

    async def archived_by_message_id(self, list_id: str, message_ids: list[str]) -> ArchivedPost | None:
        """The first of `message_ids` found in the list's archive."""
        t = orm.archive
        for message_id in message_ids:
            row = (
                await self.session.execute(select(t).where(t.c.list_id == list_id, t.c.message_id == message_id))
            ).first()
            if row:
                return _post(row)
        return None

    async def archive_threads(self, list_id: str, offset: int = 0, limit: int = 50) -> tuple[list[ThreadSummary], int]:
        """Threads, the one with the newest post first."""
        t = orm.archive
        grouped = (
            select(
                t.c.thread_id,
                func.count().label("posts"),
                func.min(t.c.sent_at).label("started_at"),
                func.max(t.c.sent_at).label("last_at"),
            )
            .where(t.c.list_id == list_id)
            .group_by(t.c.thread_id)
            .subquery()
        )
        total = await self.session.scalar(select(func.count()).select_from(grouped)) or 0
        query = (
            select(grouped, t.c.subject, t.c.sender_name)
            .join(t, and_(t.c.id == grouped.c.thread_id))
            .order_by(grouped.c.last_at.desc(), grouped.c.thread_id.desc())
            .offset(offset)
            .limit(limit)
        )
        rows = await self.session.execute(query)
        return [
            ThreadSummary(r.thread_id, r.subject, r.sender_name, r.started_at, r.last_at, r.posts) for r in rows
        ], total

    async def archive_search(self, list_id: str, words: list[str], limit: int = 100) -> list[ArchivedPost]:
        """Posts whose subject or text holds every word (in lower case), newest first."""
        t = orm.archive
        conditions = [t.c.list_id == list_id, *(t.c.search.contains(word, autoescape=True) for word in words)]
        query = select(t).where(*conditions).order_by(t.c.sent_at.desc(), t.c.id.desc()).limit(limit)
        return [_post(row) for row in await self.session.execute(query)]

    async def archive_thread(self, list_id: str, thread_id: int) -> list[ArchivedPost]:
        t = orm.archive
        query = select(t).where(t.c.list_id == list_id, t.c.thread_id == thread_id).order_by(t.c.sent_at, t.c.id)
        return [_post(row) for row in await self.session.execute(query)]

    async def archive_messages(self, list_id: str) -> list[tuple[str, Any, bytes]]:
        """(sender, sent_at, message bytes) of every post, oldest first: what an mbox holds."""
        t = orm.archive
        query = select(t.c.sender, t.c.sent_at, t.c.message).where(t.c.list_id == list_id).order_by(t.c.sent_at, t.c.id)
        return [(s, at, bytes(m)) for s, at, m in await self.session.execute(query)]


def _post(row: Any) -> ArchivedPost:
    values = {k: row._mapping[k] for k in _SHOWN}
    return ArchivedPost(**values, attachments=json.loads(row._mapping["attachments"] or "[]"))

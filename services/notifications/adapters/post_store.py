"""SQL for posts by mail (issue 20): held posts, trusted senders, incoming mail kept with its reason."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import func, select

from services.notifications.adapters import orm
from services.notifications.domain.posting import HeldPost

_OPEN = ("wartet", "zurueckgestellt")


class PostStore:
    """Mixed into `Store`: the same session and dialect-aware insert."""

    async def held_post(self, post_id: str) -> HeldPost | None:
        t = orm.held_posts
        row = (await self.session.execute(select(t).where(t.c.id == post_id))).first()
        return _held(row) if row else None

    async def save_held_post(self, post: HeldPost) -> None:
        values = {k: v for k, v in asdict(post).items() if k != "extra"} | {"state": str(post.state)}
        statement = self._insert(orm.held_posts).values(**values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))

    async def held_posts(self, list_id: str | None = None, open_only: bool = True) -> list[HeldPost]:
        """Held posts (of one list, or all), oldest first."""
        t = orm.held_posts
        query = select(t).order_by(t.c.received_at, t.c.id)
        if list_id is not None:
            query = query.where(t.c.list_id == list_id)
        if open_only:
            query = query.where(t.c.state.in_(_OPEN))
        return [_held(row) for row in await self.session.execute(query)]

    async def held_count(self, list_id: str) -> int:
        t = orm.held_posts
        query = select(func.count()).where(t.c.list_id == list_id, t.c.state == "wartet")
        return await self.session.scalar(query) or 0

    async def trust(self, list_id: str, address: str, at: datetime, by: str) -> None:
        values = {"list_id": list_id, "address": address, "since": at, "by": by}
        await self.session.execute(self._insert(orm.trusted_senders).values(**values).on_conflict_do_nothing())

    async def trusted(self, list_id: str, address: str) -> bool:
        t = orm.trusted_senders
        query = select(t.c.address).where(t.c.list_id == list_id, func.lower(t.c.address) == address.lower())
        return bool(await self.session.scalar(query))

    async def keep_mail(self, **values: object) -> bool:
        """Keep an incoming mail that was not distributed, with its reason; False if it was kept before."""
        statement = self._insert(orm.kept_mail).values(**values).on_conflict_do_nothing()
        return (await self.session.execute(statement)).rowcount == 1

    async def kept_mail(self, list_id: str | None = None) -> list[dict]:
        t = orm.kept_mail
        query = select(t).order_by(t.c.received_at)
        if list_id is not None:
            query = query.where(t.c.list_id == list_id)
        return [dict(row._mapping) for row in await self.session.execute(query)]

    async def post_known(self, post_id: str) -> bool:
        """Whether this post (by its key) was distributed, held or kept already: an MTA may deliver twice."""
        for key in (orm.posts.c.event_id, orm.held_posts.c.id):
            if await self.session.scalar(select(key).where(key.in_((post_id, f"liste:{post_id}")))):
                return True
        return bool(await self.session.scalar(select(orm.kept_mail.c.id).where(orm.kept_mail.c.id == post_id)))

    async def has_posted(self, list_id: str, address: str) -> bool:
        p = orm.posts
        query = select(p.c.event_id).where(p.c.list_id == list_id, func.lower(p.c.sender) == address.lower()).limit(1)
        return bool(await self.session.scalar(query))


def _held(row) -> HeldPost:  # noqa: ANN001
    return HeldPost(**row._mapping)

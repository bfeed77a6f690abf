"""NATS request handlers for bounces and the archive (issue 20): validate, ask the service layer, answer."""

from __future__ import annotations

import base64
from typing import Any

from services.notifications.adapters.mbox import mbox_bytes
from services.notifications.domain import commands
from services.notifications.domain.bounces import Bounce
from services.notifications.entrypoints.nats import member_contract
from services.notifications.service_layer import archive, bounces, handlers
from services.notifications.service_layer.ports import ArchivedPost, Deps
from shared.contracts import notifications as c
from shared.messaging.rpc import respond


def bounce_contract(b: Bounce) -> c.BounceV1:
    return c.BounceV1(
        address=b.address,
        at=b.at,
        severity=b.severity,
        source=b.source,
        status=b.status,
        diagnostic=b.diagnostic,
        cleared=b.cleared,
    )


def post_contract(p: ArchivedPost) -> c.ArchivedPostV1:
    return c.ArchivedPostV1(
        post_id=p.id,
        thread_id=p.thread_id,
        parent_id=p.parent_id,
        subject=p.subject,
        sender_name=p.sender_name,
        sender=p.sender,
        sent_at=p.sent_at,
        text=p.body,
        attachments=[c.ArchivedAttachment(**a) for a in p.attachments],
    )


def register(broker: Any, deps: Deps) -> None:
    async def bounce_log(q: c.ListQuery) -> c.BounceLog:
        _, suspended, entries, rule = await bounces.bounce_log(deps, q.list_id, q.moderator, q.admin)
        return c.BounceLog(
            suspended=[member_contract(m) for m in suspended],
            entries=[bounce_contract(b) for b in entries],
            rule=rule,
        )

    async def resume(q: c.ResumeDelivery) -> c.MemberV1:
        cmd = commands.ResumeDelivery(q.list_id, q.moderator, q.address, q.admin)
        return member_contract(await handlers.handle(cmd, deps))

    async def overview(q: c.ArchiveQuery) -> c.Archive:
        found, threads, total, hits = await archive.overview(
            deps, q.list_id, q.reader, q.admin, q.search, q.offset, q.limit
        )
        return c.Archive(
            list_id=found.id,
            list_name=found.name,
            public=found.archive_public,
            threads=[
                c.ThreadV1(
                    thread_id=t.thread_id,
                    subject=t.subject,
                    starter_name=t.starter_name,
                    started_at=t.started_at,
                    last_at=t.last_at,
                    posts=t.posts,
                )
                for t in threads
            ],
            total=total,
            hits=[post_contract(p) for p in hits],
        )

    async def thread(q: c.ArchiveThreadQuery) -> c.ArchiveThread:
        found, posts = await archive.thread(deps, q.list_id, q.reader, q.admin, q.thread_id)
        return c.ArchiveThread(list_id=found.id, list_name=found.name, posts=[post_contract(p) for p in posts])

    async def mbox(q: c.ListQuery) -> c.Mbox:
        found, messages = await archive.messages(deps, q.list_id, q.moderator, q.admin)
        content = base64.b64encode(mbox_bytes(messages)).decode()
        return c.Mbox(list_name=found.name, posts=len(messages), content=content)

    for spec, handler in (
        (c.BOUNCE_LOG, bounce_log),
        (c.RESUME_DELIVERY, resume),
        (c.ARCHIVE, overview),
        (c.ARCHIVE_THREAD, thread),
        (c.ARCHIVE_MBOX, mbox),
    ):
        respond(broker, spec, handler)

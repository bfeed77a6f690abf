"""The moderation's decisions about held posts (issue 20), the reminder after a day and the expiry with notice."""

from __future__ import annotations

import asyncio

from services.notifications.domain import commands
from services.notifications.domain.errors import NotFound
from services.notifications.domain.lists import AuditEntry
from services.notifications.domain.posting import HeldPost, PostDecision
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.outgoing import mail_moderators, mail_one
from services.notifications.service_layer.ports import Deps
from services.notifications.service_layer.posts import distribute, held_context, tell_rejected
from shared.logging import get_logger

log = get_logger(__name__)


async def decide_post(cmd: commands.DecidePost, deps: Deps) -> HeldPost:
    """Accept (and trust the sender from now on), reject with a reason the sender gets, discard, or defer."""
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        post = await uow.store.held_post(cmd.post_id)
        if post is None or post.list_id != cmd.list_id:
            raise NotFound("Diesen zurückgehaltenen Beitrag gibt es nicht (mehr).")
        now = deps.now()
        decision = post.decide(cmd.decision, cmd.moderator, now, cmd.reason)
        if decision in (PostDecision.ACCEPT, PostDecision.ACCEPT_AND_TRUST) and post.message:
            await distribute(
                deps, uow, mailing_list, post.id, post.message, post.sender, post.sender_name, post.subject
            )
        if decision == PostDecision.ACCEPT_AND_TRUST:
            await uow.store.trust(cmd.list_id, post.sender, now, cmd.moderator)
        if decision == PostDecision.REJECT:
            reason = post.reason or "Die Moderation hat keinen Grund angegeben."
            await tell_rejected(deps, uow, mailing_list, post.id, post.sender, post.subject, reason)
        await uow.store.save_held_post(post)
        await uow.store.audit(
            AuditEntry(cmd.list_id, now, cmd.moderator, f"beitrag_{decision}", post.sender, post.reason)
        )
        await uow.commit()
    return post


async def remind_and_expire(deps: Deps) -> int:
    """Once a day after it came, the moderation is reminded of a post nobody decided; after `held_expire_after`
    it expires and the sender is told. Each at most once (the state and `reminded_at` say so)."""
    now, done = deps.now(), 0
    async with deps.uow() as uow:
        for post in await uow.store.held_posts():
            mailing_list = await uow.lists.get(post.list_id)
            if mailing_list is None:
                continue
            context = held_context(deps, mailing_list, post)
            if post.expire(now, deps.held_expire_after):
                await mail_one(
                    deps, uow, "beitrag_abgelaufen", event_id=f"abgelaufen:{post.id}", to_address=post.sender,
                    to_name=post.sender_name, context=context, mailing_list=mailing_list,
                )  # fmt: skip
                await uow.store.audit(AuditEntry(post.list_id, now, "Ablauf", "beitrag_abgelaufen", post.sender))
            elif post.due_reminder(now, deps.held_remind_after):
                post.reminded_at = now
                await mail_moderators(
                    deps, uow, mailing_list, "beitrag_erinnerung", event_id=f"erinnerung:{post.id}", context=context
                )
            else:
                continue
            await uow.store.save_held_post(post)
            done += 1
        await uow.commit()
    return done


async def run(deps: Deps, every_seconds: float) -> None:
    while True:
        try:
            if done := await remind_and_expire(deps):
                log.info("held_posts.tick", done=done)
        except Exception as exc:  # noqa: BLE001 - the next tick tries again; each step is once per post
            log.warning("held_posts.failed", error=repr(exc))
        await asyncio.sleep(every_seconds)

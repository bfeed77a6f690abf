"""One digest per member and period, for members who asked for daily or weekly summaries."""

from __future__ import annotations

from services.notifications.service_layer.outgoing import mail_one
from services.notifications.service_layer.ports import Deps


async def send_digests(deps: Deps, force: bool = False) -> int:
    """Digest what was collected before each member's current period began (everything, with `force`)."""
    now, sent = deps.now(), 0
    async with deps.uow() as uow:
        for recipient, list_id in await uow.store.digest_recipients():
            member = await uow.store.member(list_id, recipient)
            mailing_list = await uow.lists.get(list_id)
            if member is None or mailing_list is None or member.suspended_at is not None:  # suspended: bounces
                continue
            cutoff = now if force else member.digest_cutoff(now)
            items = [
                i for i in await uow.store.digest_items(recipient) if i.list_id == list_id and i.created_at < cutoff
            ]
            if not items:
                continue
            context = {"list_name": mailing_list.name, "count": len(items), "items": [i.summary for i in items]}
            event_id = f"digest:{list_id}:{items[-1].id}"
            await mail_one(
                deps,
                uow,
                "zusammenfassung",
                event_id=event_id,
                to_address=recipient,
                to_name=member.display_name,
                context=context,
                mailing_list=mailing_list,
                personal_unsubscribe=True,
            )
            for item in items:
                await uow.store.mark_delivery(item.id, status="digested")
            sent += 1
        await uow.commit()
    return sent

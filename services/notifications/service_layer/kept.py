"""Incoming mail that is not distributed is kept with its reason (issue 20): never lost silently."""

from __future__ import annotations

from services.notifications.service_layer.ports import Deps, UnitOfWork


async def keep(
    deps: Deps, uow: UnitOfWork, list_id: str | None, key: str, recipient: str, sender: str, reason: str, raw: bytes
) -> bool:
    return await uow.store.keep_mail(
        id=key,
        list_id=list_id,
        recipient=recipient,
        sender=sender[:320],
        reason=reason,
        received_at=deps.now(),
        message=raw,
    )

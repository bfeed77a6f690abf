"""Read side of the mailing-list service: lists, what the moderation sees, the unsubscribe page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.notifications.domain.lists import MailingList
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.ports import Deps, Store

T = TypeVar("T")


async def lists(deps: Deps, group_id: str | None = None) -> list[tuple[MailingList, int]]:
    """Every list (or a group's) by name, with its number of active members."""
    async with deps.uow() as uow:
        found = sorted(await uow.lists.list(group_id=group_id), key=lambda m: m.name)
        return [(m, await uow.store.member_count(m.id)) for m in found]


async def moderator_view(
    deps: Deps, list_id: str, moderator: str, read: Callable[[Store], Awaitable[T]], admin: bool = False
) -> T:
    """Members, pending requests and the audit log are for the list's moderation only."""
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        mailing_list.ensure_moderator(await uow.store.member(list_id, moderator), admin)
        return await read(uow.store)


async def unsubscribe_page(deps: Deps, token: str) -> tuple[str, str]:
    """The list's name and a hint of the address (`k…@example.org`) for the page before the click."""
    found = deps.signer.verify(token, "abmelden", deps.now())
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, found.list_id)
    local, _, domain = found.address.partition("@")
    return mailing_list.name, f"{local[:1]}…@{domain}"


async def delivery_stats(deps: Deps, event_id: str | None = None) -> dict[str, int]:
    async with deps.uow() as uow:
        return await uow.store.delivery_stats(event_id)

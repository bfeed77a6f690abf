"""Read side of the mailing-list service: lists, what the moderation sees, the unsubscribe page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from services.notifications.domain import addresses
from services.notifications.domain.errors import NotFound, TokenRefused
from services.notifications.domain.lists import CONSENT_TEXT, CONSENT_TEXT_VERSION, PRIVACY_NOTICE, MailingList
from services.notifications.domain.tokens import SINGLE_USE
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.ports import Deps, Failure, Mailing, Store

T = TypeVar("T")


async def lists(deps: Deps, group_id: str | None = None, list_id: str | None = None) -> list[tuple[MailingList, int]]:
    """Every list (or a group's, or the one with `list_id`) by name, with its number of active members."""
    async with deps.uow() as uow:
        found = sorted(await uow.lists.list(group_id=group_id, id=list_id), key=lambda m: m.name)
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
    return mailing_list.name, addresses.hint(found.address)


async def delivery_stats(deps: Deps, event_id: str | None = None) -> dict[str, int]:
    async with deps.uow() as uow:
        return await uow.store.delivery_stats(event_id)


async def roles_of(deps: Deps, address: str) -> list[tuple[MailingList, int, int]]:
    """The open lists the address moderates now (role moderation or verwaltung, active), by name, each with
    its number of active members and of requests waiting for the moderation."""
    address = addresses.address(address)
    async with deps.uow() as uow:
        found = []
        for member in await uow.store.memberships(address):
            mailing_list = await uow.lists.get(member.list_id)
            if member.moderates and mailing_list is not None and mailing_list.active:
                members, waiting = (
                    await uow.store.member_count(mailing_list.id),
                    await uow.store.pending(mailing_list.id),
                )
                found.append((mailing_list, members, len(waiting)))
    return sorted(found, key=lambda f: f[0].name)


async def workplan_person(deps: Deps, address: str) -> tuple[MailingList | None, str, bool]:
    """(the work-plan list, the address's display name there, whether it moderates it): what the reminders
    go by. An address that is no active member there has no name and no moderation."""
    address = addresses.address(address)
    async with deps.uow() as uow:
        plan_list = await uow.lists.get(deps.workplan_list)
        if plan_list is None:
            return None, "", False
        member = next((m for m in await uow.store.memberships(address) if m.list_id == plan_list.id), None)
    if member is None or not member.active:
        return plan_list, "", False
    return plan_list, member.display_name.strip(), member.moderates


@dataclass(frozen=True)
class PublicList:
    mailing_list: MailingList
    consent_text: str = CONSENT_TEXT
    consent_version: str = CONSENT_TEXT_VERSION
    privacy_notice: str = PRIVACY_NOTICE


async def public_list(deps: Deps, list_id: str) -> PublicList:
    """What the public subscribe page shows; an unknown or closed list is not found."""
    async with deps.uow() as uow:
        mailing_list = await uow.lists.get(list_id)
    if mailing_list is None:
        raise NotFound(f"Verteiler „{list_id}“ nicht gefunden.")
    mailing_list.ensure_public()
    return PublicList(mailing_list)


async def preview(
    deps: Deps, list_id: str, moderator: str, subject: str, text: str, admin: bool = False
) -> tuple[list[tuple[str, str]], str, int]:
    """A post as one member would receive it, their address and personal links masked; nothing is stored."""
    subject = addresses.display_name(subject)
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        acting = await uow.store.member(list_id, moderator)
        mailing_list.ensure_moderator(acting, admin)
        members = await uow.store.members(list_id, active_only=True)
    sample = next((m for m in members if m.wants_each_mail), members[0] if members else acting)
    to_address, to_name = (sample.address, sample.display_name) if sample else (moderator, "")
    headers, body = deps.composer.preview(
        "beitrag",
        to_address=to_address,
        to_name=to_name,
        context={"list_name": mailing_list.name, "subject": subject, "text": text},
        list_id=mailing_list.id,
        list_name=mailing_list.name,
        personal=True,
    )
    masked = addresses.hint(to_address)
    shown = f"{to_name} <{masked}>" if to_name else masked
    headers = [(name, shown if name == "To" else value) for name, value in headers]
    return headers, body.replace(to_address, masked), len(members)


async def mailings(deps: Deps, list_id: str, moderator: str, admin: bool = False) -> list[Mailing]:
    return await moderator_view(deps, list_id, moderator, lambda store: store.mailings(list_id), admin)


async def mailing(
    deps: Deps, list_id: str, moderator: str, event_id: str, admin: bool = False
) -> tuple[Mailing, list[Failure]]:
    async def read(store: Store) -> tuple[Mailing, list[Failure]]:
        found = await store.mailings(list_id, event_id)
        if not found:
            raise NotFound("Diese Nachricht gibt es in diesem Verteiler nicht.")
        return found[0], await store.failures(event_id)

    return await moderator_view(deps, list_id, moderator, read, admin)


async def link_info(deps: Deps, token: str) -> tuple[str, str, str]:
    """(purpose, list name, address hint) of any of our links, without spending it; a spent one-time link,
    like a forged or expired one, is refused."""
    found = deps.signer.read(token, deps.now())
    async with deps.uow() as uow:
        if found.purpose in SINGLE_USE and await uow.store.token_spent(found.token_id):
            raise TokenRefused("reused")
        mailing_list = await uow.lists.get(found.list_id) if found.list_id else None
        if found.list_id and mailing_list is None:
            raise TokenRefused("list gone")
    return found.purpose, mailing_list.name if mailing_list else "", addresses.hint(found.address)


async def held_counts(deps: Deps, list_ids: list[str]) -> dict[str, int]:
    """Posts by mail waiting for each list's moderation (issue 20), for "Meine Aufgaben"."""
    async with deps.uow() as uow:
        return {list_id: await uow.store.held_count(list_id) for list_id in list_ids}

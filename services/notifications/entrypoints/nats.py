"""NATS request handlers of the notifications service: validate, hand over, answer in German."""

from __future__ import annotations

from typing import Any

from services.notifications.domain.lists import MailingList, Member, Request
from services.notifications.service_layer import gdpr, membership
from services.notifications.service_layer.ports import Deps
from shared.contracts import notifications as c
from shared.messaging.rpc import respond


def list_contract(m: MailingList, members: int = 0) -> c.ListV1:
    return c.ListV1(
        list_id=m.id,
        name=m.name,
        policy=m.policy,
        group_id=m.group_id,
        status=m.status,
        description=m.description,
        members=members,
    )


def member_contract(m: Member) -> c.MemberV1:
    return c.MemberV1(
        address=m.address, display_name=m.display_name, role=m.role, delivery=m.delivery, status=m.status, since=m.since
    )


def request_contract(r: Request) -> c.RequestV1:
    return c.RequestV1(
        request_id=r.id,
        kind=r.kind,
        address=r.address,
        display_name=r.display_name,
        new_address=r.new_address,
        state=r.state,
        created_at=r.created_at,
    )


def register(broker: Any, deps: Deps) -> None:
    async def create_list(q: c.CreateList) -> c.ListV1:
        owner = (q.owner_address, q.owner_name) if q.owner_address else None
        return list_contract(
            await membership.create_list(deps, q.name, q.policy, q.description, q.group_id, owner), 1 if owner else 0
        )

    async def subscribe(q: c.Subscribe) -> c.Message:
        return c.Message(message=await membership.subscribe(deps, q.list_id, q.address, q.display_name, q.ip))

    async def confirm(q: c.TokenInput) -> c.Message:
        message, name = await membership.confirm(deps, q.token)
        return c.Message(message=message, list_name=name)

    async def confirm_address(q: c.TokenInput) -> c.Message:
        message, name = await membership.confirm_address(deps, q.token)
        return c.Message(message=message, list_name=name)

    async def unsubscribe(q: c.TokenInput) -> c.Message:
        message, name = await membership.unsubscribe(deps, q.token)
        return c.Message(message=message, list_name=name)

    async def unsubscribe_page(q: c.TokenInput) -> c.UnsubscribePage:
        name, hint = await membership.unsubscribe_page(deps, q.token)
        return c.UnsubscribePage(list_name=name, address_hint=hint)

    async def decide(q: c.Decide) -> c.RequestV1:
        return request_contract(
            await membership.decide(deps, q.list_id, q.moderator, q.request_id, q.decision, q.reason, q.admin)
        )

    async def add_member(q: c.AddMember) -> c.MemberV1:
        added = await membership.add_member(
            deps, q.list_id, q.moderator, q.address, q.display_name, q.role, q.delivery, q.admin
        )
        return member_contract(added)

    async def remove_member(q: c.RemoveMember) -> c.MemberV1:
        return member_contract(await membership.remove_member(deps, q.list_id, q.moderator, q.address, q.admin))

    async def set_role(q: c.SetRole) -> c.MemberV1:
        return member_contract(await membership.set_role(deps, q.list_id, q.moderator, q.address, q.role, q.admin))

    async def set_delivery(q: c.SetDelivery) -> c.MemberV1:
        return member_contract(
            await membership.set_delivery(deps, q.list_id, q.address, q.delivery, q.token, q.moderator, q.admin)
        )

    async def change_address(q: c.ChangeAddress) -> c.Message:
        return c.Message(
            message=await membership.change_address(
                deps, q.list_id, q.address, q.new_address, q.token, q.moderator, q.admin
            )
        )

    async def post(q: c.Post) -> c.Posted:
        count, event_id = await membership.post(deps, q.list_id, q.moderator, q.subject, q.text, q.admin)
        return c.Posted(recipients=count, event_id=event_id)

    async def export(q: c.AddressInput) -> c.Export:
        return c.Export(address=q.address, **await gdpr.export(deps, q.address))

    async def erase(q: c.AddressInput) -> c.Erased:
        return c.Erased(address=q.address, **await gdpr.erase(deps, q.address))

    for spec, handler in (
        (c.CREATE_LIST, create_list),
        (c.SUBSCRIBE, subscribe),
        (c.CONFIRM, confirm),
        (c.CONFIRM_ADDRESS, confirm_address),
        (c.UNSUBSCRIBE, unsubscribe),
        (c.UNSUBSCRIBE_PAGE, unsubscribe_page),
        (c.DECIDE, decide),
        (c.ADD_MEMBER, add_member),
        (c.REMOVE_MEMBER, remove_member),
        (c.SET_ROLE, set_role),
        (c.SET_DELIVERY, set_delivery),
        (c.CHANGE_ADDRESS, change_address),
        (c.POST, post),
        (c.EXPORT, export),
        (c.ERASE, erase),
    ):
        respond(broker, spec, handler)
    _register_queries(broker, deps)


def _register_queries(broker: Any, deps: Deps) -> None:
    async def lists(q: c.ListsQuery) -> c.Lists:
        async with deps.uow() as uow:
            found = await uow.lists.list(group_id=q.group_id)
            return c.Lists(
                lists=[
                    list_contract(m, await uow.store.member_count(m.id)) for m in sorted(found, key=lambda m: m.name)
                ]
            )

    async def members(q: c.ListQuery) -> c.Members:
        found = await membership.moderator_view(
            deps, q.list_id, q.moderator, lambda store: store.members(q.list_id), q.admin
        )
        return c.Members(members=[member_contract(m) for m in found])

    async def pending(q: c.ListQuery) -> c.Pending:
        found = await membership.moderator_view(
            deps, q.list_id, q.moderator, lambda store: store.pending(q.list_id), q.admin
        )
        return c.Pending(requests=[request_contract(r) for r in found])

    async def audit(q: c.ListQuery) -> c.Audit:
        entries = await membership.moderator_view(
            deps, q.list_id, q.moderator, lambda store: store.audit_log(q.list_id), q.admin
        )
        return c.Audit(
            entries=[
                c.AuditV1(at=e.at, actor=e.actor, action=e.action, subject=e.subject, detail=e.detail) for e in entries
            ]
        )

    async def stats(q: c.StatsQuery) -> c.DeliveryStats:
        async with deps.uow() as uow:
            counts = await uow.store.delivery_stats(q.event_id)
        return c.DeliveryStats(**{k: counts.get(k, 0) for k in ("pending", "sent", "failed", "digest")})

    for spec, handler in (
        (c.LISTS, lists),
        (c.MEMBERS, members),
        (c.PENDING, pending),
        (c.AUDIT, audit),
        (c.DELIVERY_STATS, stats),
    ):
        respond(broker, spec, handler)

"""NATS request handlers of the notifications service: validate, build a command, hand it to the bus, answer."""

from __future__ import annotations

from typing import Any

from services.notifications.domain import commands
from services.notifications.domain.lists import MailingList, Member, Request
from services.notifications.domain.posting import HeldPost
from services.notifications.service_layer import handlers, selfservice, views
from services.notifications.service_layer import person_records as gdpr_records
from services.notifications.service_layer.ports import Deps, Mailing
from shared.contracts import notifications as c
from shared.contracts.people import PersonQuery, PersonRecords
from shared.messaging.erasure import stream_records
from shared.messaging.rpc import respond
from shared.privacy import naming_words


def list_contract(m: MailingList, members: int = 0, domain: str = "") -> c.ListV1:
    return c.ListV1(
        list_id=m.id,
        name=m.name,
        policy=m.policy,
        group_id=m.group_id,
        status=m.status,
        description=m.description,
        members=members,
        welcome_text=m.welcome_text,
        posting=c.PostingV1(**m.posting.as_data()),
        address=f"{m.id}@{domain}" if domain else "",
        archive_public=m.archive_public,
    )


def held_contract(p: HeldPost) -> c.HeldPostV1:
    return c.HeldPostV1(
        post_id=p.id,
        sender=p.sender,
        sender_name=p.sender_name,
        subject=p.subject,
        reasons=list(p.reasons),
        state=p.state,
        received_at=p.received_at,
        reminded=p.reminded_at is not None,
        excerpt=p.excerpt,
        member=p.member,
    )


def records_contract(address: str, found: list, names: list[str]) -> PersonRecords:
    return PersonRecords.of("Verteilerdienst", address, found, names)


def mailing_contract(m: Mailing) -> c.MailingV1:
    return c.MailingV1(
        event_id=m.event_id,
        subject=m.subject,
        sent_at=m.sent_at,
        sender=m.sender,
        recipients=m.recipients,
        sent=m.sent,
        pending=m.pending,
        failed=m.failed,
        digest=m.digest,
    )


def subscription_contract(m: MailingList, member: Member) -> c.MySubscription:
    return c.MySubscription(
        list_id=m.id,
        name=m.name,
        description=m.description,
        role=member.role,
        delivery=member.delivery,
        status=member.status,
        since=member.since,
    )


def member_contract(m: Member) -> c.MemberV1:
    return c.MemberV1(
        address=m.address,
        display_name=m.display_name,
        role=m.role,
        delivery=m.delivery,
        status=m.status,
        since=m.since,
        suspended_at=m.suspended_at,
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
    async def bus(cmd: object) -> Any:
        return await handlers.handle(cmd, deps)

    async def create_list(q: c.CreateList) -> c.ListV1:
        owner = (q.owner_address or "", q.owner_name)
        made = await bus(commands.CreateList(q.name, q.policy, q.description, q.group_id, *owner))
        return list_contract(made, 1 if q.owner_address else 0, deps.mail_domain)

    async def subscribe(q: c.Subscribe) -> c.Message:
        cmd = commands.Subscribe(q.list_id, q.address, q.display_name, q.ip, q.consent_version)
        return c.Message(message=await bus(cmd))

    async def confirm(q: c.TokenInput) -> c.Message:
        message, name = await bus(commands.Confirm(q.token))
        return c.Message(message=message, list_name=name)

    async def confirm_address(q: c.TokenInput) -> c.Message:
        message, name = await bus(commands.ConfirmAddress(q.token))
        return c.Message(message=message, list_name=name)

    async def unsubscribe(q: c.TokenInput) -> c.Message:
        message, name = await bus(commands.Unsubscribe(q.token))
        return c.Message(message=message, list_name=name)

    async def unsubscribe_page(q: c.TokenInput) -> c.UnsubscribePage:
        name, hint = await views.unsubscribe_page(deps, q.token)
        return c.UnsubscribePage(list_name=name, address_hint=hint)

    async def decide(q: c.Decide) -> c.RequestV1:
        cmd = commands.Decide(q.list_id, q.moderator, q.request_id, q.decision, q.reason, q.admin)
        return request_contract(await bus(cmd))

    async def add_member(q: c.AddMember) -> c.MemberV1:
        cmd = commands.AddMember(q.list_id, q.moderator, q.address, q.display_name, q.role, q.delivery, q.admin)
        return member_contract(await bus(cmd))

    async def remove_member(q: c.RemoveMember) -> c.MemberV1:
        return member_contract(await bus(commands.RemoveMember(q.list_id, q.moderator, q.address, q.admin)))

    async def set_role(q: c.SetRole) -> c.MemberV1:
        return member_contract(await bus(commands.SetRole(q.list_id, q.moderator, q.address, q.role, q.admin)))

    async def set_delivery(q: c.SetDelivery) -> c.MemberV1:
        cmd = commands.SetDelivery(q.list_id, q.address, q.delivery, q.token, q.moderator, q.admin)
        return member_contract(await bus(cmd))

    async def change_address(q: c.ChangeAddress) -> c.Message:
        cmd = commands.ChangeAddress(q.list_id, q.address, q.new_address, q.token, q.moderator, q.admin)
        return c.Message(message=await bus(cmd))

    async def post(q: c.Post) -> c.Posted:
        count, event_id = await bus(commands.Post(q.list_id, q.moderator, q.subject, q.text, q.admin))
        return c.Posted(recipients=count, event_id=event_id)

    async def export(q: c.AddressInput) -> c.Export:
        return c.Export(address=q.address, **await bus(commands.ExportPerson(q.address)))

    async def erase(q: c.EraseInput) -> c.Erased:
        return c.Erased(address=q.address, **await bus(commands.ErasePerson(q.address, q.block)))

    async def update_list(q: c.UpdateList) -> c.ListV1:
        cmd = commands.UpdateList(
            q.list_id, q.moderator, q.name, q.description, q.policy, q.welcome_text, q.admin, q.archive_public
        )
        return list_contract(*await bus(cmd), deps.mail_domain)

    async def send_sign_in(q: c.SignInMail) -> c.Message:
        return c.Message(message=await bus(commands.SendSignIn(q.address, q.link, q.valid_minutes)))

    async def send_manage_link(q: c.ManageLinkRequest) -> c.Message:
        return c.Message(message=await bus(commands.SendManageLink(q.address, q.ip)))

    async def my_delivery(q: c.MemberDelivery) -> c.MySubscription:
        return subscription_contract(*await bus(commands.MyDelivery(q.token, q.list_id, q.delivery)))

    async def my_address(q: c.MemberAddress) -> c.Message:
        return c.Message(message=await bus(commands.MyAddress(q.token, q.new_address)))

    async def leave(q: c.Leave) -> c.Message:
        message, name = await bus(commands.Leave(q.token, q.list_id))
        return c.Message(message=message, list_name=name)

    async def decide_post(q: c.DecidePost) -> c.HeldPostV1:
        cmd = commands.DecidePost(q.list_id, q.moderator, q.post_id, q.decision, q.reason, q.admin)
        return held_contract(await bus(cmd))

    async def update_posting(q: c.UpdatePosting) -> c.ListV1:
        cmd = commands.UpdatePosting(q.list_id, q.moderator, q.posting.model_dump(), q.admin)
        return list_contract(await bus(cmd), 0, deps.mail_domain)

    for spec, handler in (
        (c.DECIDE_POST, decide_post),
        (c.UPDATE_POSTING, update_posting),
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
        (c.UPDATE_LIST, update_list),
        (c.SEND_SIGN_IN, send_sign_in),
        (c.SEND_MANAGE_LINK, send_manage_link),
        (c.MY_DELIVERY, my_delivery),
        (c.MY_ADDRESS, my_address),
        (c.LEAVE, leave),
    ):
        respond(broker, spec, handler)
    _register_queries(broker, deps)


def _register_queries(broker: Any, deps: Deps) -> None:
    async def lists(q: c.ListsQuery) -> c.Lists:
        return c.Lists(
            lists=[
                list_contract(m, count, deps.mail_domain) for m, count in await views.lists(deps, q.group_id, q.list_id)
            ]
        )

    async def members(q: c.MembersQuery) -> c.Members:
        found, total = await views.moderator_view(
            deps,
            q.list_id,
            q.moderator,
            lambda store: store.members_page(
                q.list_id,
                search=q.search,
                status=q.status,
                role=q.role,
                delivery=q.delivery,
                offset=q.offset,
                limit=q.limit,
            ),
            q.admin,
        )
        return c.Members(members=[member_contract(m) for m in found], total=total)

    async def pending(q: c.ListQuery) -> c.Pending:
        found = await views.moderator_view(
            deps, q.list_id, q.moderator, lambda store: store.pending(q.list_id), q.admin
        )
        return c.Pending(requests=[request_contract(r) for r in found])

    async def audit(q: c.AuditQuery) -> c.Audit:
        async def read(store: Any) -> tuple:
            page = await store.audit_page(
                q.list_id,
                person=q.person,
                action=q.action,
                since=q.since,
                until=q.until,
                offset=q.offset,
                limit=q.limit,
            )
            return page, await store.audit_actions(q.list_id)

        (entries, total), actions = await views.moderator_view(deps, q.list_id, q.moderator, read, q.admin)
        return c.Audit(
            entries=[
                c.AuditV1(at=e.at, actor=e.actor, action=e.action, subject=e.subject, detail=e.detail) for e in entries
            ],
            total=total,
            actions=actions,
        )

    async def roles_of(q: c.RolesOf) -> c.Roles:
        found = await views.roles_of(deps, q.address)
        held = await views.held_counts(deps, [m.id for m, _, _ in found])
        return c.Roles(
            moderates=[
                c.ModeratedList(
                    **list_contract(m, members, deps.mail_domain).model_dump(), pending=waiting, held=held[m.id]
                )
                for m, members, waiting in found
            ]
        )

    async def workplan_person(q: c.RolesOf) -> c.WorkPlanPerson:
        plan_list, name, moderates = await views.workplan_person(deps, q.address)
        if plan_list is None:
            return c.WorkPlanPerson()
        return c.WorkPlanPerson(
            list_id=plan_list.id, list_name=plan_list.name, names=[name] if name else [], moderates=moderates
        )

    async def public_list(q: c.ListRef) -> c.PublicList:
        found = await views.public_list(deps, q.list_id)
        m = found.mailing_list
        return c.PublicList(
            list_id=m.id,
            name=m.name,
            description=m.description,
            policy=m.policy,
            consent_text=found.consent_text,
            consent_version=found.consent_version,
            privacy_notice=found.privacy_notice,
        )

    async def preview(q: c.PreviewPost) -> c.Preview:
        headers, text, recipients = await views.preview(deps, q.list_id, q.moderator, q.subject, q.text, q.admin)
        return c.Preview(headers=headers, text=text, recipients=recipients)

    async def mailings(q: c.ListQuery) -> c.Mailings:
        found = await views.mailings(deps, q.list_id, q.moderator, q.admin)
        return c.Mailings(mailings=[mailing_contract(m) for m in found])

    async def mailing(q: c.MailingQuery) -> c.MailingDetail:
        found, failures = await views.mailing(deps, q.list_id, q.moderator, q.event_id, q.admin)
        return c.MailingDetail(
            mailing=mailing_contract(found),
            failures=[
                c.FailedDelivery(address=f.recipient, reason=f.reason, attempts=f.attempts, last_attempt=f.last_attempt)
                for f in failures
            ],
        )

    async def my_lists(q: c.TokenInput) -> c.MyLists:
        address, found = await selfservice.my_lists(deps, q.token)
        return c.MyLists(address=address, subscriptions=[subscription_contract(m, member) for m, member in found])

    async def my_export(q: c.TokenInput) -> c.Export:
        address, data = await selfservice.my_export(deps, q.token)
        return c.Export(address=address, **data)

    async def with_streams(address: str, found: list, names: list[str]) -> PersonRecords:
        words = naming_words(address, names)
        return records_contract(
            address, [*found, *await stream_records(broker.connection.jetstream(), "notifications", words)], names
        )

    async def person_records(q: PersonQuery) -> PersonRecords:
        found, names = await gdpr_records.of_address(deps, q.address)
        return await with_streams(q.address, found, names)

    async def my_person_records(q: c.TokenInput) -> PersonRecords:
        return await with_streams(*await gdpr_records.of_own_link(deps, q.token))

    async def link_info(q: c.TokenInput) -> c.LinkInfo:
        purpose, name, hint = await views.link_info(deps, q.token)
        return c.LinkInfo(purpose=purpose, list_name=name, address_hint=hint)

    async def stats(q: c.StatsQuery) -> c.DeliveryStats:
        counts = await views.delivery_stats(deps, q.event_id)
        return c.DeliveryStats(**{k: counts.get(k, 0) for k in ("pending", "sent", "failed", "digest")})

    async def held_posts(q: c.ListQuery) -> c.HeldPosts:
        found = await views.moderator_view(deps, q.list_id, q.moderator, lambda s: s.held_posts(q.list_id), q.admin)
        return c.HeldPosts(posts=[held_contract(p) for p in found])

    for spec, handler in (
        (c.HELD_POSTS, held_posts),
        (c.LISTS, lists),
        (c.MEMBERS, members),
        (c.PENDING, pending),
        (c.AUDIT, audit),
        (c.DELIVERY_STATS, stats),
        (c.ROLES_OF, roles_of),
        (c.WORKPLAN_PERSON, workplan_person),
        (c.PUBLIC_LIST, public_list),
        (c.PREVIEW, preview),
        (c.MAILINGS, mailings),
        (c.MAILING, mailing),
        (c.MY_LISTS, my_lists),
        (c.MY_EXPORT, my_export),
        (c.LINK_INFO, link_info),
        (c.PERSON_RECORDS, person_records),
        (c.MY_PERSON_RECORDS, my_person_records),
    ):
        respond(broker, spec, handler)

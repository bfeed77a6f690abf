"""Joining a list: create it, subscribe with consent, confirm, and the moderation's decision.

The rules are the domain's (`MailingList`, `Request`); these handlers load, call them, queue the mails
and commit. Answers to the public never reveal whether an address is known.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from services.notifications.domain import addresses, commands
from services.notifications.domain.errors import Conflict, NotFound, TokenRefused
from services.notifications.domain.events import ListCreated
from services.notifications.domain.lists import (
    AuditEntry,
    MailingList,
    Member,
    Request,
    check_policy,
    consent_version,
    ensure_not_blocked,
    slugify,
)
from services.notifications.domain.tokens import Token
from services.notifications.domain.words import DELIVERY, ROLES, Decision, Delivery, Role
from services.notifications.service_layer.outgoing import blocked, mail_moderators, mail_one, moderation_link
from services.notifications.service_layer.ports import Deps, UnitOfWork
from shared.clock import BERLIN

SAME_ANSWER = (
    "Danke! Falls die Adresse eingetragen werden kann, erhält sie gleich eine E-Mail mit den nächsten Schritten."
)


async def get_list(uow: UnitOfWork, list_id: str) -> MailingList:
    if found := await uow.lists.get(list_id):
        return found
    raise NotFound(f"Verteiler „{list_id}“ nicht gefunden.")


async def get_request(uow: UnitOfWork, request_id: str) -> Request:
    if found := await uow.store.request(request_id):
        return found
    raise NotFound(f"Anfrage {request_id} nicht gefunden.")


async def spend(deps: Deps, uow: UnitOfWork, token: str, purpose: str) -> Token:
    """A single-use link: verified, then recorded as spent in this transaction."""
    found = deps.signer.verify(token, purpose, deps.now())
    if not await uow.store.spend_token(found.token_id, deps.now()):
        raise TokenRefused("reused")
    return found


async def join(
    deps: Deps,
    uow: UnitOfWork,
    mailing_list: MailingList,
    address: str,
    name: str,
    role: Role = Role.MEMBER,
    delivery: Delivery = Delivery.EACH,
) -> Member:
    """A new member, welcomed with their personal unsubscribe link."""
    member = Member(mailing_list.id, address, name, role, delivery, since=deps.now())
    await uow.store.save_member(member)
    context = {
        "list_name": mailing_list.name,
        "delivery": DELIVERY[delivery],
        "role": role,
        "role_label": ROLES[role],
        "welcome_text": mailing_list.welcome_text,
    }
    await mail_one(
        deps,
        uow,
        "willkommen",
        event_id=f"willkommen:{mailing_list.id}:{uuid.uuid4()}",
        to_address=address,
        to_name=name,
        context=context,
        mailing_list=mailing_list,
        personal_unsubscribe=True,
    )
    return member


async def create_list(cmd: commands.CreateList, deps: Deps) -> MailingList:
    name = cmd.name.strip()
    list_id = cmd.list_id or slugify(cmd.name)
    mailing_list = MailingList(list_id, name, check_policy(cmd.policy), cmd.group_id, description=cmd.description)
    async with deps.uow() as uow:
        if await uow.lists.get(mailing_list.id):
            raise Conflict(f"Einen Verteiler „{mailing_list.id}“ gibt es schon.")
        await uow.lists.add(mailing_list)
        if cmd.owner_address:
            owner = addresses.address(cmd.owner_address), addresses.display_name(cmd.owner_name)
            ensure_not_blocked(await blocked(deps, uow, owner[0]))
            await join(deps, uow, mailing_list, *owner, Role.ADMINISTRATION)
        uow.emit(ListCreated(mailing_list))
        await uow.commit()
    return mailing_list


async def update_list(cmd: commands.UpdateList, deps: Deps) -> tuple[MailingList, int]:
    """The moderation's settings: name, description, policy and the welcome mail's text."""
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_open()
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        changed = mailing_list.change(cmd.name, cmd.description, cmd.policy, cmd.welcome_text)
        changed += mailing_list.open_archive(cmd.archive_public)
        if changed:
            await uow.lists.put(mailing_list)
            detail = ", ".join(changed)
            await uow.store.audit(
                AuditEntry(cmd.list_id, deps.now(), cmd.moderator, "verteiler_geaendert", cmd.list_id, detail)
            )
        count = await uow.store.member_count(cmd.list_id)
        await uow.commit()
    return mailing_list, count


async def update_posting(cmd: commands.UpdatePosting, deps: Deps) -> MailingList:
    """Who may write to the list by mail, what waits for the moderation, From and Reply-To (issue 20)."""
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        if changed := mailing_list.change_posting(cmd.values):
            await uow.lists.put(mailing_list)
            entry = AuditEntry(cmd.list_id, deps.now(), cmd.moderator, "schreibregeln_geaendert", cmd.list_id)
            await uow.store.audit(replace(entry, detail=", ".join(changed)))
        await uow.commit()
    return mailing_list


async def subscribe(cmd: commands.Subscribe, deps: Deps) -> str:
    """Always the same answer, whether the address is new, pending, already subscribed (a member is mailed that
    they are on the list already) or blocked (the person objected: nothing is stored, nobody is mailed, and the answer
    does not tell)."""
    address, name = addresses.address(cmd.address), addresses.display_name(cmd.display_name)
    version = consent_version(cmd.consent_version)
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        await subscribe_in(deps, uow, mailing_list, address, name, cmd.ip, version)
        await uow.commit()
    return SAME_ANSWER


async def subscribe_in(
    deps: Deps, uow: UnitOfWork, mailing_list: MailingList, address: str, name: str, ip: str, version: str = ""
) -> None:
    """`subscribe` inside the caller's transaction (the web form, or a `-request` mail: issue 20)."""
    now = deps.now()
    mailing_list.ensure_open()
    hour_ago = now - timedelta(hours=1)
    deps.rate_limits.check(
        await uow.store.recent_requests(hour_ago, address=address),
        await uow.store.recent_requests(hour_ago, list_id=mailing_list.id),
    )
    if await blocked(deps, uow, address):
        return
    member = await uow.store.member(mailing_list.id, address)
    if member and member.active:  # what the person expects: a note that nothing needed to change
        await _tell_already_on(deps, uow, mailing_list, address)
        return
    request = Request.subscription(str(uuid.uuid4()), mailing_list, address, name, now, ip)
    await _next_step(deps, uow, mailing_list, request)
    if request.admits:  # an open list: in at once (an unconfirmed request is nobody's business yet)
        await uow.store.audit(AuditEntry(mailing_list.id, now, address, "eingetragen", address))
    await uow.store.save_request(request)
    await uow.store.record_consent(request, consent_version(version))


async def _tell_already_on(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, address: str) -> None:
    """A member asked to join again: a mail saying they are on the list, with their "Meine Verteiler" link.

    It counts as a request for that link (the same limit per address and hour), so nobody can flood a member."""
    now = deps.now()
    fingerprint = addresses.fingerprint(address, deps.secret)
    if await uow.store.count_link_requests(fingerprint, now - timedelta(hours=1)) >= deps.rate_limits.per_address:
        return
    await uow.store.add_link_request(fingerprint, now)
    token = deps.signer.issue("verwalten", "", address, now, deps.manage_valid)
    context = {
        "address": address,
        "list_name": mailing_list.name,
        "link": deps.link("meine-verteiler", token),
        "valid_days": deps.manage_valid.days,
    }
    await mail_one(
        deps,
        uow,
        "bereits_eingetragen",
        event_id=f"bereits:{mailing_list.id}:{uuid.uuid4()}",
        to_address=address,
        context=context,
        mailing_list=mailing_list,
    )


async def _next_step(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, request: Request) -> None:
    """What the request's new state asks for: a confirmation mail, the moderation, or a new member."""
    if request.admits:
        await join(deps, uow, mailing_list, request.address, request.display_name)
    elif request.awaits_moderation:
        await _ask_moderators(deps, uow, mailing_list, request)
    elif request.pending:
        await _ask_to_confirm(deps, uow, mailing_list, request)


async def _ask_to_confirm(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, request: Request) -> None:
    now = deps.now()
    token = deps.signer.issue("bestaetigen", request.list_id, request.address, now, deps.confirm_valid, request.id)
    context = {
        "address": request.address,
        "list_name": mailing_list.name,
        "link": deps.link("bestaetigen", token),
        "valid_hours": int(deps.confirm_valid.total_seconds() // 3600),
    }
    await mail_one(
        deps,
        uow,
        "bestaetigen",
        event_id=f"bestaetigen:{request.id}",
        to_address=request.address,
        context=context,
        mailing_list=mailing_list,
    )  # no user text but the address


async def _ask_moderators(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, request: Request) -> None:
    kinds = {"abonnement": "Eintragung", "adressaenderung": "Adressänderung"}
    context = {
        "list_name": mailing_list.name,
        "request_kind": kinds[request.kind],
        "address": request.address,
        "display_name": request.display_name,
        "created": f"{request.created_at.astimezone(BERLIN):%d.%m.%Y %H:%M}",
        "link": moderation_link(deps, mailing_list.id),
    }
    await mail_moderators(deps, uow, mailing_list, "moderation", event_id=f"moderation:{request.id}", context=context)


async def confirm(cmd: commands.Confirm, deps: Deps) -> tuple[str, str]:
    """The subscriber clicked the link: on to the moderation, or straight in."""
    async with deps.uow() as uow:
        found = await spend(deps, uow, cmd.token, "bestaetigen")
        request = await get_request(uow, found.extra)
        mailing_list = await get_list(uow, request.list_id)
        request.confirm(mailing_list, found.address, deps.now())
        await uow.store.confirm_consent(request.id, deps.now())
        await uow.store.audit(AuditEntry(request.list_id, deps.now(), request.address, "bestaetigt", request.address))
        await _next_step(deps, uow, mailing_list, request)
        await uow.store.save_request(request)
        await uow.commit()
    if request.admits:
        return "Danke, Ihre Adresse ist bestätigt. Willkommen im Verteiler!", mailing_list.name
    return (
        "Danke, Ihre Adresse ist bestätigt. Die Moderation entscheidet in Kürze über die Aufnahme.",
        mailing_list.name,
    )


async def decide(cmd: commands.Decide, deps: Deps) -> Request:
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        moderator = await uow.store.member(cmd.list_id, cmd.moderator)
        request = await uow.store.request(cmd.request_id)
        request = mailing_list.may_decide(moderator, request, cmd.request_id, cmd.admin)
        now = deps.now()
        decision = request.decide(cmd.decision, cmd.moderator, now)
        if decision == Decision.ACCEPT:
            await join(deps, uow, mailing_list, request.address, request.display_name)
        elif decision == Decision.REJECT:
            await mail_one(
                deps,
                uow,
                "abgelehnt",
                event_id=f"abgelehnt:{request.id}",
                to_address=request.address,
                context={"list_name": mailing_list.name, "reason": cmd.reason},
                mailing_list=mailing_list,
            )
        await uow.store.save_request(request)
        await uow.store.audit(
            AuditEntry(cmd.list_id, now, cmd.moderator, f"anfrage_{decision}", request.address, cmd.reason)
        )
        await uow.commit()
    return request

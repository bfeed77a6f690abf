"""A member's life on a list: added or removed by the moderation, a role, a delivery mode, a new address,
leaving by one click, and the moderation's messages to everyone. Every change goes to the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from services.notifications.domain import addresses, commands
from services.notifications.domain.errors import Conflict, InvalidInput, NotFound, TokenRefused
from services.notifications.domain.lists import (
    AuditEntry,
    MailingList,
    Member,
    Request,
    check_delivery,
    check_role,
    ensure_not_blocked,
)
from services.notifications.service_layer import archive
from services.notifications.service_layer.membership import get_list, get_request, join, spend
from services.notifications.service_layer.outgoing import blocked, mail_list, mail_one
from services.notifications.service_layer.ports import Deps, Mailing, UnitOfWork


async def add_member(cmd: commands.AddMember, deps: Deps) -> Member:
    address, name = addresses.address(cmd.address), addresses.display_name(cmd.display_name)
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_open()
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        existing = await uow.store.member(cmd.list_id, address)
        mailing_list.ensure_addable(existing, await blocked(deps, uow, address))
        member = await join(deps, uow, mailing_list, address, name, check_role(cmd.role), check_delivery(cmd.delivery))
        await uow.store.audit(
            AuditEntry(cmd.list_id, deps.now(), cmd.moderator, "mitglied_hinzugefuegt", address, cmd.role)
        )
        await uow.commit()
    return member


async def _moderated_change(
    deps: Deps,
    cmd: commands.RemoveMember | commands.SetRole,
    action: str,
    change: Callable[[Member], None],
    detail: str = "",
) -> Member:
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        member = await uow.store.member(cmd.list_id, addresses.address(cmd.address))
        if member is None:
            raise NotFound(f"{cmd.address} ist nicht im Verteiler „{mailing_list.name}“.")
        change(member)
        await uow.store.save_member(member)
        await uow.store.audit(AuditEntry(cmd.list_id, deps.now(), cmd.moderator, action, member.address, detail))
        await uow.commit()
    return member


async def remove_member(cmd: commands.RemoveMember, deps: Deps) -> Member:
    return await _moderated_change(deps, cmd, "mitglied_entfernt", Member.remove)


async def set_role(cmd: commands.SetRole, deps: Deps) -> Member:
    return await _moderated_change(deps, cmd, "rolle_geaendert", lambda m: m.grant(cmd.role), cmd.role)


async def _member_by_token(
    deps: Deps, uow: UnitOfWork, cmd: commands.SetDelivery | commands.ChangeAddress, address: str
) -> tuple[MailingList, Member, str]:
    """The member themself (their personal link from any list mail) or a moderator may act."""
    mailing_list = await get_list(uow, cmd.list_id)
    if cmd.moderator:
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        actor = cmd.moderator
    else:
        found = deps.signer.verify(cmd.token or "", "abmelden", deps.now())
        if (found.list_id, found.address) != (cmd.list_id, address):
            raise TokenRefused("other member")
        actor = address
    member = await uow.store.member(cmd.list_id, address)
    if member is None or not member.active:
        raise NotFound(f"{address} ist nicht im Verteiler „{mailing_list.name}“.")
    return mailing_list, member, actor


async def set_delivery(cmd: commands.SetDelivery, deps: Deps) -> Member:
    async with deps.uow() as uow:
        _, member, actor = await _member_by_token(deps, uow, cmd, addresses.address(cmd.address))
        member.choose_delivery(cmd.delivery)
        await uow.store.save_member(member)
        entry = AuditEntry(cmd.list_id, deps.now(), actor, "zustellart_geaendert", member.address, cmd.delivery)
        await uow.store.audit(entry)
        await uow.commit()
    return member


async def change_address(cmd: commands.ChangeAddress, deps: Deps) -> str:
    address, new_address = addresses.address(cmd.address), addresses.address(cmd.new_address)
    now = deps.now()
    async with deps.uow() as uow:
        mailing_list, member, actor = await _member_by_token(deps, uow, cmd, address)
        ensure_not_blocked(await blocked(deps, uow, new_address))
        if await uow.store.member(cmd.list_id, new_address):
            raise Conflict("Die neue Adresse ist in diesem Verteiler schon eingetragen.")
        request = Request.address_change(str(uuid.uuid4()), member, new_address, actor, now)
        token = deps.signer.issue("adresse_aendern", cmd.list_id, new_address, now, deps.confirm_valid, request.id)
        context = {
            "address": new_address,
            "list_name": mailing_list.name,
            "link": deps.link("adresse-bestaetigen", token),
            "valid_hours": int(deps.confirm_valid.total_seconds() // 3600),
        }
        await mail_one(
            deps,
            uow,
            "adresse_bestaetigen",
            event_id=f"adresse:{request.id}",
            to_address=new_address,
            context=context,
            mailing_list=mailing_list,
        )
        await uow.store.save_request(request)
        await uow.store.audit(AuditEntry(cmd.list_id, now, actor, "adressaenderung_beantragt", address, new_address))
        await uow.commit()
    return f"Wir haben eine Bestätigung an {new_address} geschickt."


async def confirm_address(cmd: commands.ConfirmAddress, deps: Deps) -> tuple[str, str]:
    """The new address answered: each list of the change (one, or all of "Meine Verteiler") writes there."""
    async with deps.uow() as uow:
        found = await spend(deps, uow, cmd.token, "adresse_aendern")
        names = []
        for request_id in found.extra.split():
            request = await get_request(uow, request_id)
            mailing_list = await get_list(uow, request.list_id)
            member = await uow.store.member(request.list_id, request.address)
            request.confirm_new_address(member, found.address, deps.now())
            await uow.store.delete_member(request.list_id, request.address)
            await uow.store.save_member(member)
            await uow.store.move_consents(request.list_id, request.address, request.new_address)
            await uow.store.save_request(request)
            entry = AuditEntry(
                request.list_id,
                deps.now(),
                request.new_address,
                "adresse_geaendert",
                request.address,
                request.new_address,
            )
            await uow.store.audit(entry)
            names.append(mailing_list.name)
        if not names:
            raise TokenRefused("no request")
        await uow.commit()
    if len(names) == 1:
        return f"Danke! Der Verteiler „{names[0]}“ schreibt ab jetzt an {found.address}.", names[0]
    return f"Danke! Ihre Verteiler schreiben ab jetzt an {found.address}.", ""


async def unsubscribe(cmd: commands.Unsubscribe, deps: Deps) -> tuple[str, str]:
    """One click (a POST; link scanners only GET). Doing it twice is harmless."""
    found = deps.signer.verify(cmd.token, "abmelden", deps.now())
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, found.list_id)
        member = await uow.store.member(found.list_id, found.address)
        if member and member.unsubscribe():
            await uow.store.save_member(member)
            await uow.store.audit(AuditEntry(found.list_id, deps.now(), found.address, "abgemeldet", found.address))
            await uow.commit()
    return f"Sie sind vom Verteiler „{mailing_list.name}“ abgemeldet.", mailing_list.name


async def post(cmd: commands.Post, deps: Deps) -> tuple[int, str]:
    """A moderator's message to every member (a digest line for those who chose digests)."""
    subject = addresses.display_name(cmd.subject)  # one line, no control characters
    if not subject or not cmd.text.strip():
        raise InvalidInput("Betreff und Text dürfen nicht leer sein.")
    event_id = f"beitrag:{uuid.uuid4()}"
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_open()
        moderator = await uow.store.member(cmd.list_id, cmd.moderator)
        mailing_list.ensure_moderator(moderator, cmd.admin)
        context = {"list_name": mailing_list.name, "subject": subject, "text": cmd.text}
        name = moderator.display_name if moderator else ""
        kept = archive.moderation_post(deps, mailing_list, event_id, cmd.moderator, name, subject, cmd.text)
        await archive.keep(deps, uow, mailing_list, event_id, kept)  # every distributed post goes to the archive
        references = archive.post_message_id(mailing_list.id, event_id, archive.message_domain(deps))
        count = await mail_list(
            deps,
            uow,
            mailing_list,
            "beitrag",
            event_id=event_id,
            context=context,
            summary=subject,
            references=references,
        )
        await uow.store.record_post(Mailing(event_id, cmd.list_id, subject, cmd.moderator, deps.now(), count))
        await uow.store.audit(
            AuditEntry(cmd.list_id, deps.now(), cmd.moderator, "beitrag_versendet", cmd.list_id, subject)
        )
        await uow.commit()
    return count, event_id

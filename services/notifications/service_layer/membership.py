"""Lists and membership: subscribe with consent, moderate, change address, leave. Every moderator
action is written to the audit log; answers to the public never reveal whether an address is known."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from services.notifications.domain import addresses
from services.notifications.domain.errors import Conflict, InvalidInput, NotFound, TokenRefused
from services.notifications.domain.events import ListCreated
from services.notifications.domain.lists import (
    CONSENT_TEXT_VERSION,
    DELIVERY,
    ROLES,
    AuditEntry,
    MailingList,
    Member,
    Request,
    check_delivery,
    check_policy,
    check_role,
    ensure_moderator,
    slugify,
)
from services.notifications.service_layer.outgoing import mail_list, mail_moderators, mail_one
from services.notifications.service_layer.ports import Deps

SAME_ANSWER = (
    "Danke! Falls die Adresse eingetragen werden kann, erhält sie gleich eine E-Mail mit den nächsten Schritten."
)


async def get_list(uow, list_id: str) -> MailingList:  # noqa: ANN001
    if found := await uow.lists.get(list_id):
        return found
    raise NotFound(f"Verteiler „{list_id}“ nicht gefunden.")


async def _request(uow, request_id: str) -> Request:  # noqa: ANN001
    if found := await uow.store.request(request_id):
        return found
    raise NotFound(f"Anfrage {request_id} nicht gefunden.")


async def create_list(
    deps: Deps,
    name: str,
    policy: str,
    description: str = "",
    group_id: str | None = None,
    owner: tuple[str, str] | None = None,
    list_id: str | None = None,
) -> MailingList:
    mailing_list = MailingList(
        list_id or slugify(name), name.strip(), check_policy(policy), group_id, "aktiv", description
    )
    async with deps.uow() as uow:
        if await uow.lists.get(mailing_list.id):
            raise Conflict(f"Einen Verteiler „{mailing_list.id}“ gibt es schon.")
        await uow.lists.add(mailing_list)
        if owner:
            await join(
                deps, uow, mailing_list, addresses.address(owner[0]), addresses.display_name(owner[1]), "verwaltung"
            )
        uow.emit(ListCreated(mailing_list))
        await uow.commit()
    return mailing_list


async def join(
    deps: Deps,
    uow: Any,
    mailing_list: MailingList,
    address: str,
    name: str,
    role: str = "mitglied",
    delivery: str = "jede",
) -> Member:
    member = Member(mailing_list.id, address, name, role, delivery, "aktiv", deps.now())
    await uow.store.save_member(member)
    context = {"list_name": mailing_list.name, "delivery": DELIVERY[delivery], "role": role, "role_label": ROLES[role]}
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


async def subscribe(deps: Deps, list_id: str, address: str, name: str = "", ip: str = "") -> str:
    """Always the same answer, whether the address is new, pending or already subscribed."""
    address, name = addresses.address(address), addresses.display_name(name)
    now = deps.now()
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        mailing_list.ensure_open()
        hour_ago = now - timedelta(hours=1)
        deps.rate_limits.check(
            await uow.store.recent_requests(hour_ago, address=address),
            await uow.store.recent_requests(hour_ago, list_id=list_id),
        )
        member = await uow.store.member(list_id, address)
        if member and member.active:
            return SAME_ANSWER
        request = Request(str(uuid.uuid4()), list_id, "abonnement", address, name, "", now, ip=ip)
        if mailing_list.needs_confirmation:
            request.state = "bestaetigung_offen"
            token = deps.signer.issue("bestaetigen", list_id, address, now, deps.confirm_valid, extra=request.id)
            context = {
                "address": address,
                "list_name": mailing_list.name,
                "link": deps.link("bestaetigen", token),
                "valid_hours": int(deps.confirm_valid.total_seconds() // 3600),
            }
            await mail_one(
                deps,
                uow,
                "bestaetigen",
                event_id=f"bestaetigen:{request.id}",
                to_address=address,
                context=context,
                mailing_list=mailing_list,
            )  # no user text but the address
        elif mailing_list.needs_moderation:
            request.state = "moderation_offen"
            await _ask_moderators(deps, uow, mailing_list, request)
        else:
            request.state, request.decided_at = "angenommen", now
            await join(deps, uow, mailing_list, address, name)
        await uow.store.save_request(request)
        await uow.store.record_consent(request, CONSENT_TEXT_VERSION)
        await uow.commit()
    return SAME_ANSWER


async def _ask_moderators(deps: Deps, uow, mailing_list: MailingList, request: Request) -> None:  # noqa: ANN001
    kinds = {"abonnement": "Eintragung", "adressaenderung": "Adressänderung"}
    context = {
        "list_name": mailing_list.name,
        "request_kind": kinds[request.kind],
        "address": request.address,
        "display_name": request.display_name,
        "created": f"{request.created_at:%d.%m.%Y %H:%M}",
        "request_id": request.id,
    }
    await mail_moderators(deps, uow, mailing_list, "moderation", event_id=f"moderation:{request.id}", context=context)


async def _spend(deps: Deps, uow, token: str, purpose: str):  # noqa: ANN001, ANN202
    found = deps.signer.verify(token, purpose, deps.now())
    if not await uow.store.spend_token(found.token_id, deps.now()):
        raise TokenRefused("reused")
    return found


async def confirm(deps: Deps, token: str) -> tuple[str, str]:
    """The subscriber clicked the link: on to the moderation, or straight in."""
    async with deps.uow() as uow:
        found = await _spend(deps, uow, token, "bestaetigen")
        request = await _request(uow, found.extra)
        mailing_list = await get_list(uow, request.list_id)
        if request.state != "bestaetigung_offen" or request.address != found.address:
            raise TokenRefused("state")
        await uow.store.confirm_consent(request.id, deps.now())
        if mailing_list.needs_moderation:
            request.state = "moderation_offen"
            await _ask_moderators(deps, uow, mailing_list, request)
            answer = "Danke, Ihre Adresse ist bestätigt. Die Moderation entscheidet in Kürze über die Aufnahme."
        else:
            request.state, request.decided_at = "angenommen", deps.now()
            await join(deps, uow, mailing_list, request.address, request.display_name)
            answer = "Danke, Ihre Adresse ist bestätigt. Willkommen im Verteiler!"
        await uow.store.save_request(request)
        await uow.commit()
    return answer, mailing_list.name


async def decide(
    deps: Deps, list_id: str, moderator: str, request_id: str, decision: str, reason: str = "", admin: bool = False
) -> Request:
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        ensure_moderator(await uow.store.member(list_id, moderator), mailing_list, admin)
        request = await _request(uow, request_id)
        if request.list_id != list_id or request.state not in ("moderation_offen", "zurueckgestellt"):
            raise Conflict("Diese Anfrage wartet nicht (mehr) auf die Moderation.")
        now = deps.now()
        if decision == "annehmen":
            request.state = "angenommen"
            await join(deps, uow, mailing_list, request.address, request.display_name)
        elif decision == "ablehnen":
            request.state = "abgelehnt"
            await mail_one(
                deps,
                uow,
                "abgelehnt",
                event_id=f"abgelehnt:{request.id}",
                to_address=request.address,
                context={"list_name": mailing_list.name, "reason": reason},
                mailing_list=mailing_list,
            )
        elif decision == "zurueckstellen":
            request.state = "zurueckgestellt"
        else:
            raise InvalidInput(f"Entscheidung „{decision}“ unbekannt (annehmen, ablehnen, zurueckstellen).")
        request.decided_by, request.decided_at = moderator, now
        await uow.store.save_request(request)
        await uow.store.audit(AuditEntry(list_id, now, moderator, f"anfrage_{decision}", request.address, reason))
        await uow.commit()
    return request


async def add_member(
    deps: Deps, list_id: str, moderator: str, address: str, name: str, role: str, delivery: str, admin: bool = False
) -> Member:
    address, name = addresses.address(address), addresses.display_name(name)
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        mailing_list.ensure_open()
        ensure_moderator(await uow.store.member(list_id, moderator), mailing_list, admin)
        existing = await uow.store.member(list_id, address)
        if existing and existing.status == "abgemeldet":
            raise Conflict("Diese Adresse hat sich selbst abgemeldet; sie kann sich nur selbst wieder eintragen.")
        if existing or await uow.store.suppressed(addresses.fingerprint(address, deps.secret)):
            raise Conflict("Diese Adresse kann nicht eingetragen werden.")
        member = await join(deps, uow, mailing_list, address, name, check_role(role), check_delivery(delivery))
        await uow.store.audit(AuditEntry(list_id, deps.now(), moderator, "mitglied_hinzugefuegt", address, role))
        await uow.commit()
    return member


async def _moderated_change(
    deps: Deps,
    list_id: str,
    moderator: str,
    address: str,
    action: str,
    change: Callable[[Any], Any],
    detail: str = "",
    admin: bool = False,
) -> Member:
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        ensure_moderator(await uow.store.member(list_id, moderator), mailing_list, admin)
        member = await uow.store.member(list_id, addresses.address(address))
        if member is None:
            raise NotFound(f"{address} ist nicht im Verteiler „{mailing_list.name}“.")
        change(member)
        await uow.store.save_member(member)
        await uow.store.audit(AuditEntry(list_id, deps.now(), moderator, action, member.address, detail))
        await uow.commit()
    return member


async def remove_member(deps: Deps, list_id: str, moderator: str, address: str, admin: bool = False) -> Member:
    return await _moderated_change(
        deps, list_id, moderator, address, "mitglied_entfernt", lambda m: setattr(m, "status", "entfernt"), admin=admin
    )


async def set_role(deps: Deps, list_id: str, moderator: str, address: str, role: str, admin: bool = False) -> Member:
    return await _moderated_change(
        deps,
        list_id,
        moderator,
        address,
        "rolle_geaendert",
        lambda m: setattr(m, "role", check_role(role)),
        role,
        admin,
    )


async def _member_by_token(
    deps: Deps,
    uow: Any,
    list_id: str,
    address: str,
    token: str | None,
    moderator: str | None,
    admin: bool = False,
) -> tuple[MailingList, Member, str]:
    """The member themself (their personal link from any list mail) or a moderator may act."""
    mailing_list = await get_list(uow, list_id)
    if moderator:
        ensure_moderator(await uow.store.member(list_id, moderator), mailing_list, admin)
        actor = moderator
    else:
        found = deps.signer.verify(token or "", "abmelden", deps.now())
        if (found.list_id, found.address) != (list_id, address):
            raise TokenRefused("other member")
        actor = address
    member = await uow.store.member(list_id, address)
    if member is None or not member.active:
        raise NotFound(f"{address} ist nicht im Verteiler „{mailing_list.name}“.")
    return mailing_list, member, actor


async def set_delivery(
    deps: Deps, list_id: str, address: str, delivery: str, token: str | None, moderator: str | None, admin: bool = False
) -> Member:
    async with deps.uow() as uow:
        mailing_list, member, actor = await _member_by_token(
            deps, uow, list_id, addresses.address(address), token, moderator, admin
        )
        member.delivery = check_delivery(delivery)
        await uow.store.save_member(member)
        await uow.store.audit(AuditEntry(list_id, deps.now(), actor, "zustellart_geaendert", member.address, delivery))
        await uow.commit()
    return member


async def change_address(
    deps: Deps,
    list_id: str,
    address: str,
    new_address: str,
    token: str | None,
    moderator: str | None,
    admin: bool = False,
) -> str:
    address, new_address = addresses.address(address), addresses.address(new_address)
    now = deps.now()
    async with deps.uow() as uow:
        mailing_list, member, actor = await _member_by_token(deps, uow, list_id, address, token, moderator, admin)
        if await uow.store.member(list_id, new_address):
            raise Conflict("Die neue Adresse ist in diesem Verteiler schon eingetragen.")
        request = Request(
            str(uuid.uuid4()),
            list_id,
            "adressaenderung",
            address,
            member.display_name,
            "bestaetigung_offen",
            now,
            new_address=new_address,
            decided_by=actor,
        )
        link = deps.link(
            "adresse-bestaetigen",
            deps.signer.issue("adresse_aendern", list_id, new_address, now, deps.confirm_valid, request.id),
        )
        context = {
            "address": new_address,
            "list_name": mailing_list.name,
            "link": link,
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
        await uow.store.audit(AuditEntry(list_id, now, actor, "adressaenderung_beantragt", address, new_address))
        await uow.commit()
    return f"Wir haben eine Bestätigung an {new_address} geschickt."


async def confirm_address(deps: Deps, token: str) -> tuple[str, str]:
    async with deps.uow() as uow:
        found = await _spend(deps, uow, token, "adresse_aendern")
        request = await _request(uow, found.extra)
        mailing_list = await get_list(uow, request.list_id)
        member = await uow.store.member(request.list_id, request.address)
        if request.state != "bestaetigung_offen" or member is None or found.address != request.new_address:
            raise TokenRefused("state")
        await uow.store.delete_member(request.list_id, request.address)
        member.address = request.new_address
        await uow.store.save_member(member)
        await uow.store.move_consents(request.list_id, request.address, request.new_address)
        request.state, request.decided_at = "bestaetigt", deps.now()
        await uow.store.save_request(request)
        await uow.store.audit(
            AuditEntry(
                request.list_id,
                deps.now(),
                request.new_address,
                "adresse_geaendert",
                request.address,
                request.new_address,
            )
        )
        await uow.commit()
    return f"Danke! Der Verteiler „{mailing_list.name}“ schreibt ab jetzt an {request.new_address}.", mailing_list.name


async def unsubscribe_page(deps: Deps, token: str) -> tuple[str, str]:
    found = deps.signer.verify(token, "abmelden", deps.now())
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, found.list_id)
    local, _, domain = found.address.partition("@")
    return mailing_list.name, f"{local[:1]}…@{domain}"


async def unsubscribe(deps: Deps, token: str) -> tuple[str, str]:
    """One click (a POST; link scanners only GET). Doing it twice is harmless."""
    found = deps.signer.verify(token, "abmelden", deps.now())
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, found.list_id)
        member = await uow.store.member(found.list_id, found.address)
        if member and member.status == "aktiv":
            member.status = "abgemeldet"
            await uow.store.save_member(member)
            await uow.store.audit(AuditEntry(found.list_id, deps.now(), found.address, "abgemeldet", found.address))
            await uow.commit()
    return f"Sie sind vom Verteiler „{mailing_list.name}“ abgemeldet.", mailing_list.name


async def post(
    deps: Deps, list_id: str, moderator: str, subject: str, text: str, admin: bool = False
) -> tuple[int, str]:
    """A moderator's message to every member (a digest line for those who chose digests)."""
    subject = addresses.display_name(subject)  # one line, no control characters
    if not subject or not text.strip():
        raise InvalidInput("Betreff und Text dürfen nicht leer sein.")
    event_id = f"beitrag:{uuid.uuid4()}"
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        mailing_list.ensure_open()
        ensure_moderator(await uow.store.member(list_id, moderator), mailing_list, admin)
        count = await mail_list(
            deps,
            uow,
            mailing_list,
            "beitrag",
            event_id=event_id,
            context={"list_name": mailing_list.name, "subject": subject, "text": text},
            summary=subject,
        )
        await uow.store.audit(AuditEntry(list_id, deps.now(), moderator, "beitrag_versendet", list_id, subject))
        await uow.commit()
    return count, event_id


async def moderator_view(deps: Deps, list_id: str, moderator: str, read, admin: bool = False) -> object:  # noqa: ANN001
    """Members, pending requests and the audit log are for the list's moderation only."""
    async with deps.uow() as uow:
        ensure_moderator(await uow.store.member(list_id, moderator), await get_list(uow, list_id), admin)
        return await read(uow.store)

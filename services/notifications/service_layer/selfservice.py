"""A member's own page, "Meine Verteiler": opened with their personal link (token purpose `verwalten`,
address-wide, 90 days, used again and again), which every list mail carries and which anyone may ask
to be mailed. Each change goes to the list's audit log with the member as the actor.

The gateway's sign-in mail goes out here too: both are links to a person's own pages, mailed through the
same reliable delivery path as every other mail (the link is never logged).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from services.notifications.domain import addresses, commands
from services.notifications.domain.errors import Conflict, NotFound
from services.notifications.domain.lists import AuditEntry, MailingList, Member, Request, ensure_not_blocked
from services.notifications.domain.tokens import Token
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.outgoing import blocked, mail_one
from services.notifications.service_layer.ports import Deps, UnitOfWork

LINK_ANSWER = (
    "Wenn diese Adresse bei uns eingetragen ist, schicken wir Ihnen gleich eine E-Mail mit Ihrem Link "
    "zu „Meine Verteiler“."
)
SIGN_IN_ANSWER = "Wir haben den Anmeldelink verschickt."


def own_link(deps: Deps, token: str) -> Token:
    """The member's "Meine Verteiler" link: genuine, unexpired, of that purpose (not spent by use)."""
    return deps.signer.verify(token, "verwalten", deps.now())


async def send_sign_in(cmd: commands.SendSignIn, deps: Deps) -> str:
    """The gateway decided the address may sign in; the mail names nothing but the link and its validity."""
    address = addresses.address(cmd.address)
    context = {"link": cmd.link, "valid_minutes": cmd.valid_minutes}
    async with deps.uow() as uow:
        event_id = f"anmelden:{uuid.uuid4()}"
        await mail_one(deps, uow, "anmelden", event_id=event_id, to_address=address, context=context)
        await uow.commit()
    return SIGN_IN_ANSWER


async def send_manage_link(cmd: commands.SendManageLink, deps: Deps) -> str:
    """Always the same answer, and the same work whether the address is known or not: the request is
    counted (as a fingerprint) for the rate limit, and the mail is composed in both cases but queued only
    for an address that is on a list."""
    address = addresses.address(cmd.address)
    fingerprint = addresses.fingerprint(address, deps.secret)
    now = deps.now()
    async with deps.uow() as uow:
        deps.rate_limits.check(await uow.store.count_link_requests(fingerprint, now - timedelta(hours=1)))
        await uow.store.add_link_request(fingerprint, now)
        known = any(m.active for m in await uow.store.memberships(address))
        token = deps.signer.issue("verwalten", "", address, now, deps.manage_valid)
        context = {"link": deps.link("meine-verteiler", token), "valid_days": deps.manage_valid.days}
        if known:
            await mail_one(
                deps, uow, "verwalten", event_id=f"verwalten:{uuid.uuid4()}", to_address=address, context=context
            )
        else:  # the same rendering, thrown away: the answer takes as long either way
            deps.composer.message("verwalten", to_address=address, to_name="", event_id="verworfen", context=context)
        await uow.commit()
    return LINK_ANSWER


async def _my(uow: UnitOfWork, address: str, list_id: str) -> tuple[MailingList, Member]:
    mailing_list = await get_list(uow, list_id)
    member = await uow.store.member(list_id, address)
    if member is None or not member.active:
        raise NotFound(f"Sie sind nicht im Verteiler „{mailing_list.name}“ eingetragen.")
    return mailing_list, member


async def my_lists(deps: Deps, token: str) -> tuple[str, list[tuple[MailingList, Member]]]:
    """Every list the address is (or was) on, with its membership."""
    address = own_link(deps, token).address
    async with deps.uow() as uow:
        found = []
        for member in await uow.store.memberships(address):
            if mailing_list := await uow.lists.get(member.list_id):
                found.append((mailing_list, member))
    return address, found


async def my_delivery(cmd: commands.MyDelivery, deps: Deps) -> tuple[MailingList, Member]:
    address = own_link(deps, cmd.token).address
    async with deps.uow() as uow:
        mailing_list, member = await _my(uow, address, cmd.list_id)
        member.choose_delivery(cmd.delivery)
        await uow.store.save_member(member)
        await uow.store.audit(
            AuditEntry(cmd.list_id, deps.now(), address, "zustellart_geaendert", address, cmd.delivery)
        )
        await uow.commit()
    return mailing_list, member


async def my_address(cmd: commands.MyAddress, deps: Deps) -> str:
    """A new address for every list the member is on; it takes effect once confirmed at the new address
    (one mail, one link for all lists), as an address change by one list's link does."""
    address = own_link(deps, cmd.token).address
    new_address = addresses.address(cmd.new_address)
    if new_address == address:
        raise Conflict("Das ist schon Ihre Adresse.")
    now = deps.now()
    async with deps.uow() as uow:
        members = [m for m in await uow.store.memberships(address) if m.active]
        if not members:
            raise NotFound("Diese Adresse ist in keinem Verteiler eingetragen.")
        ensure_not_blocked(await blocked(deps, uow, new_address))
        requests, names = [], []
        for member in members:
            mailing_list = await get_list(uow, member.list_id)
            if await uow.store.member(member.list_id, new_address):
                raise Conflict(f"Die neue Adresse ist im Verteiler „{mailing_list.name}“ schon eingetragen.")
            request = Request.address_change(str(uuid.uuid4()), member, new_address, address, now)
            await uow.store.save_request(request)
            await uow.store.audit(
                AuditEntry(member.list_id, now, address, "adressaenderung_beantragt", address, new_address)
            )
            requests.append(request.id)
            names.append(f"„{mailing_list.name}“")
        extra = " ".join(requests)
        token = deps.signer.issue("adresse_aendern", "", new_address, now, deps.confirm_valid, extra)
        context = {
            "address": new_address,
            "list_names": ", ".join(names),
            "link": deps.link("adresse-bestaetigen", token),
            "valid_hours": int(deps.confirm_valid.total_seconds() // 3600),
        }
        await mail_one(
            deps,
            uow,
            "adressen_bestaetigen",
            event_id=f"adressen:{requests[0]}",
            to_address=new_address,
            context=context,
        )
        await uow.commit()
    return f"Wir haben eine Bestätigung an {new_address} geschickt. Erst danach schreiben Ihre Verteiler dorthin."


async def leave(cmd: commands.Leave, deps: Deps) -> tuple[str, str]:
    """Leave one list or every list; leaving twice is harmless."""
    address = own_link(deps, cmd.token).address
    async with deps.uow() as uow:
        if cmd.list_id:
            mailing_list, member = await _my_or_left(uow, address, cmd.list_id)
            members = [member]
        else:
            mailing_list, members = None, await uow.store.memberships(address)
        for member in members:
            if member.unsubscribe():
                await uow.store.save_member(member)
                await uow.store.audit(AuditEntry(member.list_id, deps.now(), address, "abgemeldet", address))
        await uow.commit()
    if mailing_list:
        return f"Sie sind vom Verteiler „{mailing_list.name}“ abgemeldet.", mailing_list.name
    return "Sie sind von allen Verteilern abgemeldet.", ""


async def _my_or_left(uow: UnitOfWork, address: str, list_id: str) -> tuple[MailingList, Member]:
    mailing_list = await get_list(uow, list_id)
    member = await uow.store.member(list_id, address)
    if member is None:
        raise NotFound(f"Sie sind nicht im Verteiler „{mailing_list.name}“ eingetragen.")
    return mailing_list, member


async def my_export(deps: Deps, token: str) -> tuple[str, dict[str, list[dict]]]:
    """Art. 15: the same as the Landesbüro's export, for the member themself."""
    address = own_link(deps, token).address
    async with deps.uow() as uow:
        return address, await uow.store.everything_about(address)

"""Commands by mail (issue 20): `<list>-request@` (subscribe, unsubscribe, help) and `<list>-leave@`.

Both are confirmed by a link: subscribing always by the confirmation mail of `membership.subscribe` (on an open list
too), then the list's own policy (the moderation, if it decides); leaving by the member's personal unsubscribe link
(`/abmelden`, one click to confirm). A forged From thus changes nothing; automatic mail is never answered."""

from __future__ import annotations

from dataclasses import replace

from services.notifications.domain import commands, inbound
from services.notifications.domain.errors import DomainError
from services.notifications.domain.inbound import Command, Incoming
from services.notifications.domain.lists import AuditEntry, MailingList
from services.notifications.domain.words import Policy
from services.notifications.service_layer import members, membership
from services.notifications.service_layer.kept import keep
from services.notifications.service_layer.outgoing import mail_one, personal_links
from services.notifications.service_layer.ports import Deps, UnitOfWork

ALWAYS_CONFIRM = {Policy.OPEN: Policy.CONFIRM, Policy.MODERATE: Policy.CONFIRM_AND_MODERATE}


async def request(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, key: str, mail: Incoming, raw: bytes) -> None:
    address = f"{mailing_list.id}-request@{deps.mail_domain}"
    if reason := inbound.automatic(mail.headers):
        await keep(deps, uow, mailing_list.id, key, address, mail.sender, f"Nicht beantwortet: {reason}", raw)
        return
    command = inbound.command(mail.subject, mail.text)
    await keep(deps, uow, mailing_list.id, key, address, mail.sender, f"Befehl per Mail: {command}", None)
    if command == Command.UNSUBSCRIBE:
        await _confirm_leave(deps, uow, mailing_list, key, mail)
    elif command == Command.SUBSCRIBE:
        # By mail the address is always confirmed by a link first, whatever the list's policy: anyone can write a From.
        confirmed = replace(mailing_list, policy=ALWAYS_CONFIRM.get(mailing_list.policy, mailing_list.policy))
        try:
            await membership.subscribe_in(deps, uow, confirmed, mail.sender, mail.sender_name, ip="E-Mail")
        except DomainError:  # too many requests, a closed list: the kept mail says what was asked, nobody is mailed
            return
    else:
        context = {"list_address": f"{mailing_list.id}@{deps.mail_domain}", "domain": deps.mail_domain,
                   "list_id": mailing_list.id, "link": f"{deps.public_url.rstrip('/')}/abonnieren/{mailing_list.id}"}  # fmt: skip
        await mail_one(deps, uow, "hilfe", event_id=f"hilfe:{key}", to_address=mail.sender, context=context,
                       mailing_list=mailing_list)  # fmt: skip


async def leave(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, key: str, mail: Incoming, raw: bytes) -> None:
    address = f"{mailing_list.id}-leave@{deps.mail_domain}"
    if reason := inbound.automatic(mail.headers):
        await keep(deps, uow, mailing_list.id, key, address, mail.sender, f"Nicht beantwortet: {reason}", raw)
        return
    await keep(deps, uow, mailing_list.id, key, address, mail.sender, "Abmeldung per Mail", None)
    await _confirm_leave(deps, uow, mailing_list, key, mail)


async def _confirm_leave(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, key: str, mail: Incoming) -> None:
    """An active member gets their unsubscribe link to confirm; anyone else nothing (nobody learns who is on it)."""
    member = await uow.store.member(mailing_list.id, mail.sender)
    if member is None or not member.active:
        return
    token, _ = personal_links(deps, mailing_list, member.address)
    context = {"list_address": f"{mailing_list.id}@{deps.mail_domain}", "link": deps.link("abmelden", token)}
    await mail_one(
        deps, uow, "abmelden_bestaetigen", event_id=f"abmelden:{key}", to_address=member.address,
        to_name=member.display_name, context=context, mailing_list=mailing_list,
    )  # fmt: skip
    await uow.store.audit(AuditEntry(mailing_list.id, deps.now(), member.address, "abmeldung_per_mail", member.address))


async def unsubscribe_by_link(deps: Deps, key: str, rcpt: str, mail: Incoming, raw: bytes) -> None:
    """`abmelden@` with the signed token every mail's List-Unsubscribe mailto carries: the token is the proof (as
    the one-click link's), so it takes effect at once. Kept either way; an invalid token changes nothing."""
    token = inbound.unsubscribe_token(mail.subject)
    try:
        done, _ = await members.unsubscribe(commands.Unsubscribe(token), deps) if token else ("", "")
    except DomainError as exc:
        done = f"Nicht abgemeldet: {exc}"
    async with deps.uow() as uow:
        if not await uow.store.post_known(key):
            await keep(deps, uow, None, key, rcpt, mail.sender, done or "Keine Abmeldung: kein Link-Kennzeichen", raw)
        await uow.commit()

"""Bounces: what comes back for a list mail, counted per membership until its delivery is suspended.

Two ways in: a bounce message to the membership's VERP address (`receive_bounce`, called by the incoming-mail
router), and a refusal at delivery (`refused`, called by the delivery worker when the SMTP server answers 5xx).
Both log the bounce and score it (domain/bounces.py); at the threshold the delivery is suspended, the audit log says
so, and the list's moderation is mailed a link to the bounce page, where it can switch the delivery on again.
"""

from __future__ import annotations

from services.notifications.domain import addresses, bounce_reports, commands
from services.notifications.domain.bounces import Bounce, Severity, matches, parse_return_path, severity_of
from services.notifications.domain.errors import NotFound
from services.notifications.domain.lists import AuditEntry, MailingList, Member
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.outgoing import mail_moderators
from services.notifications.service_layer.ports import Deps, UnitOfWork
from shared.logging import get_logger

log = get_logger(__name__)


def bounce_page(deps: Deps, list_id: str) -> str:
    return f"{deps.public_url.rstrip('/')}/moderation/{list_id}/unzustellbar"


async def receive_bounce(recipient: str, raw: bytes, deps: Deps) -> int:
    """Handle a message that arrived for a bounce address (`<list>-bounces+<token>@<mail domain>`).

    `recipient` is the envelope recipient the message was delivered to (the VERP address), `raw` the message as
    received (RFC 5322 bytes). Runs in its own unit of work (from `deps.uow`) and commits. Returns how many bounces
    were counted: 0 when the address is no bounce address, the token names no membership of the list (erased, or
    forged), the message reads as no bounce (an out-of-office reply) or repeats one already counted. It never raises
    for what the message says; a database failure propagates, so the caller can answer 451 and the sender retries.
    """
    target = parse_return_path(recipient)
    reports = bounce_reports.read(raw)
    if target is None or not reports:
        log.info("bounce.ignored", reason="keine_bounce_adresse" if target is None else "kein_bounce")
        return 0
    list_id, token = target
    worst = min(reports, key=lambda r: r.severity != Severity.HARD)  # a hard failure outweighs a delay
    async with deps.uow() as uow:
        mailing_list = await uow.lists.get(list_id)
        members = await uow.store.members(list_id) if mailing_list else []
        member = next((m for m in members if matches(deps.secret, list_id, m.address, token)), None)
        if mailing_list is None or member is None:
            log.info("bounce.ignored", reason="unbekanntes_mitglied", list_id=list_id)
            return 0
        bounce = Bounce(
            list_id,
            member.address,
            deps.now(),
            worst.severity,
            worst.source,
            worst.status,
            worst.diagnostic,
            worst.reference[:300],
        )
        counted = await record(deps, uow, mailing_list, member, bounce)
        await uow.commit()
    return int(counted)


async def refused(deps: Deps, uow: UnitOfWork, list_id: str, address: str, reason: str, reference: str) -> None:
    """The SMTP server refused a list mail for good (5xx) while we delivered it: counted like a hard bounce, in the
    delivery worker's transaction."""
    mailing_list = await uow.lists.get(list_id)
    member = await uow.store.member(list_id, address) if mailing_list else None
    if mailing_list is None or member is None:
        return
    status = reason.split(" ", 1)[0]
    severity = severity_of(status) or Severity.HARD
    bounce = Bounce(list_id, address, deps.now(), severity, "smtp", status[:20], reason[:500], reference[:300])
    await record(deps, uow, mailing_list, member, bounce)


async def record(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, member: Member, bounce: Bounce) -> bool:
    """Log the bounce and suspend the delivery at the threshold; False if this bounce was logged before."""
    if not await uow.store.add_bounce(bounce):
        return False
    history = await uow.store.bounces_of(mailing_list.id, member.address)
    if deps.bounce_policy.suspends(history, deps.now()) and member.suspend(deps.now()):
        await uow.store.save_member(member)
        detail = f"{bounce.status} {bounce.diagnostic}".strip()[:300]
        await uow.store.audit(
            AuditEntry(mailing_list.id, deps.now(), "system", "zustellung_ausgesetzt", member.address, detail)
        )
        context = {
            "address": member.address,
            "display_name": member.display_name,
            "rule": deps.bounce_policy.describe(),
            "bounce_said": detail or "ohne Angabe",
            "link": bounce_page(deps, mailing_list.id),
        }
        event_id = f"ausgesetzt:{mailing_list.id}:{member.address}:{deps.now().isoformat()}"
        await mail_moderators(deps, uow, mailing_list, "unzustellbar", event_id=event_id, context=context)
        log.info("bounce.suspended", list_id=mailing_list.id)
    return True


async def resume_delivery(cmd: commands.ResumeDelivery, deps: Deps) -> Member:
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, cmd.list_id)
        mailing_list.ensure_moderator(await uow.store.member(cmd.list_id, cmd.moderator), cmd.admin)
        member = await uow.store.member(cmd.list_id, addresses.address(cmd.address))
        if member is None:
            raise NotFound(f"{cmd.address} ist nicht im Verteiler „{mailing_list.name}“.")
        if member.resume():
            await uow.store.save_member(member)
            await uow.store.clear_bounces(cmd.list_id, member.address)
            entry = AuditEntry(cmd.list_id, deps.now(), cmd.moderator, "zustellung_fortgesetzt", member.address)
            await uow.store.audit(entry)
            await uow.commit()
    return member


async def bounce_log(
    deps: Deps, list_id: str, moderator: str, admin: bool = False
) -> tuple[MailingList, list[Member], list[Bounce], str]:
    """(list, members whose delivery is suspended, the newest bounces, the rule in words): the bounce page."""
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        mailing_list.ensure_moderator(await uow.store.member(list_id, moderator), admin)
        suspended = [m for m in await uow.store.members(list_id, active_only=True) if m.suspended_at]
        return mailing_list, suspended, await uow.store.bounce_log(list_id), deps.bounce_policy.describe()

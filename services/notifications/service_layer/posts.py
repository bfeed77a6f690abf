"""Mail to a list's addresses (issue 20): a post is distributed, held for the moderation, rejected or discarded by
the list's rules; automatic replies and loops are kept, never sent round. Whatever is not distributed is kept with
its reason (`kept_mail`), and the sender hears why where that is safe (never for automatic mail).

`receive` answers as an LMTP server does, one status line per recipient: 250 once the mail is safe in the database.
"""

from __future__ import annotations

import hashlib

from services.notifications.domain import inbound
from services.notifications.domain.inbound import Incoming, Recipient, Target, Unreadable
from services.notifications.domain.lists import AuditEntry, MailingList
from services.notifications.domain.posting import HeldPost, PostFacts, Verdict, judge
from services.notifications.service_layer import archive, bounces, mail_commands
from services.notifications.service_layer.kept import keep
from services.notifications.service_layer.outgoing import held_posts_link, mail_copies, mail_moderators, mail_one
from services.notifications.service_layer.ports import Deps, Mailing, UnitOfWork
from shared.clock import BERLIN
from shared.logging import get_logger

log = get_logger(__name__)
ACCEPTED = "250 2.0.0 Angenommen"
UNKNOWN = "550 5.1.1 Diese Adresse gibt es hier nicht"
NO_BOUNCE = "An die Bounce-Adresse geschickt, aber als Unzustellbarkeitsmeldung eines Mitglieds nicht erkannt"


def post_key(list_id: str, target: str, message_id: str, raw: bytes) -> str:
    """The same mail to the same address gives the same key: an MTA that delivers twice changes nothing."""
    basis = message_id or hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(f"{list_id}\x00{target}\x00{basis}".encode()).hexdigest()[:40]


async def known_list(deps: Deps, address: str) -> Recipient | None:
    """The recipient if it names an open list of ours (checked at RCPT, so a typo is refused at once)."""
    found = inbound.recipient(address, deps.mail_domain)
    if found is None:
        return None
    if found.target == Target.UNSUBSCRIBE_LINK:
        return found
    async with deps.uow() as uow:
        mailing_list = await uow.lists.get(found.list_id)
    return found if mailing_list is not None and mailing_list.active else None


async def receive(deps: Deps, rcpt: str, mail_from: str, raw: bytes) -> str:
    found = await known_list(deps, rcpt)
    if found is None:
        return UNKNOWN
    if found.target == Target.BOUNCES:  # a DSN or a plain-text report to a VERP address (service_layer/bounces.py)
        if not await bounces.receive_bounce(rcpt, raw, deps):  # no bounce of a member: kept with the reason
            key = hashlib.sha256(b"bounce\x00" + found.list_id.encode() + b"\x00" + raw).hexdigest()[:40]
            async with deps.uow() as uow:
                await keep(deps, uow, found.list_id, key, rcpt[:320], mail_from or "<>", NO_BOUNCE, raw)
                await uow.commit()
        return ACCEPTED
    try:
        mail = deps.read_mail(raw, mail_from)  # type: ignore[misc]
    except Unreadable as exc:
        await keep_unreadable(deps, found, mail_from, raw, exc)
        return ACCEPTED
    key = post_key(found.list_id, found.target, mail.message_id, raw)
    if found.target == Target.UNSUBSCRIBE_LINK:
        await mail_commands.unsubscribe_by_link(deps, key, rcpt, mail, raw)
        return ACCEPTED
    async with deps.uow() as uow:
        if await uow.store.post_known(key):
            return ACCEPTED
        mailing_list = await uow.lists.get(found.list_id)
        handler = {
            Target.POST: _post,
            Target.OWNER: _to_owners,
            Target.REQUEST: mail_commands.request,
            Target.LEAVE: mail_commands.leave,
        }[found.target]
        await handler(deps, uow, mailing_list, key, mail, raw)  # type: ignore[arg-type]
        await uow.commit()
    log.info("post.received", list_id=found.list_id, target=str(found.target))
    return ACCEPTED


async def keep_unreadable(deps: Deps, found: Recipient, mail_from: str, raw: bytes, exc: Unreadable) -> None:
    """Kept with the reason; the envelope sender hears why, unless there is none (a bounce: `<>`)."""
    key = post_key(found.list_id, found.target, "", raw)
    address = f"{found.list_id}@{deps.mail_domain}"
    async with deps.uow() as uow:
        sender = exc.sender or mail_from
        if await keep(deps, uow, found.list_id, key, address, sender, exc.reason, raw) and "@" in sender:
            mailing_list = await uow.lists.get(found.list_id)
            context = {"reason": exc.reason, "list_address": address, "subject": ""}
            await mail_one(
                deps, uow, "beitrag_unlesbar", event_id=f"unlesbar:{key}", to_address=sender,
                context=context, mailing_list=mailing_list,
            )  # fmt: skip
        await uow.commit()


def noise(deps: Deps, mailing_list: MailingList, mail: Incoming) -> str:
    """Why a post is not for the members: automatic, looped, or the list's own mail; "" if it is a post."""
    address = f"{mailing_list.id}@{deps.mail_domain}"
    found = inbound.recipient(mail.sender, deps.mail_domain)
    own = found is not None and found.list_id == mailing_list.id  # any of the list's own addresses
    return (
        inbound.automatic(mail.headers)
        or inbound.looped(mail.headers, mail.x_loop, address, f"<{mailing_list.id}.{deps.mail_domain}>")
        or ("Mail vom Verteiler selbst" if own else "")
    )


async def _post(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, key: str, mail: Incoming, raw: bytes) -> None:
    address = f"{mailing_list.id}@{deps.mail_domain}"
    if reason := noise(deps, mailing_list, mail):
        await keep(deps, uow, mailing_list.id, key, address, mail.sender, f"Nicht verteilt: {reason}", raw)
        return
    member = await uow.store.member(mailing_list.id, mail.sender)
    active = member is not None and member.active
    judgement = judge(
        mailing_list.posting,
        PostFacts(mail.size, mail.attachments, mail.recipients),
        member=active,
        moderator=bool(member and member.moderates),
        trusted=await uow.store.trusted(mailing_list.id, mail.sender),
        first_post=not await uow.store.has_posted(mailing_list.id, mail.sender),
    )
    if judgement.verdict == Verdict.DISTRIBUTE:
        await distribute(deps, uow, mailing_list, key, raw, mail.sender, mail.sender_name, mail.subject)
    elif judgement.verdict == Verdict.HOLD:
        await hold(deps, uow, mailing_list, key, mail, raw, list(judgement.reasons), active)
    else:
        reason = " ".join(judgement.reasons)
        await keep(deps, uow, mailing_list.id, key, address, mail.sender, f"{judgement.verdict}: {reason}", raw)
        if judgement.verdict == Verdict.REJECT:
            await tell_rejected(deps, uow, mailing_list, key, mail.sender, mail.subject, reason)


async def distribute(
    deps: Deps,
    uow: UnitOfWork,
    mailing_list: MailingList,
    key: str,
    raw: bytes,
    sender: str,
    sender_name: str,
    subject: str,
) -> int:
    """Every member's copy queued in this transaction, the post recorded for the mailings page and the audit log."""
    event_id = f"liste:{key}"
    summary = f"{subject or '(ohne Betreff)'} – von {sender_name or sender}"[:300]
    await archive.keep(deps, uow, mailing_list, event_id, raw)  # every distributed post goes to the archive
    count = await mail_copies(deps, uow, mailing_list, event_id=event_id, raw=raw, summary=summary)
    await uow.store.record_post(Mailing(event_id, mailing_list.id, subject[:300], sender, deps.now(), count))
    await uow.store.audit(AuditEntry(mailing_list.id, deps.now(), sender, "beitrag_verteilt", sender, subject[:200]))
    return count


async def hold(
    deps: Deps,
    uow: UnitOfWork,
    mailing_list: MailingList,
    key: str,
    mail: Incoming,
    raw: bytes,
    reasons: list[str],
    member: bool,
) -> None:
    """Kept for the moderation: it sees it at once (page and "Meine Aufgaben"), gets a mail, and the sender a note."""
    now = deps.now()
    post = HeldPost(
        key, mailing_list.id, mail.sender, mail.sender_name, mail.subject, reasons, now, raw,
        excerpt=mail.text[:2000], member=member,
    )  # fmt: skip
    await uow.store.save_held_post(post)
    await uow.store.audit(AuditEntry(mailing_list.id, now, mail.sender, "beitrag_zurueckgehalten", mail.sender))
    context = held_context(deps, mailing_list, post)
    await mail_moderators(deps, uow, mailing_list, "beitrag_wartet", event_id=f"wartet:{key}", context=context)
    await mail_one(
        deps, uow, "beitrag_zurueckgehalten", event_id=f"zurueckgehalten:{key}", to_address=mail.sender,
        to_name=mail.sender_name, context=context, mailing_list=mailing_list,
    )  # fmt: skip


def held_context(deps: Deps, mailing_list: MailingList, post: HeldPost) -> dict:
    return {
        "list_name": mailing_list.name,
        "list_address": f"{mailing_list.id}@{deps.mail_domain}",
        "sender": post.sender,
        "post_subject": post.subject or "(ohne Betreff)",
        "reasons": post.reasons,
        "received": f"{post.received_at.astimezone(BERLIN):%d.%m.%Y %H:%M}",
        "link": held_posts_link(deps, mailing_list.id),
        "expire_days": deps.held_expire_after.days,
    }


async def tell_rejected(
    deps: Deps, uow: UnitOfWork, mailing_list: MailingList, key: str, sender: str, subject: str, reason: str
) -> None:
    context = {
        "list_name": mailing_list.name,
        "list_address": f"{mailing_list.id}@{deps.mail_domain}",
        "post_subject": subject or "(ohne Betreff)",
        "reason": reason,
    }
    await mail_one(
        deps, uow, "beitrag_abgelehnt", event_id=f"abgelehnt:{key}", to_address=sender, context=context,
        mailing_list=mailing_list,
    )  # fmt: skip


async def _to_owners(
    deps: Deps, uow: UnitOfWork, mailing_list: MailingList, key: str, mail: Incoming, raw: bytes
) -> None:
    """`<list>-owner@`: the mail as it came, to each moderator (automatic mail too: the moderation may need it)."""
    now = deps.now()
    for m in await uow.store.members(mailing_list.id, active_only=True):
        if m.moderates:
            row = {
                "event_id": f"owner:{key}", "recipient": m.address, "list_id": mailing_list.id,
                "kind": "an_moderation", "subject": mail.subject[:300] or "(ohne Betreff)", "status": "pending",
                "attempts": 0, "next_attempt_at": now, "created_at": now, "message": raw,
            }  # fmt: skip
            await uow.store.add_delivery(**row)
    await keep(deps, uow, mailing_list.id, key, f"{mailing_list.id}-owner@{deps.mail_domain}", mail.sender,
               "An die Moderation weitergeleitet", raw)  # fmt: skip

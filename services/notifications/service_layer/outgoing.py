"""Turning "someone should hear about this" into delivery rows: one per (event, recipient).

Members who chose a digest get a line in their next digest instead of a mail. Delivery rows are
written in the same transaction as the change (or the inbox record) that caused them.
"""

from __future__ import annotations

from datetime import datetime

from services.notifications.domain import addresses
from services.notifications.domain.lists import MailingList, Member
from services.notifications.service_layer.ports import Deps, UnitOfWork
from shared.logging import get_logger

log = get_logger(__name__)


def personal_links(deps: Deps, mailing_list: MailingList, address: str) -> tuple[str, str]:
    """(unsubscribe token for this list, "Meine Verteiler" token for the address: not single use, 90 days)."""
    now = deps.now()
    return (
        deps.signer.issue("abmelden", mailing_list.id, address, now, deps.unsubscribe_valid),
        deps.signer.issue("verwalten", "", address, now, deps.manage_valid),
    )


def moderation_link(deps: Deps, list_id: str) -> str:
    """The gateway page where the moderation decides a list's requests."""
    return f"{deps.public_url.rstrip('/')}/moderation/{list_id}/anfragen"


def work_item_link(deps: Deps, item_id: str) -> str:
    """The gateway page of a work-plan item (details, mark done, progress note)."""
    return f"{deps.public_url.rstrip('/')}/arbeitsplan/{item_id}" if item_id else ""


async def blocked(deps: Deps, uow: UnitOfWork, address: str) -> bool:
    """The person objected ("löschen und sperren", Art. 21 GDPR): only the fingerprint of the address is kept."""
    return await uow.store.suppressed(addresses.fingerprint(address, deps.secret))


async def mail_one(
    deps: Deps,
    uow: UnitOfWork,
    kind: str,
    *,
    event_id: str,
    to_address: str,
    to_name: str = "",
    context: dict,
    mailing_list: MailingList | None = None,
    personal_unsubscribe: bool = False,
    attachments: tuple = (),
    references: str = "",
) -> bool:
    """Queue one mail; False if this event already produced a mail for this recipient.

    A list mail to a member (`personal_unsubscribe`) carries their personal links in its footer: leaving
    this list, and "Meine Verteiler" for all their lists. A blocked address gets nothing, whatever the path."""
    if await blocked(deps, uow, to_address):
        log.info("mail.suppressed", kind=kind)  # the address is not logged
        return False
    now = deps.now()
    token = manage = None
    if personal_unsubscribe and mailing_list:
        token, manage = personal_links(deps, mailing_list, to_address)
    try:
        subject, message = deps.composer.message(
            kind,
            to_address=to_address,
            to_name=to_name,
            event_id=event_id,
            context=context,
            list_id=mailing_list.id if mailing_list else None,
            list_name=mailing_list.name if mailing_list else "",
            unsubscribe_token=token,
            manage_token=manage,
            attachments=attachments,
            **({"references": references} if references else {}),  # only a list post refers to its archived id
        )
    except ValueError as exc:  # header injection or similar: never sent, reason kept
        return await uow.store.add_delivery(
            **_row(
                event_id,
                to_address,
                mailing_list,
                kind,
                "?",
                now,
                status="failed",
                last_error=f"Nicht versendet: {exc}",
            )
        )
    return await uow.store.add_delivery(**_row(event_id, to_address, mailing_list, kind, subject, now, message=message))


def _row(
    event_id: str,
    recipient: str,
    mailing_list: MailingList | None,
    kind: str,
    subject: str,
    now: datetime,
    **values: object,
) -> dict:
    return {
        "event_id": event_id,
        "recipient": recipient,
        "list_id": mailing_list.id if mailing_list else None,
        "kind": kind,
        "subject": subject[:300],
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    } | values


WRITE_EVERY = 1000  # copies of a mailing written at once (a copy is about 5 KB)


def _digest_rows(
    members: list[Member], event_id: str, mailing_list: MailingList, kind: str, summary: str, now: datetime
) -> list[dict]:
    """A line in the next digest for each member who chose one (and whose delivery bounces did not suspend)."""
    return [
        _row(event_id, m.address, mailing_list, kind, summary, now, status="digest", summary=summary)
        for m in members
        if m.suspended_at is None and not m.wants_each_mail
    ]


async def _each_mail(deps: Deps, uow: UnitOfWork, members: list[Member], kind: str) -> list[Member]:
    """The members who get their own copy: each mail chosen, delivery not suspended by bounces
    (service_layer/bounces.py), address not blocked (looked up at once for all)."""
    wanted = [m for m in members if m.suspended_at is None and m.wants_each_mail]
    fingerprints = {m.address: addresses.fingerprint(m.address, deps.secret) for m in wanted}
    blocked_ones = await uow.store.suppressed_among(set(fingerprints.values())) if fingerprints else set()
    if blocked_ones:
        log.info("mail.suppressed", kind=kind, count=len(blocked_ones))  # the addresses are not logged
    return [m for m in wanted if fingerprints[m.address] not in blocked_ones]


async def mail_list(
    deps: Deps,
    uow: UnitOfWork,
    mailing_list: MailingList,
    kind: str,
    *,
    event_id: str,
    context: dict,
    summary: str,
    attachments: tuple = (),
    only: list[Member] | None = None,
    references: str = "",
) -> int:
    """Mail every active member (or `only` these), each with a personal unsubscribe link; a member whose delivery
    bounces suspended gets nothing. `references`: the post's own Message-ID, so that replies thread in the archive.

    The mail is composed once and each member's copy filled in (adapters/composer.py `Mailing`); blocked addresses
    are looked up at once and the rows written in few statements, so that a post to thousands costs little more
    than the sending itself."""
    members = only if only is not None else await uow.store.members(mailing_list.id, active_only=True)
    now, mailing, added = deps.now(), None, 0
    rows = _digest_rows(members, event_id, mailing_list, kind, summary, now)
    for member in await _each_mail(deps, uow, members, kind):
        if len(rows) >= WRITE_EVERY:  # in the same transaction, so that not every copy is held in memory at once
            added, rows = added + await uow.store.add_deliveries(rows), []
        token, manage = personal_links(deps, mailing_list, member.address)
        try:
            mailing = mailing or deps.composer.mailing(
                kind,
                event_id=event_id,
                context=context,
                list_id=mailing_list.id,
                list_name=mailing_list.name,
                attachments=attachments,
                **({"references": references} if references else {}),  # a list post refers to its archived id
            )
            subject, message = mailing.message(member.address, member.display_name, token, manage)
        except ValueError as exc:  # header injection or similar: never sent, reason kept
            rows.append(
                _row(
                    event_id,
                    member.address,
                    mailing_list,
                    kind,
                    "?",
                    now,
                    status="failed",
                    last_error=f"Nicht versendet: {exc}",
                )
            )
            continue
        rows.append(_row(event_id, member.address, mailing_list, kind, subject, now, message=message))
    return added + (await uow.store.add_deliveries(rows) if rows else 0)


async def mail_moderators(
    deps: Deps, uow: UnitOfWork, mailing_list: MailingList, kind: str, *, event_id: str, context: dict
) -> int:
    moderators = [m for m in await uow.store.members(mailing_list.id, active_only=True) if m.moderates and m.receives]
    for m in moderators:
        await mail_one(
            deps,
            uow,
            kind,
            event_id=event_id,
            to_address=m.address,
            to_name=m.display_name,
            context=context,
            mailing_list=mailing_list,
            personal_unsubscribe=True,
        )
    return len(moderators)


def held_posts_link(deps: Deps, list_id: str) -> str:
    """The gateway page where the moderation decides held posts (issue 20)."""
    return f"{deps.public_url.rstrip('/')}/moderation/{list_id}/beitraege"


async def mail_copies(
    deps: Deps, uow: UnitOfWork, mailing_list: MailingList, *, event_id: str, raw: bytes, summary: str
) -> int:
    """A post by mail to every active member: their own copy with personal links (a digest line for digest readers).

    One delivery row per (post, member), as every list mail: a post handled twice adds no second copy. Blocked
    addresses are looked up at once and the rows written in few statements, as `mail_list` does."""
    members = await uow.store.members(mailing_list.id, active_only=True)
    now, kind = deps.now(), "listenbeitrag"
    rows = _digest_rows(members, event_id, mailing_list, kind, summary, now)
    for member in await _each_mail(deps, uow, members, kind):
        token, manage = personal_links(deps, mailing_list, member.address)
        try:
            message = deps.composer.list_copy(
                raw,
                list_id=mailing_list.id,
                list_name=mailing_list.name,
                unsubscribe_token=token,
                manage_token=manage,
                rewrite_from=mailing_list.posting.rewrite_from,
                reply_to_list=mailing_list.posting.reply_to_list,
            )
        except ValueError as exc:  # kept as failed with the reason: the moderation sees it on the delivery page
            rows.append(
                _row(event_id, member.address, mailing_list, kind, summary, now, status="failed",
                     last_error=f"Nicht versendet: {exc}")
            )  # fmt: skip
            continue
        rows.append(_row(event_id, member.address, mailing_list, kind, summary, now, message=message))
    return await uow.store.add_deliveries(rows) if rows else 0

"""The archive of each list: every distributed post is kept, threaded, searchable, and read by the list's members.

`keep` takes a post as RFC 5322 bytes (a member's message as received, or the moderation's post built by
`moderation_post`) in the distribution's transaction: the archived copy is the text, the headers that matter and the
attachments within the limits (domain/archive.py), never a member's personal links. Who may read is the list's rule
(`MailingList.ensure_archive_reader`); the mbox is for the moderation.
"""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parsedate_to_datetime

from services.notifications.domain.archive import post_message_id, referenced, words_of
from services.notifications.domain.errors import NotFound
from services.notifications.domain.lists import MailingList
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.ports import ArchivedPost, Deps, ThreadSummary, UnitOfWork

__all__ = ["keep", "message_domain", "messages", "moderation_post", "overview", "post_message_id", "thread"]
MAX_BODY = 200_000  # characters of text kept per post


def message_domain(deps: Deps) -> str:
    return deps.mail_domain or "beratungsnetz.invalid"


def moderation_post(
    deps: Deps, mailing_list: MailingList, event_id: str, sender: str, name: str, subject: str, text: str
) -> bytes:
    """The moderation's post as the archive keeps it: from the moderator, to the list, with the post's own id."""
    msg = EmailMessage(policy=policy.SMTP)
    local, _, domain = sender.partition("@")
    msg["From"] = Address(name, local, domain)
    msg["To"] = Address(mailing_list.name, mailing_list.id, message_domain(deps))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(deps.now())
    msg["Message-ID"] = post_message_id(mailing_list.id, event_id, message_domain(deps))
    msg.set_content(text)
    return bytes(msg)


async def keep(deps: Deps, uow: UnitOfWork, mailing_list: MailingList, event_id: str, raw: bytes) -> int | None:
    """Archive a distributed post (once per event); its id, or None if it was archived before."""
    original = message_from_bytes(raw, policy=policy.default)
    name, sender = next(iter(getaddresses([str(original.get("From", ""))])), ("", ""))
    message_id = str(original.get("Message-ID", "")).strip() or post_message_id(
        mailing_list.id, event_id, message_domain(deps)
    )
    parent = await uow.store.archived_by_message_id(
        mailing_list.id, referenced(str(original.get("In-Reply-To", "")), str(original.get("References", "")))
    )
    stored, body, attachments = _archived_copy(deps, original, message_id)
    return await uow.store.archive(
        list_id=mailing_list.id,
        event_id=event_id,
        message_id=message_id[:300],
        thread_id=parent.thread_id if parent else None,
        parent_id=parent.id if parent else None,
        subject=str(original.get("Subject", ""))[:300],
        sender=sender.lower()[:320],
        sender_name=name[:100],
        sent_at=_date(original, deps.now()),
        body=body,
        attachments=attachments,
        message=stored,
    )


def _archived_copy(deps: Deps, original: EmailMessage, message_id: str) -> tuple[bytes, str, list[dict]]:
    """(the message as kept, its text, its attachments with whether each was kept)."""
    part = original.get_body(("plain", "html"))
    body = part.get_content() if part is not None else ""
    copy = EmailMessage(policy=policy.SMTP)
    for header in ("From", "To", "Subject", "Date", "In-Reply-To", "References"):
        if original.get(header):
            copy[header] = str(original[header])
    copy["Message-ID"] = message_id
    copy.set_content(body[:MAX_BODY])
    found = [(a, a.get_content()) for a in original.iter_attachments()]
    sizes = [len(content if isinstance(content, bytes) else str(content).encode()) for _, content in found]
    kept = deps.attachment_limits.keep(sizes)
    listed = []
    for (attachment, content), size, keep_it in zip(found, sizes, kept, strict=True):
        name = attachment.get_filename() or "Anhang"
        listed.append({"name": name, "type": attachment.get_content_type(), "size": size, "kept": keep_it})
        if keep_it:
            data = content if isinstance(content, bytes) else str(content).encode()
            maintype, subtype = attachment.get_content_type().split("/", 1)
            copy.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(copy), body[:MAX_BODY], listed


def _date(message: EmailMessage, fallback: datetime) -> datetime:
    try:
        found = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError):
        return fallback
    return found if found.tzinfo else fallback


# --- reading -------------------------------------------------------------------------------------


async def _readable(deps: Deps, uow: UnitOfWork, list_id: str, reader: str, admin: bool) -> MailingList:
    mailing_list = await get_list(uow, list_id)
    wanted = reader.strip().casefold()
    member = next((m for m in await uow.store.members(list_id) if m.address.casefold() == wanted), None)
    mailing_list.ensure_archive_reader(member if wanted else None, admin)
    return mailing_list


async def overview(
    deps: Deps, list_id: str, reader: str, admin: bool, search: str = "", offset: int = 0, limit: int = 50
) -> tuple[MailingList, list[ThreadSummary], int, list[ArchivedPost]]:
    """(list, threads newest first, how many threads, posts found by `search`: every word in subject or text)."""
    async with deps.uow() as uow:
        mailing_list = await _readable(deps, uow, list_id, reader, admin)
        threads, total = await uow.store.archive_threads(list_id, offset, limit)
        words = words_of(search)
        hits = await uow.store.archive_search(list_id, words) if words else []
    return mailing_list, threads, total, hits


async def thread(
    deps: Deps, list_id: str, reader: str, admin: bool, thread_id: int
) -> tuple[MailingList, list[ArchivedPost]]:
    async with deps.uow() as uow:
        mailing_list = await _readable(deps, uow, list_id, reader, admin)
        posts = await uow.store.archive_thread(list_id, thread_id)
    if not posts:
        raise NotFound("Diesen Beitrag gibt es im Archiv nicht (mehr).")
    return mailing_list, posts


async def messages(
    deps: Deps, list_id: str, moderator: str, admin: bool = False
) -> tuple[MailingList, list[tuple[str, datetime, bytes]]]:
    """Every archived post as (sender, date, bytes), oldest first: the moderation's mbox download."""
    async with deps.uow() as uow:
        mailing_list = await get_list(uow, list_id)
        mailing_list.ensure_moderator(await uow.store.member(list_id, moderator), admin)
        return mailing_list, await uow.store.archive_messages(list_id)

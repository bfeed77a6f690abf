"""Personal mails other services write and ask us to send (`…mail.requested.v1`): survey links, training
confirmations, reminders. The producer writes the German subject and text; here they are sent as they are,
exactly once per event (inbox and a delivery row per event and recipient), by the same delivery worker,
retries and SMTP pool as every other mail.

Like the sign-in mail they are transactional (no list, no unsubscribe footer). Unlike it, the person did
not ask for them: so, as when a moderator adds someone to a list, an address on the suppression list
(blocked: the person objected, only the fingerprint is kept) gets nothing.
"""

from __future__ import annotations

from services.notifications.domain import addresses
from services.notifications.domain.errors import InvalidInput
from services.notifications.domain.lists import AuditEntry
from services.notifications.domain.news import SendPersonalMail
from services.notifications.service_layer.outgoing import blocked, mail_one
from services.notifications.service_layer.ports import Deps
from shared.errors import PermanentFailure
from shared.logging import get_logger

log = get_logger(__name__)

KIND = "persoenlich"  # the template: the producer's text, then its link
PERSONAL = ""  # the audit's list id for mails that belong to no list
AUDITED = "persoenliche_mail"
ATTACHMENT = ("einladung.ics", "text/calendar")  # mail.build adds "; method=PUBLISH; charset=utf-8" from the calendar
DEFAULT_LABEL = "Zum Link"


def absolute_link(deps: Deps, path: str) -> str:
    return f"{deps.public_url.rstrip('/')}/{path.lstrip('/')}" if path.strip() else ""


def _recipient(cmd: SendPersonalMail) -> tuple[str, str]:
    """The checked address (never retried: a wrong one stays wrong) and a name; a name that would break the
    To: header is left out rather than the mail."""
    try:
        address = addresses.address(cmd.to)
    except InvalidInput:
        raise PermanentFailure(f"Ungültige Empfängeradresse ({cmd.kind}, {cmd.reference or 'ohne Bezug'})") from None
    try:
        return address, addresses.display_name(cmd.to_name)
    except InvalidInput:
        return address, ""


async def send_personal_mail(cmd: SendPersonalMail, deps: Deps) -> None:
    address, name = _recipient(cmd)
    link = absolute_link(deps, cmd.link_path)
    context = {
        "subject": cmd.subject,
        "text": cmd.text.rstrip(),
        "link": link,
        "link_label": cmd.link_label or DEFAULT_LABEL,
    }
    attachments = ((*ATTACHMENT, cmd.ics.encode()),) if cmd.ics.strip() else ()
    async with deps.uow() as uow:
        if not await uow.claim(cmd.event):
            return
        if await blocked(deps, uow, address):
            log.info("mail.suppressed", kind=cmd.kind, reference=cmd.reference)  # the address is not logged
            await uow.commit()
            return
        await mail_one(
            deps,
            uow,
            KIND,
            event_id=cmd.event.event_id,
            to_address=address,
            to_name=name,
            context=context,
            attachments=attachments,
        )
        detail = f"{cmd.kind} {cmd.reference}".strip()
        await uow.store.audit(AuditEntry(PERSONAL, deps.now(), cmd.producer, AUDITED, address, detail))
        await uow.commit()

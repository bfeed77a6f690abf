"""The lists' inbox (issue 20): an LMTP server (aiosmtpd), as Mailman runs behind Postfix or Exim.

RCPT refuses an address that is no open list of ours at once (550: the MTA tells the sender). DATA answers one
line per recipient, as LMTP wants: 250 once the mail is safe in the database (distributed, held or kept with its
reason), 451 if the database was away (the MTA tries again; the post's key makes a second delivery harmless)."""

from __future__ import annotations

import asyncio

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import Envelope, Session

from services.notifications.service_layer import posts
from services.notifications.service_layer.ports import Deps
from shared.logging import get_logger

log = get_logger(__name__)
TRY_LATER = "451 4.3.0 Vorübergehend nicht möglich, bitte später erneut versuchen"


class ListInbox:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def handle_RCPT(self, server: LMTP, session: Session, envelope: Envelope, address: str, options: list) -> str:
        try:
            found = await posts.known_list(self.deps, address)
        except Exception:
            log.exception("lmtp.rcpt_failed")
            return TRY_LATER
        if found is None:
            return posts.UNKNOWN
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: LMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        answers = []
        for rcpt in envelope.rcpt_tos:
            try:
                answers.append(await posts.receive(self.deps, rcpt, envelope.mail_from or "", raw))
            except Exception:
                log.exception("lmtp.data_failed")
                answers.append(TRY_LATER)
        return "\r\n".join(answers)


async def serve(deps: Deps, host: str, port: int, max_bytes: int, started: asyncio.Event | None = None) -> None:
    """Serve until cancelled."""
    loop = asyncio.get_running_loop()
    inbox = ListInbox(deps)
    server = await loop.create_server(
        lambda: LMTP(inbox, data_size_limit=max_bytes, hostname=deps.mail_domain, ident="Beratungsnetz-Verteiler"),
        host,
        port,
    )
    log.info("lmtp.listening", host=host, port=port)
    if started is not None:
        started.set()
    try:
        await asyncio.Event().wait()
    finally:
        server.close()
        await server.wait_closed()

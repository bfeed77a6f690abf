"""Until bounce handling (issue 20, its own branch: VERP, DSN, scores, suspension) is merged: a mail to a bounce
address (`<list>-bounces[+…]@`) is kept with its reason, never lost. At the merge, `posts.receive` calls
`bounces.receive_bounce(deps, list_id, tail, mail_from, raw)` instead, with these same arguments."""

from __future__ import annotations

import hashlib

from services.notifications.service_layer.kept import keep
from services.notifications.service_layer.ports import Deps

REASON = "Bounce-Verarbeitung folgt"


async def receive_bounce(deps: Deps, list_id: str, tail: str, mail_from: str, raw: bytes) -> str:
    key = hashlib.sha256(b"bounce\x00" + list_id.encode() + b"\x00" + raw).hexdigest()[:40]
    recipient = f"{list_id}-bounces{'+' + tail if tail else ''}@{deps.mail_domain}"
    async with deps.uow() as uow:
        await keep(deps, uow, list_id, key, recipient[:320], mail_from or "<>", REASON, raw)
        await uow.commit()
    return "250 2.0.0 Angenommen"

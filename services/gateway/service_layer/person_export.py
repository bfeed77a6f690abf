"""Art. 15 GDPR across all services: ask every service what it holds about an address, add the gateway's own
records, and say which service did not answer — an incomplete export is never passed off as complete.

The mailing service and the register are asked first (at once); the names they keep with the address go to action
planning, whose work plan names responsible people by name only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from services.gateway.domain.person_records import SERVICES, Part, PersonExport, Record, gateway_records, not_answering
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.contracts.people import PersonQuery, PersonRecords
from shared.messaging.errors import RequestTooLarge, ServiceUnavailable


class Refused(Exception):
    """The mailing service refused the member's own link (invalid or expired): nothing is shown."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


async def _ask(client: Any, spec: Any, payload: Any, actor: str | None) -> PersonRecords | str:
    """The service's records, or the German sentence why there are none."""
    name = SERVICES[spec.producer]
    try:
        reply = await client.ask(spec, payload, actor=actor)
    except (ServiceUnavailable, RequestTooLarge):
        return not_answering(name)
    if not reply.ok:
        return f"Der Dienst „{name}“ konnte die Auskunft nicht geben ({reply.error.message}); sie ist unvollständig."
    return reply.data


def _part(producer: str, answer: PersonRecords | str) -> Part:
    if isinstance(answer, str):
        return Part(SERVICES[producer], problem=answer)
    found = [Record(x.kind, dict(x.data), x.purpose, x.retention) for x in answer.records]
    return Part(SERVICES[producer], found)


async def _own(tokens: Any, sessions: Any, address: str) -> Part:
    held = await sessions.held_about(address)
    found = gateway_records(address, await tokens.of_address(address), held.sessions, held.sign_ins, held.grants)
    return Part(SERVICES["gateway"], found)


async def compose(
    client: Any, tokens: Any, sessions: Any, now: Any, address: str, actor: str | None = None, first: Any = None
) -> PersonExport:
    """The export for `address`; `first`: the mailing service's answer when already asked (the member's link)."""
    query = PersonQuery(address=address)
    if first is None:
        first, registry = await asyncio.gather(
            _ask(client, n.PERSON_RECORDS, query, actor), _ask(client, r.PERSON_RECORDS, query, actor)
        )
    else:
        registry = await _ask(client, r.PERSON_RECORDS, query, actor)
    names = [x for a in (first, registry) if not isinstance(a, str) for x in a.names][:50]
    events = await _ask(client, e.PERSON_RECORDS, PersonQuery(address=address, names=names), actor)
    parts = [_part("notifications", first), _part("registry", registry), _part("events", events)]
    return PersonExport(address, now, [*parts, await _own(tokens, sessions, address)])


async def for_own_link(client: Any, tokens: Any, sessions: Any, now: Any, token: str) -> PersonExport:
    """The export for the address the member's "Meine Verteiler" link proves; the link is checked by the mailing
    service (which issued it), so nothing is asked of the others before it is known to be genuine."""
    try:
        reply = await client.ask(n.MY_PERSON_RECORDS, n.TokenInput(token=token))
    except (ServiceUnavailable, RequestTooLarge) as exc:
        raise Refused("nicht_erreichbar", not_answering(SERVICES["notifications"])) from exc
    if not reply.ok:
        raise Refused(reply.error.code, reply.error.message)
    return await compose(client, tokens, sessions, now, reply.data.address, reply.data.address, first=reply.data)

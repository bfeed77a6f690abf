"""An answer of the register as its reader may read it (domain/read_policy.py): the API and the web pages both pass
the registry's answers through `visible` before anything leaves the gateway."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.gateway.domain import read_policy as policy
from services.gateway.domain.read_policy import Reader
from shared.contracts import events as e
from shared.contracts import registry as r

Ask = Callable[[Any, Any], Awaitable[Any]]  # (spec, payload) -> the service's full answer
FILTERED = frozenset(
    s.subject
    for s in (r.OFFICE, r.OFFICES, r.GROUP, r.GROUPS, r.COVERAGE, r.OFFICE_HISTORY, r.QUALIFICATIONS, e.GROUPS)
)


async def visible(reader: Reader, spec: Any, payload: Any, data: Any, ask: Ask) -> Any:
    """`data`, the full answer to `spec`, reduced to what `reader` may see; `ask` fetches what the policy needs."""
    if reader.full or spec.subject not in FILTERED:
        return data
    if spec is r.OFFICE:
        return policy.office(reader, data)
    if spec is r.OFFICES:
        return policy.offices(reader, data)
    if spec is r.GROUP:
        return policy.group(reader, data)
    if spec is r.GROUPS:
        return policy.groups(reader, data)
    if spec is e.GROUPS:
        return policy.replica_groups(reader, data)
    if spec is r.COVERAGE:
        hidden = policy.hidden_names((await ask(r.OFFICES, r.ListQuery())).offices)
        return policy.coverage(reader, data, hidden)
    if spec is r.QUALIFICATIONS:
        return policy.qualifications(reader, data, (await ask(r.OFFICES, r.ListQuery())).offices)
    if spec is r.OFFICE_HISTORY:
        snapshot = await ask(r.OFFICE, r.OfficeRef(office_id=payload.office_id))
        return policy.history(reader, data, snapshot)
    return data

"""The unit of work the handlers depend on; adapters provide the real one, tests a fake."""

from __future__ import annotations

from typing import Any, Protocol, Self

from services.events.domain.commands import Received


class UnitOfWork(Protocol):
    groups: Any  # get / put / list(state) of GroupReplica
    actions: Any  # get / add / list / on_day(date) of Action
    items: Any  # get / add / list(plan) of WorkItem
    campaigns: Any  # get / put / list of CampaignReplica (the registry's survey campaigns, latest counts)
    reports: Any  # list(limit) / get(period_key) of the archived progress reports (their wire contract)
    trainings: Any  # get / add / list(status) of Training (issue 17)
    clock: Any  # the service's clock (shared.clock.Clock)
    blocked: Any  # key / fingerprint / block(fingerprint, at) / among(addresses) / holds(address): shared/db/blocked.py

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc_info: object) -> None: ...
    async def commit(self) -> None: ...
    def emit(self, event: object) -> None: ...
    async def once(self, key: str) -> bool:
        """Claim a key in this transaction; False if claimed before."""

    async def claim(self, event: Received) -> bool:
        """Record an incoming event as processed; False if it was."""

    async def claim_many(self, events: list[Received]) -> list[Received]:
        """Record a batch as processed; those that were not before, in order, each once."""

"""Action planning's unit of work: replica, actions, items, their events and the inbox in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite

from services.events.adapters import mapping, orm, trainings
from services.events.adapters.repository import (
    ActionRepository,
    CampaignRepository,
    GroupRepository,
    ReportArchive,
    WorkItemRepository,
)
from services.events.domain.events import ProgressCompiled
from shared.clock import Clock
from shared.db import Database
from shared.db.blocked import DEV_KEY, BlockedAddresses
from shared.db.unit_of_work import MessagingTables, SqlAlchemyUnitOfWork

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class EventsUnitOfWork(SqlAlchemyUnitOfWork):
    def __init__(
        self,
        database: Database,
        tables: MessagingTables,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        fingerprint_key: bytes = DEV_KEY,
    ) -> None:
        super().__init__(database, tables, on_commit)
        self.clock = clock  # time for once-keys and for the due dates in outgoing snapshots
        self._fingerprint_key = fingerprint_key  # shared.privacy.fingerprint_key of the service's secret

    def _start(self) -> None:
        self.groups = GroupRepository(self.session)
        self.actions = ActionRepository(self.session)
        self.items = WorkItemRepository(self.session)
        self.reports = ReportArchive(self.session)
        self.trainings = trainings.TrainingRepository(self.session)
        self.campaigns = CampaignRepository(self.session)
        self.blocked = BlockedAddresses(self.session, orm.blocked_addresses, self._fingerprint_key)
        self._emitted: list[object] = []

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    async def once(self, key: str) -> bool:
        """Claim `key` in this transaction; False if it was claimed before (by any instance)."""
        insert = _INSERT[self.session.get_bind().dialect.name]
        statement = insert(orm.once).values(key=key, done_at=self.clock.now()).on_conflict_do_nothing()
        return (await self.session.execute(statement)).rowcount == 1

    async def names(self) -> dict[str, str]:
        return {g.id: g.name for g in await self.groups.list()}

    def _collect_events(self) -> list[object]:
        collected, self._emitted = self._emitted, []
        for repo in (self.actions, self.items, self.trainings):
            for item in repo.items():
                collected.extend(item.events)
                item.events.clear()
        return collected

    async def commit(self) -> None:
        events = self._collect_events()
        for repo in (self.groups, self.actions, self.items, self.trainings):
            await repo.flush()
        names = await self.names() if events else {}
        for event in events:
            if isinstance(event, trainings.TRAINING_EVENTS):  # issue 17: dates and their mails
                await self.publish_event(trainings.event_contract(event, self.clock.now()))
                continue
            contract = mapping.event_contract(event, names, self.clock.today())
            if isinstance(event, ProgressCompiled):  # the board's archive keeps what was sent
                await self.reports.add(contract)
            await self.publish_event(contract)
        await super().commit()

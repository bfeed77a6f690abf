"""The registry's unit of work: aggregates, their events (via the outbox), the offices' history and the inbox in
one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.registry.adapters import campaign_mapping, mapping, orm
from services.registry.adapters.campaign_store import CampaignRepository, RecipientRepository
from services.registry.adapters.qualification_store import PersonQualificationRepository
from services.registry.adapters.repository import DistrictRepository, GroupRepository, OfficeRepository
from services.registry.domain.history import HistoryLine, describe
from services.registry.domain.offices import Office
from shared import context
from shared.clock import Clock
from shared.contracts import registry as c
from shared.db.blocked import DEV_KEY, BlockedAddresses
from shared.db.unit_of_work import SqlAlchemyUnitOfWork
from shared.privacy import without

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class OfficeHistoryLog:
    """The rows of `office_history`: written with the change, read newest first."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def add(self, lines: list[HistoryLine], at: Any, actor: str) -> None:
        rows = [
            {
                "office_id": line.office_id,
                "at": at,
                "actor": actor,
                "data": {"what": line.what, "details": list(line.details), "reason": line.reason},
            }
            for line in lines
        ]
        if rows:
            await self.session.execute(insert(orm.office_history), rows)

    async def of(self, office_id: str) -> list[c.OfficeHistoryEntry]:
        t = orm.office_history
        query = select(t).where(t.c.office_id == office_id).order_by(t.c.position.desc())
        return [
            c.OfficeHistoryEntry(at=row.at, actor=row.actor, **row.data)
            for row in (await self.session.execute(query)).all()
        ]

    async def forget(self, words: list[str]) -> int:
        """Erasure: every entry that names one of `words` (who did it, what was done) says "gelöschte Person" instead;
        what happened to the office stays readable."""
        t = orm.office_history
        touched = 0
        for row in (await self.session.execute(select(t.c.position, t.c.actor, t.c.data))).all():
            actor, data = (
                without(row.actor, words),
                json.loads(without(json.dumps(row.data, ensure_ascii=False), words)),
            )
            if (actor, data) != (row.actor, row.data):
                await self.session.execute(update(t).where(t.c.position == row.position).values(actor=actor, data=data))
                touched += 1
        return touched

    async def by_actor(self, address: str) -> list[dict]:
        t = orm.office_history
        query = select(t).where(func.lower(t.c.actor) == address.strip().casefold()).order_by(t.c.position)
        return [
            {"office_id": row.office_id, "at": row.at, "data": row.data}
            for row in (await self.session.execute(query)).all()
        ]


class RegistryUnitOfWork(SqlAlchemyUnitOfWork):
    def __init__(
        self,
        *args: Any,
        changed: Callable[[], None] = lambda: None,
        clock: Clock | None = None,
        fingerprint_key: bytes = DEV_KEY,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._changed = changed  # after every commit, events or not (e.g. the published directory goes stale)
        self._clock = clock or Clock()
        self._forgetting: list[str] = []  # an erasure's words: the history loses them at commit
        self._fingerprint_key = fingerprint_key  # shared.privacy.fingerprint_key of the service's secret

    def today(self) -> date | None:
        """The injected clock's date: the day an office opens or closes."""
        return self._clock.today()

    def now(self) -> datetime:
        """The injected clock's time (an erasure's note for the stream scrub)."""
        return self._clock.now()

    async def forget_person(self, words: Iterable[str], now: datetime) -> int:
        """Also the offices' history, once this commit has written its own lines."""
        self._forgetting = list(words)
        return await super().forget_person(self._forgetting, now)

    def _start(self) -> None:
        self.districts = DistrictRepository(self.session)
        self.groups = GroupRepository(self.session)
        self.offices = OfficeRepository(self.session)
        self.history = OfficeHistoryLog(self.session)
        self.people = PersonQualificationRepository(self.session)
        self.campaigns = CampaignRepository(self.session)
        self.recipients = RecipientRepository(self.session)
        self.blocked = BlockedAddresses(self.session, orm.blocked_addresses, self._fingerprint_key)
        self._emitted: list[object] = []

    async def once(self, key: str) -> bool:
        """Claim `key` in this transaction; False if it was claimed before (by any instance)."""
        insert_ = _INSERT[self.session.get_bind().dialect.name]
        t = orm.qualification_notices
        statement = insert_(t).values(key=key, done_at=self._clock.now()).on_conflict_do_nothing()
        return (await self.session.execute(statement)).rowcount == 1

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    def _collect_events(self) -> list[object]:
        collected, self._emitted = self._emitted, []
        for repo in (self.groups, self.offices):
            for item in repo.items():
                collected.extend(item.events)
                item.events.clear()
        return collected

    def _offices_as_loaded(self) -> dict[str, Office | None]:
        return {
            office_id: mapping.office_domain(c.OfficeSnapshot.model_validate(loaded)) if loaded else None
            for office_id, (_, loaded, _) in self.offices.seen.items()
        }

    async def commit(self) -> None:
        before = self._offices_as_loaded()
        for repo in (self.districts, self.groups, self.offices, self.campaigns, self.recipients):
            await repo.flush()
        lines = []
        for event in self._collect_events():
            await self.publish_event(campaign_mapping.event_contract(event) or mapping.event_contract(event))
            if (line := describe(event, before.get(getattr(getattr(event, "office", None), "id", "")))) is not None:
                lines.append(line)
        await self.history.add(lines, self._clock.now(), context.current().actor or "")
        if self._forgetting:  # after this commit's own lines, which may name the person too
            await self.history.forget(self._forgetting)
            self._forgetting = []
        await super().commit()
        self._changed()

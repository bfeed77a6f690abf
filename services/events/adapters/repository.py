"""Repositories of action planning: the group replica, actions and work-plan items."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from services.events.adapters import mapping, orm
from services.events.domain.actions import Action
from services.events.domain.campaigns import CampaignReplica
from services.events.domain.groups import GroupReplica
from services.events.domain.workplan import WorkItem
from shared.contracts import events as c
from shared.db.snapshots import SnapshotRepository


class GroupRepository(SnapshotRepository[GroupReplica]):
    table = orm.groups
    to_data = staticmethod(mapping.group_data)
    from_data = staticmethod(mapping.group_domain)

    def _columns(self, item: GroupReplica, data: dict) -> dict[str, Any]:
        return {"state": item.state}

    async def list(self, state: str | None = None) -> list[GroupReplica]:
        return await super().list(state=state)

    async def clear(self) -> None:
        await self.session.execute(delete(self.table))
        self.seen.clear()


class ActionRepository(SnapshotRepository[Action]):
    table = orm.actions
    to_data = staticmethod(lambda a: mapping.action_snapshot(a).model_dump(mode="json"))
    from_data = staticmethod(lambda data: mapping.action_domain(c.ActionSnapshot.model_validate(data)))

    def _columns(self, item: Action, data: dict) -> dict[str, Any]:
        start = item.schedule.start
        return {"organiser_group_id": item.organiser_group_id, "day": start.date() if start else None}

    async def list(self) -> list[Action]:
        return await super().list()

    async def on_day(self, day: date) -> list[Action]:
        """Actions starting on `day` (Berlin), from the index instead of all actions."""
        return await super().list(day=day)


class WorkItemRepository(SnapshotRepository[WorkItem]):
    table = orm.work_items
    to_data = staticmethod(lambda i: mapping.item_snapshot(i).model_dump(mode="json"))
    from_data = staticmethod(lambda data: mapping.item_domain(c.WorkItemSnapshot.model_validate(data)))

    def _columns(self, item: WorkItem, data: dict) -> dict[str, Any]:
        return {"plan": item.plan}

    async def list(self, plan: str | None = None) -> list[WorkItem]:
        return await super().list(plan=plan)


class ReportArchive:
    """The progress reports as compiled and sent (their wire contract), newest first."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def add(self, report: c.ProgressCompiledV1) -> None:
        values = {"period_key": report.period_key, "until": report.until, "data": report.model_dump(mode="json")}
        await self.session.execute(insert(orm.progress_reports).values(**values))

    async def list(self, limit: int) -> list[c.ProgressCompiledV1]:
        t = orm.progress_reports
        rows = await self.session.execute(select(t.c.data).order_by(t.c.until.desc(), t.c.period_key).limit(limit))
        return [c.ProgressCompiledV1.model_validate(row.data) for row in rows]

    async def get(self, period_key: str) -> c.ProgressCompiledV1 | None:
        t = orm.progress_reports
        row = (await self.session.execute(select(t.c.data).where(t.c.period_key == period_key))).first()
        return c.ProgressCompiledV1.model_validate(row.data) if row else None


class CampaignRepository:
    """The replica of the registry's survey campaigns: one row per campaign, written at once (an upsert)."""

    _INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

    def __init__(self, session: Any) -> None:
        self.session = session

    async def get(self, campaign_id: str) -> CampaignReplica | None:
        t = orm.campaigns
        row = (await self.session.execute(select(t).where(t.c.id == campaign_id))).first()
        return CampaignReplica(**row._mapping) if row else None

    async def put(self, campaign: CampaignReplica) -> None:
        values = {name: getattr(campaign, name) for name in orm.campaigns.c.keys()}
        statement = self._INSERT[self.session.get_bind().dialect.name](orm.campaigns).values(**values)
        changed = {k: v for k, v in values.items() if k != "id"}
        await self.session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=changed))

    async def list(self) -> list[CampaignReplica]:
        t = orm.campaigns
        rows = await self.session.execute(select(t).order_by(t.c.ends_on, t.c.title, t.c.id))
        return [CampaignReplica(**row._mapping) for row in rows]

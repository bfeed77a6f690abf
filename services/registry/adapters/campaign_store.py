"""Repositories of survey campaigns and their recipients (with answers), stored as snapshots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.registry.adapters import campaign_mapping as m
from services.registry.adapters import orm
from services.registry.domain.campaigns import Campaign, Recipient
from shared.db.snapshots import SnapshotRepository


class CampaignRepository(SnapshotRepository[Campaign]):
    table = orm.campaigns
    to_data = staticmethod(m.campaign_data)
    from_data = staticmethod(m.campaign_domain)

    def _columns(self, item: Campaign, data: dict) -> dict[str, Any]:
        return {"state": item.state}

    async def list(self, state: str | None = None) -> list[Campaign]:
        return await super().list(state=state)


class RecipientRepository(SnapshotRepository[Recipient]):
    table = orm.survey_recipients
    to_data = staticmethod(m.recipient_data)
    from_data = staticmethod(m.recipient_domain)

    def _columns(self, item: Recipient, data: dict) -> dict[str, Any]:
        return {"campaign_id": item.campaign_id, "email": item.email.casefold()}

    async def of_campaign(self, campaign_id: str) -> list[Recipient]:
        return sorted(await super().list(campaign_id=campaign_id), key=lambda r: (r.office_name, r.name, r.id))

    async def with_address(self, address: str) -> list[Recipient]:
        return await super().list(email=address.casefold())

    async def addresses(self) -> list[str]:
        t = self.table
        return list((await self.session.execute(select(t.c.email).distinct())).scalars())

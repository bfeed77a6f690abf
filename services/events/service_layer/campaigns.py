"""Keep the replica of the registry's survey campaigns up to date (event-carried state transfer)."""

from __future__ import annotations

from services.events.domain.campaigns import CampaignReplica
from services.events.domain.commands import FollowCampaign
from services.events.service_layer.unit_of_work import UnitOfWork


def replica_of(follow: FollowCampaign) -> CampaignReplica:
    return CampaignReplica(
        follow.campaign_id,
        follow.title,
        follow.kind,
        follow.starts_on,
        follow.ends_on,
        follow.recipients,
        follow.answered,
        follow.occurred_at,
    )


async def apply_campaign_event(follow: FollowCampaign, uow: UnitOfWork) -> bool:
    """Apply one campaign event exactly once (the later counts win); False if it was already processed."""
    async with uow:
        if not await uow.claim(follow.event):
            return False
        incoming = replica_of(follow)
        current = await uow.campaigns.get(follow.campaign_id)
        await uow.campaigns.put(incoming if current is None else current.after(incoming))
        await uow.commit()
    return True

"""What action planning knows of the registry's survey campaigns: a replica built only from events, for the
progress report's response rates.

Each `registry.campaign.progressed.v1` carries the campaign's counts at that moment; the one that happened
later (by `occurred_at`) wins, so redelivery, replay and reordering are harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class CampaignReplica:
    id: str
    title: str
    kind: str
    starts_on: date
    ends_on: date
    recipients: int
    answered: int
    occurred_at: datetime  # when the registry counted this state

    def after(self, incoming: CampaignReplica) -> CampaignReplica:
        """The replica once `incoming` is processed: taken if it happened later, else old news."""
        return incoming if incoming.occurred_at > self.occurred_at else self

    @property
    def rate_percent(self) -> int:
        """Answered per hundred recipients, rounded down; 0 without recipients."""
        return self.answered * 100 // self.recipients if self.recipients > 0 else 0

    def runs_within(self, first: date, last: date) -> bool:
        """Running on some day from `first` to `last` (so also: ended within them)."""
        return self.starts_on <= last and self.ends_on >= first


@dataclass(frozen=True)
class CampaignLine:
    """A campaign as the progress report names it."""

    campaign_id: str
    title: str
    ends_on: date
    recipients: int
    answered: int
    rate_percent: int


def campaign_lines(campaigns: Iterable[CampaignReplica], first: date, last: date) -> tuple[CampaignLine, ...]:
    """The campaigns running on a day from `first` to `last` (Berlin days of the report's period), the one ending
    first first."""
    found = sorted((c for c in campaigns if c.runs_within(first, last)), key=lambda c: (c.ends_on, c.title, c.id))
    return tuple(CampaignLine(c.id, c.title, c.ends_on, c.recipients, c.answered, c.rate_percent) for c in found)

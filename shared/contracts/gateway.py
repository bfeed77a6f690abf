"""Wire contracts produced by the gateway service."""

from __future__ import annotations

from shared.contracts.catalogue import query
from shared.contracts.system import HealthReply, HealthRequest

HEALTH = query("gateway", "health", HealthRequest, HealthReply)

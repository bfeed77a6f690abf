"""Wire contracts produced by the notifications service."""

from __future__ import annotations

from shared.contracts.catalogue import dead_letters, query
from shared.contracts.system import HealthReply, HealthRequest

HEALTH = query("notifications", "health", HealthRequest, HealthReply)
DEAD_LETTERS = dead_letters("notifications")

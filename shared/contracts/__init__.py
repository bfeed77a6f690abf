"""Wire contracts, written once and owned by their producer.

Importing this package registers every producer's contracts in `CATALOGUE`.
"""

from shared.contracts import events, gateway, notifications, registry
from shared.contracts.catalogue import CATALOGUE, EventSpec, RequestSpec
from shared.contracts.envelope import Contract, Envelope, ErrorDetail, EventPayload, Reply

PRODUCERS = {"registry": registry, "notifications": notifications, "events": events, "gateway": gateway}

__all__ = [
    "CATALOGUE",
    "PRODUCERS",
    "Contract",
    "Envelope",
    "ErrorDetail",
    "EventPayload",
    "EventSpec",
    "Reply",
    "RequestSpec",
]

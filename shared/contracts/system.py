"""Contracts every service speaks alike: health, and the headers of a dead letter."""

from __future__ import annotations

from shared.contracts.envelope import Contract


class HealthRequest(Contract):
    pass


class HealthReply(Contract):
    service: str
    status: str  # "ok" or "beeinträchtigt"
    version: str
    checks: dict[str, str] = {}
    instance: str = ""  # the process's INSTANCE_ID: proves to `beratungsnetz up` that its own child answered


class DeadLetterHeaders:
    """Header names a dead letter carries beside the original headers and body."""

    REASON = "Bn-Deadletter-Reason"
    CODE = "Bn-Deadletter-Code"  # invalid_message | exhausted | permanent
    ORIGINAL_SUBJECT = "Bn-Original-Subject"
    STREAM = "Bn-Original-Stream"
    STREAM_SEQUENCE = "Bn-Original-Stream-Seq"
    CONSUMER = "Bn-Consumer"
    DELIVERIES = "Bn-Deliveries"

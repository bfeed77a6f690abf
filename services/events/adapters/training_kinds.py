"""The wire's training kinds (`TRAINING_KINDS`) as the domain's `Kind`: one translation for requests and storage."""

from __future__ import annotations

from services.events.domain.trainings import Kind
from shared.contracts import events as c


def kind_of(key: str) -> Kind:
    k = c.TRAINING_KINDS[key]
    return Kind(k.key, k.label, k.qualifies_for, k.valid_months)

"""Qualifications: domain objects ↔ wire contracts (the table is in qualification_store.py)."""

from __future__ import annotations

from services.registry.domain import coverage as cov
from services.registry.domain import qualifications as q
from shared.contracts import registry as c
from shared.contracts.envelope import EventPayload


def qualification_contract(r: q.Qualification) -> c.QualificationV1:
    return c.QualificationV1(
        name=r.name,
        email=r.email,
        qualifies_for=r.qualifies_for,
        until=r.until,
        status=r.status,
        office_id=r.office_id,
        office_name=r.office_name,
        counsellor_id=r.counsellor_id,
        last_training=r.last_training.title if r.last_training else "",
        last_training_on=r.last_training.on if r.last_training else None,
    )


def finding_contract(f: cov.Finding) -> c.CoverageFinding:
    return c.CoverageFinding(kind=f.kind, subject_id=f.subject_id, name=f.name, detail=f.detail)


def qualification_event(event: object) -> EventPayload | None:
    """The wire contract of a qualification's domain event; None for any other event."""
    if isinstance(event, q.QualificationExpiring):
        return c.QualificationExpiringV1(**vars(event))
    if isinstance(event, q.OfficeMailRequested):
        return c.RegistryMailRequestedV1(**vars(event))
    return None

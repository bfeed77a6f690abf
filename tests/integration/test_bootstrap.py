"""Each service's composition root wires its subscribers without any I/O; their subjects come from contracts.

Moved from tests/unit/test_contracts.py: it builds every service (the gateway with its FastAPI app), which
takes longer than the whole unit suite may.
"""

from __future__ import annotations

import importlib

import pytest

from shared.contracts import CATALOGUE


@pytest.mark.parametrize("service", ["registry", "notifications", "events", "gateway"])
def test_every_subject_a_service_subscribes_to_has_exactly_one_contract(service: str) -> None:
    """Bootstrapping wires the subscribers without any I/O; their subjects come from contracts."""
    bootstrap = importlib.import_module(f"services.{service}.bootstrap").bootstrap
    built = bootstrap()
    broker = built.broker if hasattr(built, "broker") else built.state.broker
    subjects = [s.subject.broker_address for s in broker.subscribers]
    subjects += [c.subject for c in getattr(built, "consumers", [])]  # event consumers, attached at start
    assert f"{service}.query.health" in subjects
    for subject in subjects:
        if subject.startswith("$JS."):
            continue  # NATS's own subjects (advisories), not ours to contract
        assert len(CATALOGUE.lookup(subject)) == 1, subject

"""Wire contracts: the envelope, tolerant readers, and one contract for every subject in use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared.contracts import CATALOGUE, PRODUCERS, Envelope, EventSpec, Reply, RequestSpec
from shared.contracts.catalogue import EVENT_SUBJECT, REQUEST_SUBJECT, Catalogue, ContractError, DeadLetterSpec
from shared.contracts.registry import Coordinator, GroupFormedV1


def test_every_contract_follows_the_subject_scheme_and_lives_with_its_producer() -> None:
    for spec in CATALOGUE.specs():
        assert len(CATALOGUE.lookup(spec.subject)) == 1
        if isinstance(spec, EventSpec):
            assert EVENT_SUBJECT.match(spec.subject)
            assert spec.payload.__module__ == PRODUCERS[spec.producer].__name__
        elif isinstance(spec, RequestSpec):
            assert REQUEST_SUBJECT.match(spec.subject)
        else:
            assert isinstance(spec, DeadLetterSpec) and spec.subject == f"deadletter.{spec.producer}.>"
    for service in PRODUCERS:
        assert CATALOGUE.lookup(f"{service}.query.health"), service


def test_a_subject_cannot_be_declared_twice() -> None:
    catalogue = Catalogue()
    spec = EventSpec("registry.group.formed.v1", "registry", GroupFormedV1)
    catalogue.add(spec)
    with pytest.raises(ContractError, match="bereits vergeben"):
        catalogue.add(spec)


@pytest.mark.parametrize("subject", ["registry.group.formed", "Registry.group.formed.v1", "fremd.group.formed.v1"])
def test_subjects_off_the_scheme_match_nothing(subject: str) -> None:
    assert not EVENT_SUBJECT.match(subject)


def test_envelope_round_trip_keeps_every_field() -> None:
    payload = GroupFormedV1(group_id="g-1", name="Vogtland", state="SN", coordinator=Coordinator(name="Anna"))
    envelope = Envelope.wrap(payload, actor="landesbuero", causation_id="c-0")
    again = Envelope[GroupFormedV1].model_validate_json(envelope.model_dump_json())
    assert again == envelope
    assert again.subject == "registry.group.formed.v1"
    assert again.correlation_id == str(envelope.event_id)  # a new trail starts at its first event
    assert (again.type, again.version, again.producer) == ("group.formed", 1, "registry")


def test_reader_tolerates_fields_it_does_not_know() -> None:
    envelope = Envelope.wrap(GroupFormedV1(group_id="g-1", name="Vogtland", state="SN"))
    data = envelope.model_dump(mode="json")
    data["neues_feld"] = 1
    data["payload"]["farbe"] = "rot"
    assert Envelope[GroupFormedV1].model_validate(data).payload.name == "Vogtland"


def test_occurred_at_must_carry_a_zone_and_is_kept_in_utc() -> None:
    base = Envelope.wrap(GroupFormedV1(group_id="g", name="G", state="SN")).model_dump()
    with pytest.raises(ValidationError):
        Envelope[GroupFormedV1].model_validate({**base, "occurred_at": datetime(2026, 11, 21, 12, 0)})
    berlin = datetime(2026, 11, 21, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    parsed = Envelope[GroupFormedV1].model_validate({**base, "occurred_at": berlin})
    assert parsed.occurred_at.utcoffset() == timedelta(0) and parsed.occurred_at.hour == 12


def test_reply_is_either_data_or_a_typed_error() -> None:
    failure = Reply.failure("nicht_gefunden", "Gruppe nicht gefunden.", {"group_id": "unbekannt"})
    parsed = Reply[GroupFormedV1].model_validate_json(failure.model_dump_json())
    assert not parsed.ok and parsed.data is None
    assert parsed.error.code == "nicht_gefunden" and parsed.error.fields == {"group_id": "unbekannt"}

"""Wire contracts: the envelope, tolerant readers, and one contract for every subject in use."""

from __future__ import annotations

import ast
import functools
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.contracts import CATALOGUE, PRODUCERS, Envelope, EventSpec, Reply, RequestSpec
from shared.contracts.catalogue import EVENT_SUBJECT, REQUEST_SUBJECT, Catalogue, ContractError, DeadLetterSpec
from shared.contracts.registry import Coordinator, GroupFormedV1

ROOT = Path(__file__).resolve().parents[2]
SUBJECT_LITERAL = re.compile(r"^(registry|notifications|events|gateway|deadletter)(\.[a-z0-9_*>-]+){2,}$")
# Where such a constant can begin in source text: after a quote, or after "}" inside an f-string. Only files
# that have one are parsed (a tenth of them), which keeps this check fast enough for the unit suite.
SUBJECT_START = re.compile(r"""['"}](registry|notifications|events|gateway|deadletter)\.""")


@functools.cache
def subject_literals() -> dict[str, list[str]]:
    """Every string constant in our code that looks like a NATS subject, with where it stands."""
    found: dict[str, list[str]] = {}
    for path in (
        p for top in ("services", "shared", "beratungsnetz", "tests", "bench") for p in ROOT.glob(f"{top}/**/*.py")
    ):
        if path == Path(__file__).resolve():
            continue  # this file holds deliberately wrong subjects
        source = path.read_text()
        if not SUBJECT_START.search(source):
            continue
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SUBJECT_LITERAL.match(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def covered_by(pattern: str) -> list[str]:
    """Catalogued subjects a NATS filter (with * or >) matches."""
    regex = re.escape(pattern).replace(r"\*", r"[^.]+").replace(">", r".+")
    return [s.subject for s in CATALOGUE.specs() if re.fullmatch(regex, s.subject)]


def test_every_subject_used_in_code_has_exactly_one_contract() -> None:
    literals = subject_literals()
    subjects = {s: where for s, where in literals.items() if "*" not in s and ">" not in s}
    unknown = {s: where for s, where in subjects.items() if len(CATALOGUE.lookup(s)) != 1}
    assert unknown == {}, f"Subjects ohne (genau einen) Vertrag: {unknown}"


def test_every_filter_used_in_code_covers_contracted_subjects() -> None:
    filters = {s: where for s, where in subject_literals().items() if "*" in s or ">" in s}
    empty = {f: where for f, where in filters.items() if not covered_by(f) and not CATALOGUE.lookup(f)}
    assert empty == {}, f"Filter ohne Vertrag dahinter: {empty}"
    assert covered_by("registry.group.>") and not covered_by("registry.gruppe.>")


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

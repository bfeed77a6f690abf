"""Status and kind words are StrEnums in the register's domain; on the wire they stay the German strings."""

from __future__ import annotations

import json
from datetime import date
from typing import get_args

from services.registry.adapters import mapping
from services.registry.domain.coverage import TITLES, FindingKind, coverage
from services.registry.domain.offices import NEW_STATUSES, OPERATOR_KINDS, Office, OfficeStatus, OperatorKind
from services.registry.domain.regions import District, DistrictKind, GroupStatus, RegionalGroup
from services.registry.service_layer.importer import plan_row
from services.registry.service_layer.office_csv import read_rows
from shared.contracts import registry as c
from tests.unit.registry.builders import details


def test_the_enums_hold_exactly_the_wire_words() -> None:
    assert [s.value for s in OfficeStatus] == list(get_args(c.OfficeStatus))
    assert [s.value for s in OfficeStatus] == ["geplant", "aktiv", "pausiert", "geschlossen"]
    assert [s.value for s in NEW_STATUSES] == list(get_args(c.RegisterOffice.model_fields["status"].annotation))
    assert [s.value for s in GroupStatus] == list(get_args(c.GroupStatus)) == ["aktiv", "zusammengelegt", "aufgeloest"]
    assert [k.value for k in DistrictKind] == list(get_args(c.DistrictKind)) == ["kreisverband", "bezirk"]
    assert list(get_args(c.AddDistrict.model_fields["kind"].annotation)) == list(get_args(c.DistrictKind))
    (operator_literal, *_) = get_args(c.OperatorKind)
    assert [k.value for k in OperatorKind] == list(get_args(operator_literal)) == list(OPERATOR_KINDS)
    assert [k.value for k in FindingKind] == list(get_args(c.FindingKind)) == list(TITLES)


def test_snapshots_carry_the_german_strings_and_read_back_as_members() -> None:
    office = Office.register("o1", details(operator_kind="Partner"), "geplant", (), None)
    assert office.status is OfficeStatus.PLANNED and office.details.operator_kind is OperatorKind.PARTNER
    office.pause()
    wire = json.loads(mapping.office_snapshot(office).model_dump_json())
    assert (wire["status"], wire["operator_kind"]) == ("pausiert", "partnerorganisation")
    back = mapping.office_domain(c.OfficeSnapshot.model_validate(wire))
    assert back.status is OfficeStatus.PAUSED and back.details.operator_kind is OperatorKind.PARTNER

    group, other = (
        RegionalGroup.form("g1", "Vogtland", "SN", None, ()),
        RegionalGroup.form("g2", "Plauen", "SN", None, ()),
    )
    group.absorb([other])
    merged = json.loads(mapping.group_snapshot(other).model_dump_json())
    assert (merged["status"], merged["merged_into"]) == ("zusammengelegt", "g1")
    assert mapping.group_domain(c.GroupSnapshot.model_validate(merged)).status is GroupStatus.MERGED
    group.dissolve()
    assert json.loads(mapping.group_snapshot(group).model_dump_json())["status"] == "aufgeloest"

    district = District("d1", "Hamburg-Nord", "HH", DistrictKind.BOROUGH)
    wire = json.loads(mapping.district_snapshot(district).model_dump_json())
    assert wire["kind"] == "bezirk"
    assert mapping.district_domain(c.DistrictSnapshot.model_validate(wire)).kind is DistrictKind.BOROUGH


def test_findings_and_imported_rows_use_the_members() -> None:
    district = District("d1", "Vogtland", "SN")
    (finding,) = coverage([district], [], date(2026, 12, 1))
    assert finding.kind is FindingKind.UNCOVERED_DISTRICT and finding.kind == "kreis_ohne_stelle"
    rows, _ = read_rows(
        "Name;Trägerart;Träger;Straße;PLZ;Ort;Status\nStelle;Parteibüro;Die Partei;Weg 1;08523;Plauen;Pausiert\n"
    )
    planned = plan_row(rows[0], [district])
    assert planned.status is OfficeStatus.PAUSED

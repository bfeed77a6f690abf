"""Coverage findings and what the public directory may show."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.registry.domain.coverage import as_text, coverage
from services.registry.domain.directory import directory
from services.registry.domain.hours import ByAppointment
from services.registry.domain.offices import Counsellor, Office, Supervision, Training
from services.registry.domain.regions import District
from tests.unit.registry.builders import details

TODAY = date(2026, 11, 21)
LEIPZIG, PLAUEN, ZWICKAU = (
    District("kv-l", "Leipzig", "SN"),
    District("kv-p", "Vogtland", "SN"),
    District("kv-z", "Zwickau", "SN"),
)


def office(office_id: str, district: str, status: str = "aktiv", **kwargs: object) -> Office:
    return Office(office_id, details(name=f"Stelle {office_id}", district_id=district), status, **kwargs)


def test_coverage_finds_every_kind_of_gap() -> None:
    fresh = Counsellor("c1", "Anna", trainings=(Training(date(2026, 9, 1), "Auffrischung"),))
    stale = Counsellor("c2", "Bernd", trainings=(Training(date(2025, 11, 1), "Grundkurs"),))
    untrained = Counsellor("c3", "Clara")
    ok_supervision = Supervision("RA Muster", True, date(2025, 1, 1))
    offices = [
        office("good", "kv-l", counsellors=(fresh,), supervision=ok_supervision),
        office(
            "gaps", "kv-p", counsellors=(stale, untrained), supervision=Supervision("RA X", False, date(2026, 1, 1))
        ),
        replace(office("appointment-only", "kv-p", counsellors=(fresh,), supervision=ok_supervision)),
        office("closed", "kv-z", status="geschlossen"),
    ]
    offices[2].details = replace(offices[2].details, hours=(ByAppointment(),))
    found = {(f.kind, f.subject_id) for f in coverage([LEIPZIG, PLAUEN, ZWICKAU], offices, TODAY)}
    assert found == {
        ("kreis_ohne_stelle", "kv-z"),  # only a closed office there
        ("ohne_rdg_aufsicht", "gaps"),  # qualification not confirmed
        ("ohne_schulung", "gaps"),
        ("schulung_veraltet", "gaps"),  # last training more than six months ago
        ("ohne_sprechzeiten", "appointment-only"),
    }
    text = as_text(coverage([LEIPZIG, PLAUEN, ZWICKAU], offices, TODAY), TODAY)
    assert "Abdeckungsbericht vom 21.11.2026" in text and "Zwickau: Sachsen" in text
    assert "Bernd (zuletzt 01.11.2025)" in text


def test_directory_shows_public_offices_and_only_consenting_names() -> None:
    counsellors = (Counsellor("c1", "Anna Öffentlich", publish_name=True), Counsellor("c2", "Bernd Privat"))
    offices = [
        office("a", "kv-l", counsellors=counsellors, supervision=Supervision("RA Geheim", True, date(2026, 1, 1))),
        office("b", "kv-p", status="pausiert"),
        office("c", "kv-p", status="geplant"),
        office("d", "kv-z", status="geschlossen"),
    ]
    public = directory(offices, {d.id: d for d in (LEIPZIG, PLAUEN, ZWICKAU)})
    assert [p.id for p in public] == ["a", "b"]
    assert public[0].counsellors == ("Anna Öffentlich",) and public[0].supervised
    assert public[0].state == "Sachsen" and public[0].district == "Leipzig"
    assert public[1].paused
    assert "RA Geheim" not in repr(public) and "Bernd Privat" not in repr(public)

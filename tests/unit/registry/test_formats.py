"""The public directory's formats: HSDS 3.1 (validated), iCalendar (expanded across DST), HTML, CSV."""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import icalendar
import pytest
import recurring_ical_events
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services.registry.adapters import calendar, formats, hsds, html
from services.registry.domain.directory import directory
from services.registry.domain.offices import Counsellor, Office, Supervision
from services.registry.domain.regions import District
from services.registry.service_layer.office_csv import read_rows
from shared.clock import BERLIN
from tests.support import brief_file
from tests.unit.registry.builders import details

HSDS = "reference/hsds-3.1/schema"  # the team's reference data beside the checkout, never copied into the project
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/"  # as openapi.json refers
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def offices():
    district = District("kv-p", "Vogtland", "SN")
    plauen = Office(
        "5f0e5a8e-3c1f-4d55-a0f4-1b2c3d4e5f60",
        details(
            hours=["dienstags 14–17 Uhr", "jeden 1. Montag im Monat 16–18 Uhr", "nach Vereinbarung"],
            languages=["Deutsch", "Russisch"],
            district_id="kv-p",
            web="example.org/plauen",
        ),
        counsellors=(Counsellor("c1", "Anna Öffentlich", publish_name=True), Counsellor("c2", "Bernd Privat")),
        supervision=Supervision("RA Geheim", True, date(2025, 3, 1)),
    )
    paused = Office(
        "0b7e2f1a-9c8d-4e6f-8a7b-6c5d4e3f2a10", details(name="Stelle Aue", postcode="08280", city="Aue"), "pausiert"
    )
    return directory([plauen, paused], {"kv-p": district})


@functools.cache  # the schemas are read once for all tests
def validator(name: str) -> Draft202012Validator:
    path = brief_file(f"{HSDS}/compiled/{name}")
    return Draft202012Validator(json.loads(path.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache  # read once for all three collections
def openapi_and_schemas() -> tuple[dict, Registry]:
    """HSDS 3.1's openapi.json, and a registry of the reference schemas its $refs lead to (a `_list` record to the
    full one: we send it nested)."""
    openapi_file = brief_file(f"{HSDS}/openapi.json")
    folder, registry = openapi_file.parent, Registry()
    for file in [*folder.glob("*.json"), *(folder / "compiled").glob("*.json")]:  # compiled ones win
        if file.name != "openapi.json":
            resource = Resource.from_contents(json.loads(file.read_text()), default_specification=DRAFT202012)
            registry = registry.with_resources(
                [(REMOTE + file.name, resource), (f"{REMOTE}{file.stem}_list.json", resource)]
            )
    return json.loads(openapi_file.read_text()), registry


@functools.cache
def page_validator(api_path: str) -> Draft202012Validator:
    """The 200 answer of an HSDS 3.1 API listing as its openapi.json defines it, with `contents` and every `Page`
    field required."""
    openapi, registry = openapi_and_schemas()
    answer = openapi["paths"][api_path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    required = ["contents", *openapi["components"]["schemas"]["Page"]["properties"]]
    schema = answer | {"required": required, "components": openapi["components"]}  # "#/components/…" resolves here
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(check: Draft202012Validator, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(document)]


def test_hsds_records_validate_against_the_compiled_31_schemas(offices) -> None:
    services = [hsds.record(offices, "services", o.id) for o in offices]
    organizations = hsds.page(offices, "organizations", 1, 100)["contents"]
    for kind, items in (("organization.json", organizations), ("service.json", services)):
        schema = validator(kind)
        for item in items:
            assert problems(schema, item) == []
    aue, service = services  # sorted by city
    assert service["status"] == "active" and aue["status"] == "temporarily closed"
    assert [s.get("byday") for s in service["schedules"]] == ["TU", "1MO", None]
    assert service["rdg_supervision"] == {"supervised": True, "since": "2025-03-01"}
    assert [c["name"] for c in service["contacts"]] == ["Anna Öffentlich"]
    assert service["service_at_locations"][0]["location"]["addresses"][0]["state_province"] == "Sachsen"
    everything = json.dumps([services, organizations])
    assert "RA Geheim" not in everything and "Bernd Privat" not in everything


def test_a_broken_hsds_record_is_caught_by_the_validator(offices) -> None:
    service = hsds.record(offices, "services", offices[1].id) | {"status": "offen"}
    assert list(validator("service.json").iter_errors(service))


@pytest.fixture
def four_offices(offices):
    """Four services of three operators (organizations), so each collection has a page in the middle."""
    more = [
        Office(
            f"1b7e2f1a-9c8d-4e6f-8a7b-6c5d4e3f2a1{i}",
            details(name=f"Stelle {i}", operator_name=f"Träger {i}", city=city),
        )
        for i, city in ((1, "Zwickau"), (2, "Zwönitz"))
    ]
    return offices + directory(more, {})


@pytest.mark.parametrize(("collection", "total"), [("services", 4), ("organizations", 3), ("service_at_locations", 4)])
def test_hsds_pages_are_the_page_of_the_hsds_31_api_with_contents(four_offices, collection: str, total: int) -> None:
    check = page_validator(f"/{collection}")
    first, middle, past = (hsds.page(four_offices, collection, n, 1) for n in (1, 2, total + 1))
    for page in (first, middle, past):
        assert problems(check, page) == [], page
    fields = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
    assert [first[f] for f in fields] == [total, total, 1, 1, True, False, False]
    assert [middle[f] for f in fields] == [total, total, 2, 1, False, False, False]
    assert [past[f] for f in fields] == [total, total, total + 1, 0, False, True, True] and past["contents"] == []
    assert first["contents"][0]["id"] != middle["contents"][0]["id"]
    last = hsds.page(four_offices, collection, 2, total - 1)  # `size` counts what is on the page, not the limit
    assert (last["size"], len(last["contents"]), last["last_page"], last["total_pages"]) == (1, 1, True, 2)
    old_wrapper = {k: v for k, v in first.items() if k != "contents"} | {collection: first["contents"]}
    assert problems(check, old_wrapper) == [": 'contents' is a required property"]


def test_an_hsds_record_is_found_by_its_id_and_an_unknown_id_is_none(four_offices) -> None:
    for collection in hsds.COLLECTIONS:
        for item in hsds.page(four_offices, collection, 1, 100)["contents"]:
            assert hsds.record(four_offices, collection, item["id"]) == item
        assert hsds.record(four_offices, collection, "gibt-es-nicht") is None


def occurrences(ics: bytes, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    cal = icalendar.Calendar.from_ical(ics)
    return sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in recurring_ical_events.of(cal).between(start, end))


def test_ics_expands_weekly_and_monthly_hours_to_berlin_times_across_clock_changes(offices) -> None:
    ics = calendar.consultation_calendar(offices, date(2026, 1, 1), STAMP, "Sprechzeiten")
    # Tuesdays around the March change (29.03.2026) and the October change (25.10.2026).
    tuesdays = occurrences(ics, datetime(2026, 3, 23, tzinfo=BERLIN), datetime(2026, 4, 4, tzinfo=BERLIN))
    tuesdays += occurrences(ics, datetime(2026, 10, 19, tzinfo=BERLIN), datetime(2026, 10, 31, tzinfo=BERLIN))
    weekly = [(s, e) for s, e in tuesdays if s.weekday() == 1]
    assert [(s.date(), s.hour, e.hour) for s, e in weekly] == [
        (date(2026, 3, 24), 14, 17),
        (date(2026, 3, 31), 14, 17),
        (date(2026, 10, 20), 14, 17),
        (date(2026, 10, 27), 14, 17),
    ]
    assert [s.utcoffset().total_seconds() / 3600 for s, _ in weekly] == [1, 2, 2, 1]  # CET, CEST, CEST, CET
    assert [s.astimezone(UTC).hour for s, _ in weekly] == [13, 12, 12, 13]

    mondays = [
        s
        for s, _ in occurrences(ics, datetime(2026, 3, 1, tzinfo=BERLIN), datetime(2026, 11, 30, tzinfo=BERLIN))
        if s.weekday() == 0
    ]
    assert [s.date() for s in mondays] == [
        date(2026, m, d) for m, d in ((3, 2), (4, 6), (5, 4), (6, 1), (7, 6), (8, 3), (9, 7), (10, 5), (11, 2))
    ]
    assert {(s.hour, s.minute) for s in mondays} == {(16, 0)}
    assert [s.astimezone(UTC).hour for s in mondays] == [15, 14, 14, 14, 14, 14, 14, 14, 15]


def test_ics_has_a_timezone_and_leaves_out_appointments_and_paused_offices(offices) -> None:
    cal = icalendar.Calendar.from_ical(calendar.consultation_calendar(offices, date(2026, 1, 1), STAMP, "Sprechzeiten"))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert len(cal.walk("VEVENT")) == 2 and {str(e["SUMMARY"]) for e in cal.walk("VEVENT")} == {
        "Sozialberatung: Sozialberatung im Bürgerbüro Plauen"
    }


def test_html_is_german_accessible_escaped_and_printable(offices) -> None:
    offices[0] = offices[0].__class__(**{**vars(offices[0]), "access_notes": "<script>alert(1)</script>"})
    page = html.directory_page(offices, STAMP, "Sozialberatungsstellen")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "@media print" in page and 'href="#inhalt"' in page
    assert "Die Beratung ist derzeit pausiert." in page
    assert "dienstags 14:00–17:00 Uhr; jeden 1. Montag im Monat 16:00–18:00 Uhr; nach Vereinbarung" in page
    assert "Anna Öffentlich" in page and "Bernd Privat" not in page and "RA Geheim" not in page


def test_csv_export_is_excel_friendly_and_reads_back_with_the_importer(offices) -> None:
    text = formats.as_csv(offices)
    assert text.startswith("\ufeffKennung;Name;")
    rows, warnings = read_rows(text)
    assert warnings == [] and [r.get("Ort") for r in rows] == ["Aue", "Plauen"]
    assert rows[1].items("Sprechzeiten") == [
        "dienstags 14:00–17:00 Uhr",
        "jeden 1. Montag im Monat 16:00–18:00 Uhr",
        "nach Vereinbarung",
    ]


def test_csv_export_neutralises_formulas_and_reads_back_unchanged(offices) -> None:
    risky = {
        "name": '=HYPERLINK("http://evil.example","klick")',
        "phone": "+49 341 5550101",
        "access_notes": "@SUMME(A1)",
        "street": "-Weg 1",
        "web": "\tx.example",
        "city": "\rPlauen",
    }
    offices[0] = replace(offices[0], **risky)
    text = formats.as_csv(offices)
    cells = [
        cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";") for cell in row
    ]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil.example","klick")' in cells and "'+49 341 5550101" in cells
    rows, _ = read_rows(text)
    assert {
        k: rows[0].values[c]
        for k, c in (
            ("name", "Name"),
            ("phone", "Telefon"),
            ("access_notes", "Zugang"),
            ("street", "Straße"),
            ("web", "Web"),
            ("city", "Ort"),
        )
    } == risky
    assert read_rows("Name;Trägerart;Träger;Straße;PLZ;Ort\n'Quote;KV;'Träger;S;1;O\n")[0][0].values["Name"] == "'Quote"

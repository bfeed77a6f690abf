"""The public directory as JSON, CSV and Open Referral HSDS 3.1."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

from services.registry.domain.areas import area_key
from services.registry.domain.directory import PublicOffice
from services.registry.domain.hours import ByAppointment, Hours, Weekly
from services.registry.service_layer.office_csv import EXPORT_COLUMNS, FORMULA_STARTS

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NS = uuid.UUID("6f7c1a52-52a4-4c5e-9e0b-3f4f4e3b9a10")  # stable ids for derived HSDS records


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


def as_json(offices: list[PublicOffice], generated: datetime) -> dict:
    return {"erstellt": generated.isoformat(), "anzahl": len(offices), "beratungsstellen": [_json(o) for o in offices]}


def _json(o: PublicOffice) -> dict:
    return {
        "kennung": o.id,
        "name": o.name,
        "traeger": o.operator,
        "traegerart": o.operator_kind,
        "adresse": {"strasse": o.street, "plz": o.postcode, "ort": o.city, "zugang": o.access_notes},
        "telefon": o.phone,
        "email": o.email,
        "web": o.web,
        "sprechzeiten": list(o.hours_text),
        "beratungsfelder": list(o.areas),
        "sprachen": list(o.languages),
        "beraterinnen": list(o.counsellors),
        "pausiert": o.paused,
        "kreisverband": o.district,
        "rechtliche_anleitung": {
            "vorhanden": o.supervised,
            "seit": o.supervised_since and o.supervised_since.isoformat(),
        },
        "schulungen": {
            "geschulte_beraterinnen": o.trained_counsellors,
            "letzte": o.last_training and o.last_training.isoformat(),
        },
    }


def as_index(offices: list[PublicOffice], generated: datetime) -> dict:
    """Every published office with what a search needs: hours as rules, areas with their keys (for the gateway)."""
    return {"erstellt": generated.isoformat(), "stellen": [_indexed(o) for o in offices]}


def _indexed(o: PublicOffice) -> dict:
    return {
        "id": o.id,
        "name": o.name,
        "operator": o.operator,
        "operator_kind": o.operator_kind,
        "street": o.street,
        "postcode": o.postcode,
        "city": o.city,
        "access_notes": o.access_notes,
        "phone": o.phone,
        "email": o.email,
        "web": o.web,
        "hours": [_rule(h) for h in o.hours],
        "areas": [{"key": area_key(label), "label": label} for label in o.areas],
        "languages": list(o.languages),
        "counsellors": list(o.counsellors),  # only those who consented to their name being published
        "paused": o.paused,
        "district": o.district,
        "state": o.state,
    }


def _rule(h: Hours) -> dict:
    if isinstance(h, ByAppointment):
        return {"kind": "nach_vereinbarung", "text": h.describe()}
    rule = {"kind": "woechentlich" if isinstance(h, Weekly) else "monatlich", "weekday": h.weekday}
    rule |= {} if isinstance(h, Weekly) else {"nth": h.nth}
    return rule | {"start": f"{h.start:%H:%M}", "end": f"{h.end:%H:%M}", "text": h.describe()}


def as_csv(offices: list[PublicOffice]) -> str:
    """Semicolons and a BOM, as Excel expects; the columns are the import format's, plus two."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*EXPORT_COLUMNS, "Berater:innen", "Rechtliche Anleitung"])
    for o in offices:
        writer.writerow(
            map(
                inert,
                [
                    o.id,
                    o.name,
                    o.operator_kind,
                    o.operator,
                    o.street,
                    o.postcode,
                    o.city,
                    o.access_notes,
                    o.phone,
                    o.email,
                    o.web,
                    "; ".join(o.hours_text),
                    ", ".join(o.areas),
                    ", ".join(o.languages),
                    o.district,
                    "pausiert" if o.paused else "aktiv",
                    ", ".join(o.counsellors),
                    "ja" if o.supervised else "nein",
                ],
            )
        )
    return "\ufeff" + out.getvalue()


def inert(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading `'` (OWASP: CSV injection); the import drops it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def hsds_schedule(h: Hours, owner: str, index: int) -> dict:
    schedule = {"id": _id(owner, "schedule", str(index)), "description": h.describe()}
    if isinstance(h, ByAppointment):
        return schedule | {"attending_type": "nach Vereinbarung"}
    day = ICAL_DAYS[h.weekday]
    rule = {"freq": "WEEKLY", "byday": day} if isinstance(h, Weekly) else {"freq": "MONTHLY", "byday": f"{h.nth}{day}"}
    return schedule | rule | {"wkst": "MO", "opens_at": f"{h.start:%H:%M}", "closes_at": f"{h.end:%H:%M}"}


def hsds_service(o: PublicOffice, org_id: str) -> dict:
    service = {
        "id": o.id,
        "organization_id": org_id,
        "name": o.name,
        "description": "Kostenlose Sozialberatung" + (f": {', '.join(o.areas)}" if o.areas else ""),
        "status": "temporarily closed" if o.paused else "active",
        "schedules": [hsds_schedule(h, o.id, i) for i, h in enumerate(o.hours)],
        "languages": [{"id": _id(o.id, "language", lang), "name": lang} for lang in o.languages],
        "contacts": [{"id": _id(o.id, "contact", n), "name": n, "title": "Berater:in"} for n in o.counsellors],
        "phones": [{"id": _id(o.id, "phone"), "number": o.phone}] if o.phone else [],
        "service_at_locations": [hsds_service_at_location(o)],
        # Extra properties (HSDS allows them): what the Legal Services Act and the refresher rule ask.
        "rdg_supervision": {"supervised": o.supervised, "since": o.supervised_since and o.supervised_since.isoformat()},
        "trainings": {
            "trained_counsellors": o.trained_counsellors,
            "last_training": o.last_training and o.last_training.isoformat(),
        },
    }
    service |= {"email": o.email} if o.email else {}
    return service | ({"url": o.web} if o.web else {})


def hsds_location(o: PublicOffice) -> dict:
    location_id = _id(o.id, "location")
    address = {
        "id": _id(o.id, "address"),
        "location_id": location_id,
        "address_1": o.street,
        "city": o.city,
        "state_province": o.state or "-",
        "postal_code": o.postcode,
        "country": "DE",
        "address_type": "physical",
    }
    location = {"id": location_id, "location_type": "physical", "name": o.name, "addresses": [address]}
    if o.access_notes:
        location["accessibility"] = [
            {"id": _id(o.id, "access"), "location_id": location_id, "description": o.access_notes}
        ]
    return location


def hsds_organization_id(o: PublicOffice) -> str:
    return _id("organization", o.operator)


def hsds_service_at_location_id(o: PublicOffice) -> str:
    return _id(o.id, "sal")


def hsds_service_at_location(o: PublicOffice) -> dict:
    location = hsds_location(o)
    return {
        "id": hsds_service_at_location_id(o),
        "service_id": o.id,
        "location_id": location["id"],
        "location": location,
    }


def hsds_organization(offices: list[PublicOffice]) -> dict:
    """One operator (the HSDS organization) with the services and locations of its offices."""
    first = offices[0]
    services = [hsds_service(o, hsds_organization_id(o)) for o in offices]
    return {
        "id": hsds_organization_id(first),
        "name": first.operator,
        "description": f"Träger von Sozialberatung ({first.operator_kind})",
        "services": [{k: v for k, v in s.items() if k != "service_at_locations"} for s in services],
        "locations": [s["service_at_locations"][0]["location"] for s in services],
    }

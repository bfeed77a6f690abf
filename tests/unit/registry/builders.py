"""Test data for the register."""

from __future__ import annotations

from datetime import date

from services.registry.domain import commands
from services.registry.domain.input import office_details
from services.registry.domain.offices import Counsellor, Supervision, Training


def details(**overrides: object):
    values = dict(
        name="Sozialberatung im Bürgerbüro Plauen",
        operator_kind="Abgeordnetenbüro",
        operator_name="Bürgerbüro MdL Vogtland",
        street="Bahnhofstraße 12",
        postcode="08523",
        city="Plauen",
        access_notes="ebenerdig",
        phone="03741 555010",
        email="buero@example.org",
        hours=["dienstags 14–17 Uhr"],
        areas=["Bürgergeld", "KdU"],
        languages=["Deutsch"],
    )
    return office_details(**(values | overrides))


def register(**overrides: object) -> commands.RegisterOffice:
    counsellors = (
        Counsellor("c-1", "Anna Beispiel", publish_name=True, trainings=(Training(date(2026, 9, 1), "Auffrischung"),)),
        Counsellor("c-2", "Bernd Ohnename", publish_name=False),
    )
    supervision = Supervision("Rechtsanwältin M. Beispiel", True, date(2026, 1, 1))
    return commands.RegisterOffice(details(**overrides), "aktiv", counsellors, supervision, office_id="office-1")

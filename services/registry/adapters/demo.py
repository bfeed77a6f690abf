"""Demo register from the seed documents: Saxony's LAG Hartz IV and regional groups, Hamburg's seven
Bezirke, some NRW district associations, and a handful of offices. Contact data are fictitious.

Loaded by `beratungsnetz up` into an empty database, through the ordinary use cases, so every
entry is announced as an event like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from services.registry.domain import commands
from services.registry.domain.offices import Counsellor, Training
from services.registry.domain.regions import Coordinator
from services.registry.service_layer import handlers, importer
from shared.logging import get_logger

log = get_logger(__name__)

SAXONY = [
    "Vogtland",
    "Erzgebirge",
    "Dresden",
    "Leipzig",
    "Chemnitz",
    "Zwickau",
    "Mittelsachsen",
    "Bautzen",
    "Görlitz",
    "Meißen",
    "Nordsachsen",
    "Landkreis Leipzig",
    "Sächsische Schweiz-Osterzgebirge",
]
HAMBURG = ["Altona", "Bergedorf", "Eimsbüttel", "Hamburg-Mitte", "Hamburg-Nord", "Harburg", "Wandsbek"]
NRW = ["Bochum", "Dortmund", "Essen", "Köln", "Düsseldorf", "Duisburg", "Münster", "Bielefeld"]
GROUPS = {  # regional group -> (districts, coordinator first name from seed 004)
    "Vogtland": (["Vogtland"], "Kathrin"),
    "Erzgebirge": (["Erzgebirge"], "Wolfgang"),
    "Dresden": (["Dresden", "Sächsische Schweiz-Osterzgebirge"], "Gudrun"),
    "Leipzig": (["Leipzig", "Landkreis Leipzig"], "Thea"),
    "Chemnitz": (["Chemnitz", "Mittelsachsen"], "Susann"),
}

OFFICES_CSV = """Name;Trägerart;Träger;Straße;PLZ;Ort;Zugang;Telefon;E-Mail;Sprechzeiten;Beratungsfelder;Sprachen;Kreisverband;RDG-Anleitung;RDG-seit;RDG-bestätigt
Sozialberatung Plauen;Kreisverband;DIE LINKE Vogtland;Rähnisstraße 1;08523;Plauen;ebenerdig;03741 555010;plauen@example.org;dienstags 14–17 Uhr;Bürgergeld, Kosten der Unterkunft;Deutsch;Vogtland;Rechtsanwältin M. Beispiel;01.03.2015;ja
Sozialsprechstunde Aue;Abgeordnetenbüro;Bürgerbüro MdL Erzgebirge;Bahnhofstraße 2;08280;Aue-Bad Schlema;;03733 555010;aue@example.org;jeden 1. Montag im Monat 16–18 Uhr;Bürgergeld, Rente;Deutsch;Erzgebirge;;;
Sozialberatung Leipzig-Connewitz;Kreisverband;DIE LINKE Leipzig;Braustraße 3;04107;Leipzig;barrierefrei;0341 5550101;leipzig@example.org;donnerstags 10–13 Uhr, jeden letzten Freitag im Monat 15–18 Uhr;Bürgergeld, Aufenthaltsrecht, Energiearmut;Deutsch, Englisch, Arabisch;Leipzig;Rechtsanwalt K. Muster;15.05.2016;ja
Sozialberatung Dresden;Parteibüro;DIE LINKE Dresden;Großenhainer Straße 4;01097;Dresden;;0351 5550103;dresden@example.org;mittwochs 15–18 Uhr;SGB XII, Schwerbehinderung;Deutsch;Dresden;Rechtsanwältin M. Beispiel;01.01.2017;ja
Sozialberatung Chemnitz;Kreisverband;DIE LINKE Chemnitz;Rosenplatz 5;09126;Chemnitz;;0371 5550104;chemnitz@example.org;nach Vereinbarung;Bürgergeld;Deutsch, Russisch;Chemnitz;;;
Senior:innenberatung Altona;Kreisverband;DIE LINKE Altona;Große Bergstraße 6;22767;Hamburg;Aufzug vorhanden;040 5550102;altona@example.org;montags 10–12 Uhr;Rente, Familie;Deutsch, Türkisch;Altona;Hans-Jürgen L. (Anleitung);01.01.2020;ja
Sozialberatung Bochum;Kreisverband;DIE LINKE Bochum;Alsenstraße 7;44789;Bochum;;0234 5550105;bochum@example.org;dienstags 16–18 Uhr;Bürgergeld, Kosten der Unterkunft;Deutsch;Bochum;;;
Bürgerbüro Zwickau;Abgeordnetenbüro;Bürgerbüro MdB Zwickau;Hauptstraße 8;08056;Zwickau;;0375 5550106;zwickau@example.org;nach Vereinbarung;Bürgergeld;Deutsch;Zwickau;;;
Linkes Büro Görlitz;Parteibüro;DIE LINKE Görlitz;Berliner Straße 9;02826;Görlitz;;03581 5550107;goerlitz@example.org;freitags 10–12 Uhr;Bürgergeld, Rente;Deutsch, Polnisch;Görlitz;;;
"""


async def load_demo_data(uow: Callable[[], Any], today: date) -> None:
    """Fill an empty register; a register that has anything in it is left alone.

    Dates lie relative to `today`, so the demo never ages into findings it did not have (a refresher due).
    """
    async with uow() as probe:
        if await probe.districts.list():
            return
    ids: dict[str, str] = {}
    for state, kind, names in (("SN", "kreisverband", SAXONY), ("HH", "bezirk", HAMBURG), ("NW", "kreisverband", NRW)):
        for name in names:
            ids[name] = (await handlers.add_district(commands.AddDistrict(name, state, kind), uow())).id
    for name, (districts, coordinator) in GROUPS.items():
        who = Coordinator(coordinator, f"{coordinator.lower()}@example.org")
        await handlers.form_group(commands.FormGroup(name, "SN", tuple(ids[d] for d in districts), who), uow())
    result = await importer.import_offices(OFFICES_CSV, uow())
    plauen = next(o for o in await _offices(uow) if o.name == "Sozialberatung Plauen")
    trained = Counsellor(
        "demo-beraterin-1",
        "Kathrin",
        email="kathrin.beratung@example.org",
        publish_name=True,
        trainings=(Training(today - timedelta(days=60), "Auffrischung SGB II"),),
    )
    await handlers.add_counsellor(commands.AddCounsellor(plauen.id, trained), uow())
    log.info("demo.loaded", districts=len(ids), groups=len(GROUPS), offices=result.created, errors=len(result.errors))


async def _offices(uow: Callable[[], Any]) -> list:
    async with uow() as u:
        return await u.offices.list()
